"""Staff away for a day (check-ins and the early years register share one record of it) and
days the school is closed."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from attune.accounts.models import User
from attune.auditlog.actions import Action
from attune.auditlog.record import record
from attune.checkins.models import SchoolClosure, StaffAbsence
from attune.checkins.services.errors import CheckinError
from attune.people.models import Staff


class AbsenceError(CheckinError):
    """A staff absence that cannot be recorded (check-ins and early years both show it)."""


def staff_absence_record(
    *, actor: User, staff: Staff, on: date, reason: str, today: date, field: str = "on"
) -> StaffAbsence:
    """Record that ``staff`` is away on ``on``: their key children go to their co-workers for
    check-ins, and the early years register shows who covers. The one service for both, so
    the two always agree.

    ``field`` names the form field an error belongs beside (the day on the check-ins form; the
    early years register, which records today only, names the adult).
    """
    if on < today:
        raise AbsenceError("Absences are recorded for today or a day ahead.", "absence.past", field)
    with transaction.atomic():
        absence, created = StaffAbsence.objects.get_or_create(
            staff=staff,
            on=on,
            defaults={"school_id": staff.school_id, "reason": reason.strip(), "recorded_by": actor},
        )
        if not created:
            raise AbsenceError(
                f"{staff.full_name} is already recorded as away that day.",
                "absence.duplicate",
                field,
            )
        record(
            Action.STAFF_ABSENCE_RECORDED,
            absence,
            actor=actor,
            changes={"staff": staff.full_name, "on": on.isoformat(), "reason": absence.reason},
        )
    return absence


def staff_absence_remove(*, actor: User, absence: StaffAbsence) -> None:
    with transaction.atomic():
        record(
            Action.STAFF_ABSENCE_REMOVED,
            absence,
            actor=actor,
            changes={"staff": absence.staff.full_name, "on": absence.on.isoformat()},
        )
        absence.delete()


def school_closure_add(*, actor: User, school_id: int, on: date, reason: str) -> SchoolClosure:
    if not reason.strip():
        raise CheckinError(
            "Say why the school is closed (for example, a training day).",
            "checkins.closure.reason",
            "reason",
        )
    with transaction.atomic():
        closure, created = SchoolClosure.objects.get_or_create(
            school_id=school_id, on=on, defaults={"reason": reason.strip()}
        )
        if not created:
            raise CheckinError(
                "That day is already recorded as a closure.", "checkins.closure.duplicate", "on"
            )
        record(
            Action.CLOSURE_ADDED,
            closure,
            actor=actor,
            changes={"on": on.isoformat(), "reason": closure.reason},
        )
    return closure
