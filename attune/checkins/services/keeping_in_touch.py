"""Keeping in touch with a child who is not in school: the routine, and each contact made."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from django.db import transaction

from attune.access.standing import forget
from attune.accounts.models import User
from attune.auditlog.actions import Action
from attune.auditlog.record import record
from attune.auditlog.saving import save_recorded
from attune.checkins.models import ContactBy, ContactOutcome, KeepInTouchContact, KeepInTouchRoutine
from attune.checkins.services.errors import CheckinError
from attune.people.models import Pupil, Staff


@dataclass(frozen=True, slots=True)
class Routine:
    staff: Staff
    at: time
    by: str
    with_whom: str = ""
    notes: str = ""


def keep_in_touch_routine_save(
    *, actor: User, pupil: Pupil, routine: Routine
) -> KeepInTouchRoutine:
    if routine.by not in ContactBy.values:
        raise CheckinError("Choose how you keep in touch.", "checkins.routine.by", "by")
    if routine.staff.school_id != pupil.school_id or not routine.staff.is_active:
        raise CheckinError(
            "Choose an adult who works at the school.", "checkins.routine.staff", "staff"
        )
    values = {
        "staff": routine.staff,
        "at": routine.at,
        "by": routine.by,
        "with_whom": routine.with_whom.strip(),
        "notes": routine.notes.strip(),
        "updated_by": actor,
    }
    with transaction.atomic():
        saved, created = KeepInTouchRoutine.objects.update_or_create(
            pupil=pupil, defaults={"school_id": pupil.school_id, **values}
        )
        record(
            Action.KEEP_IN_TOUCH_SET if created else Action.KEEP_IN_TOUCH_CHANGED,
            saved,
            actor=actor,
            changes={
                "staff": routine.staff.full_name,
                "at": routine.at.isoformat(timespec="minutes"),
                "by": routine.by,
                "with_whom": saved.with_whom,
            },
        )
    forget()  # who keeps in touch with this child is a tie: look ties up afresh
    return saved


@dataclass(frozen=True, slots=True)
class Contact:
    on: date
    by: str
    outcome: str
    agreed: str = ""


def keep_in_touch_contact_log(
    *,
    actor: User,
    staff: Staff | None,
    pupil: Pupil,
    contact: Contact,
    today: date,
) -> KeepInTouchContact:
    if contact.on > today:
        raise CheckinError(
            "A contact cannot be logged for a day that has not happened yet.",
            "checkins.contact.future",
            "on",
        )
    if contact.by not in ContactBy.values:
        raise CheckinError("Choose how you got in touch.", "checkins.contact.by", "by")
    if contact.outcome not in ContactOutcome.values:
        raise CheckinError("Choose how it went.", "checkins.contact.outcome", "outcome")
    logged = KeepInTouchContact(
        school_id=pupil.school_id,
        pupil=pupil,
        on=contact.on,
        by=contact.by,
        outcome=contact.outcome,
        agreed=contact.agreed.strip(),
        staff=staff,
        recorded_by=actor,
    )
    return save_recorded(
        Action.KEEP_IN_TOUCH_LOGGED,
        logged,
        actor=actor,
        changes={"on": contact.on.isoformat(), "by": contact.by, "outcome": contact.outcome},
    )
