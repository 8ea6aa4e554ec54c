"""Agreeing a child's check-in plan with them, and changing it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from django.db import transaction

from attune.accounts.models import User
from attune.auditlog.actions import Action
from attune.auditlog.record import record
from attune.checkins.domain.schedule import ScheduleError
from attune.checkins.models import CheckinPlan
from attune.checkins.selectors import domain_plan
from attune.checkins.services.errors import CheckinError
from attune.relationships.models import KeyAdultRelationship


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
        record(
            Action.CHECKIN_PLAN_CREATED if created else Action.CHECKIN_PLAN_CHANGED,
            plan,
            actor=actor,
            pupil=relationship.pupil_id,
            changes=changes,
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
