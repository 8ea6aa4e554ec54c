"""Logging how a check-in went, or correcting it; a co-worker's is recorded as cover."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from attune.accounts.models import User
from attune.auditlog.actions import Action
from attune.auditlog.record import record
from attune.checkins.models import Checkin, Outcome
from attune.checkins.selectors import slots_due_for
from attune.checkins.services.errors import CheckinError
from attune.people.models import Staff
from attune.relationships.models import KeyAdultRelationship


@dataclass(frozen=True, slots=True)
class HowItWent:
    """What the adult records for one check-in."""

    outcome: str
    mood: int | None = None
    note: str = ""
    needed_to_decompress: bool = False


def checkin_log(
    *,
    actor: User,
    staff: Staff,
    relationship: KeyAdultRelationship,
    on: date,
    slot: str,
    how: HowItWent,
    today: date,
) -> Checkin:
    """Record (or correct) one check-in. ``staff`` is the adult logging it."""
    if on > today:
        raise CheckinError(
            "A check-in cannot be logged for a day that has not happened yet.",
            "checkins.log.future",
            "on",
        )
    if how.outcome not in Outcome.values:
        raise CheckinError("Choose how the check-in went.", "checkins.log.outcome", "outcome")
    if slot not in {s.key for s in slots_due_for(relationship, on)}:
        raise CheckinError(
            "No check-in was planned for that time on that day.", "checkins.log.no_slot", "slot"
        )
    outcome, done_by = _who_did_it(relationship, staff, how.outcome)
    with transaction.atomic():
        checkin, created = Checkin.objects.update_or_create(
            relationship=relationship,
            on=on,
            slot=slot,
            defaults={
                "school_id": relationship.school_id,
                "pupil_id": relationship.pupil_id,
                "outcome": outcome,
                "mood": how.mood,
                "note": how.note.strip(),
                "needed_to_decompress": how.needed_to_decompress,
                "done_by": done_by,
                "recorded_by": actor,
            },
        )
        record(
            Action.CHECKIN_LOGGED if created else Action.CHECKIN_CORRECTED,
            checkin,
            actor=actor,
            changes={
                "on": on.isoformat(),
                "slot": slot,
                "outcome": outcome,
                "mood": how.mood,
                "needed_to_decompress": how.needed_to_decompress,
                "done_by": done_by.full_name if done_by else None,
            },
        )
    return checkin


def _who_did_it(
    relationship: KeyAdultRelationship, staff: Staff, outcome: str
) -> tuple[str, Staff | None]:
    """A co-worker's check-in is recorded as covered, so the day's record shows who did it."""
    if staff.pk == relationship.co_worker_id and outcome == Outcome.HAPPENED:
        return Outcome.COVERED, staff
    if outcome == Outcome.COVERED and staff.pk == relationship.key_adult_id:
        return outcome, relationship.co_worker
    return outcome, staff
