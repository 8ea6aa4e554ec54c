"""Every write about check-ins, absences and attunement, audited in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from django.db import transaction
from django.http import HttpRequest

from attune.accounts.models import User
from attune.auditlog.services import audit_log
from attune.checkins.domain import attunement
from attune.checkins.domain.schedule import ScheduleError
from attune.checkins.models import (
    AttunementRecord,
    Checkin,
    CheckinPlan,
    Outcome,
    RelationshipTarget,
    SchoolClosure,
    StaffAbsence,
)
from attune.checkins.selectors import current_level, domain_plan, slots_due_for
from attune.errors import AttuneError
from attune.people.models import Staff
from attune.relationships.models import KeyAdultRelationship


class CheckinError(AttuneError):
    pass


@dataclass(frozen=True, slots=True)
class PlanTerms:
    """What was agreed with the child; the fields of :class:`CheckinPlan` people fill in."""

    at_start_of_day: bool
    at_end_of_day: bool
    at_time: time | None
    weekdays: tuple[int, ...]
    duration_minutes: int
    place: str
    form: str
    what_helps: str
    child_words: str
    starts_on: date
    ends_on: date | None
    review_on: date


_SCHEDULE_FIELDS = {
    "schedule.weekdays": "weekdays",
    "schedule.duration": "duration_minutes",
    "schedule.plan_dates": "ends_on",
}


def _check_terms(terms: PlanTerms) -> None:
    if not (terms.at_start_of_day or terms.at_end_of_day or terms.at_time):
        raise CheckinError(
            "Choose at least one time of day for the check-in.", "checkins.plan.no_time", "at_time"
        )
    if terms.review_on < terms.starts_on:
        raise CheckinError(
            "The review date cannot be before the plan starts.",
            "checkins.plan.review_before_start",
            "review_on",
        )
    if not terms.place.strip():
        raise CheckinError(
            "Say where the check-in happens, so the child knows where to go.",
            "checkins.plan.no_place",
            "place",
        )
    try:
        domain_plan(_unsaved(terms))
    except ScheduleError as error:
        raise CheckinError(str(error), error.code, _SCHEDULE_FIELDS.get(error.code)) from None


def _unsaved(terms: PlanTerms) -> CheckinPlan:
    return CheckinPlan(
        at_start_of_day=terms.at_start_of_day,
        at_end_of_day=terms.at_end_of_day,
        at_time=terms.at_time,
        weekdays="".join(str(d) for d in sorted(set(terms.weekdays))),
        duration_minutes=terms.duration_minutes,
        place=terms.place.strip(),
        form=terms.form,
        what_helps=terms.what_helps.strip(),
        child_words=terms.child_words.strip(),
        starts_on=terms.starts_on,
        ends_on=terms.ends_on,
        review_on=terms.review_on,
    )


def checkin_plan_save(
    *,
    actor: User,
    relationship: KeyAdultRelationship,
    terms: PlanTerms,
    request: HttpRequest | None = None,
) -> CheckinPlan:
    """Create the relationship's plan, or change it; the audit records what changed."""
    _check_terms(terms)
    if not relationship.is_current:
        raise CheckinError(
            "This relationship has ended, so its check-in plan cannot change.",
            "checkins.plan.relationship_ended",
        )
    new = _unsaved(terms)
    fields = [f.name for f in CheckinPlan._meta.concrete_fields if f.name in _PLAN_FIELDS]
    with transaction.atomic():
        plan = (
            CheckinPlan.objects.select_for_update(of=("self",))
            .filter(relationship=relationship)
            .first()
        )
        created = plan is None
        if plan is None:
            plan = new
            plan.school_id = relationship.school_id
            plan.relationship = relationship
            plan.created_by = actor
            changes = {f: _plain(getattr(plan, f)) for f in fields}
            plan.save()
        else:
            changes = {
                f: [_plain(getattr(plan, f)), _plain(getattr(new, f))]
                for f in fields
                if getattr(plan, f) != getattr(new, f)
            }
            for f in fields:
                setattr(plan, f, getattr(new, f))
            plan.save(update_fields=[*fields, "updated_at"])
        audit_log(
            actor=actor,
            action="checkins.plan.created" if created else "checkins.plan.changed",
            obj=plan,
            school=relationship.pupil.school,
            pupil=relationship.pupil,
            changes=changes,
            request=request,
        )
    return plan


_PLAN_FIELDS = frozenset(
    {
        "at_start_of_day",
        "at_end_of_day",
        "at_time",
        "weekdays",
        "duration_minutes",
        "place",
        "form",
        "what_helps",
        "child_words",
        "starts_on",
        "ends_on",
        "review_on",
    }
)


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, date | time) else value


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
    request: HttpRequest | None = None,
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
        audit_log(
            actor=actor,
            action="checkins.checkin.logged" if created else "checkins.checkin.corrected",
            obj=checkin,
            school=relationship.pupil.school,
            pupil=relationship.pupil,
            changes={
                "on": on.isoformat(),
                "slot": slot,
                "outcome": outcome,
                "mood": how.mood,
                "needed_to_decompress": how.needed_to_decompress,
                "done_by": done_by.full_name if done_by else None,
            },
            request=request,
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


def staff_absence_record(
    *,
    actor: User,
    staff: Staff,
    on: date,
    reason: str,
    today: date,
    request: HttpRequest | None = None,
) -> StaffAbsence:
    if on < today:
        raise CheckinError(
            "Absences are recorded for today or a day ahead.", "checkins.absence.past", "on"
        )
    with transaction.atomic():
        absence, created = StaffAbsence.objects.get_or_create(
            staff=staff,
            on=on,
            defaults={"school_id": staff.school_id, "reason": reason.strip(), "recorded_by": actor},
        )
        if not created:
            raise CheckinError(
                f"{staff.full_name} is already recorded as away that day.",
                "checkins.absence.duplicate",
                "on",
            )
        audit_log(
            actor=actor,
            action="checkins.staff_absence.recorded",
            obj=absence,
            school=absence.school,
            changes={"staff": staff.full_name, "on": on.isoformat(), "reason": absence.reason},
            request=request,
        )
    return absence


def staff_absence_remove(
    *, actor: User, absence: StaffAbsence, request: HttpRequest | None = None
) -> None:
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="checkins.staff_absence.removed",
            obj=absence,
            school=absence.school,
            changes={"staff": absence.staff.full_name, "on": absence.on.isoformat()},
            request=request,
        )
        absence.delete()


def school_closure_add(
    *, actor: User, school_id: int, on: date, reason: str, request: HttpRequest | None = None
) -> SchoolClosure:
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
        audit_log(
            actor=actor,
            action="checkins.closure.added",
            obj=closure,
            school=closure.school,
            changes={"on": on.isoformat(), "reason": closure.reason},
            request=request,
        )
    return closure


def attunement_record(
    *,
    actor: User,
    relationship: KeyAdultRelationship,
    on: date,
    level: int,
    evidence: str,
    today: date,
    request: HttpRequest | None = None,
) -> AttunementRecord:
    if on > today:
        raise CheckinError(
            "Record what you have already seen: the date cannot be in the future.",
            "checkins.attunement.future",
            "on",
        )
    if on < relationship.started_on:
        raise CheckinError(
            "The date cannot be before the relationship started "
            f"({relationship.started_on:%d %B %Y}).",
            "checkins.attunement.before_start",
            "on",
        )
    if not evidence.strip():
        raise CheckinError(
            "Describe what you saw that shows this level: a moment, in a sentence or two.",
            "checkins.attunement.evidence",
            "evidence",
        )
    with transaction.atomic():
        record = AttunementRecord.objects.create(
            school_id=relationship.school_id,
            relationship=relationship,
            on=on,
            level=attunement.Principle(level),
            evidence=evidence.strip(),
            recorded_by=actor,
        )
        audit_log(
            actor=actor,
            action="checkins.attunement.recorded",
            obj=record,
            school=relationship.pupil.school,
            pupil=relationship.pupil,
            changes={"on": on.isoformat(), "level": attunement.Principle(level).label},
            request=request,
        )
    return record


def relationship_target_set(
    *,
    actor: User,
    relationship: KeyAdultRelationship,
    principle: int,
    text: str,
    today: date,
    request: HttpRequest | None = None,
) -> RelationshipTarget:
    """Guiding targets wait until the relationship is recorded as attuned (KA-8)."""
    if not text.strip():
        raise CheckinError("Write the target in a sentence.", "checkins.target.text", "text")
    kind = attunement.Principle(principle)
    if kind is attunement.Principle.GUIDING:
        decision = attunement.can_set_guiding_target(current_level(relationship))
        if not decision.allowed:
            raise CheckinError(decision.reason, "checkins.target.not_attuned", "principle")
    with transaction.atomic():
        target = RelationshipTarget.objects.create(
            school_id=relationship.school_id,
            relationship=relationship,
            principle=kind,
            text=text.strip(),
            set_on=today,
            set_by=actor,
        )
        audit_log(
            actor=actor,
            action="checkins.target.set",
            obj=target,
            school=relationship.pupil.school,
            pupil=relationship.pupil,
            changes={"principle": kind.label, "text": target.text},
            request=request,
        )
    return target
