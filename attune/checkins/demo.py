"""Demo check-ins: plans agreed with the children and a few weeks of logged check-ins.

Call :func:`build_checkins` after the demo's key adult relationships exist (the generator
does this). Synthetic, like everything in the demo; idempotent per school.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, time, timedelta

from attune.checkins.domain import schedule
from attune.checkins.domain.today import slot_key
from attune.checkins.models import (
    AttunementRecord,
    Checkin,
    CheckinForm,
    CheckinPlan,
    Mood,
    Outcome,
    SchoolClosure,
    StaffAbsence,
)
from attune.checkins.selectors import cover_for, domain_plan
from attune.people.models import School
from attune.relationships.models import KeyAdultRelationship
from attune.tenancy import school_scope

WEEKS = 4
PLACES = ["the library corner", "the nurture room", "the quiet table by the office", "the garden"]
WORDS = [
    "I like it when we just sit and draw.",
    "Can we walk round the field instead?",
    "I want to show you my card when I can't say it.",
    "Mornings are the hard bit.",
]
HELPS = [
    "Sitting side by side, not face to face.",
    "A fidget to hold and no questions straight away.",
    "Knowing the time will not change.",
]
NOTES = [
    "Talked about the weekend.",
    "Quiet today; chose the feelings card for 'worried'.",
    "Came in smiling and told me about a new puppy.",
    "Needed a few minutes before coming into class.",
    "",
    "",
]
EVIDENCE = [
    "Looked up when I said hello and waited for me at the door.",
    "Started telling me about their drawing without being asked.",
    "I noticed a joke and laughed with them; they carried it on.",
    "We took turns building the story, each adding to what the other said.",
    "We worked out a plan together for the noisy lunch hall.",
]
OUTCOMES = [Outcome.HAPPENED] * 16 + [Outcome.MISSED, Outcome.DECLINED, Outcome.COVERED]


@dataclass(frozen=True, slots=True)
class DemoCheckins:
    plans: int
    checkins: int


def build_checkins(school: School, *, today: date, seed: int = 2026) -> DemoCheckins:
    """Plans for most current relationships, their check-ins since the plan began, a closure
    day, one key adult away today, and dated attunement levels."""
    rng = random.Random(seed)  # noqa: S311 - synthetic demo data, nothing secret
    with school_scope(school):
        if CheckinPlan.objects.exists():
            return DemoCheckins(CheckinPlan.objects.count(), Checkin.objects.count())
        relationships = list(
            KeyAdultRelationship.objects.filter(ended_on__isnull=True).order_by("pk")
        )
        closure = _closure(school, today)
        calendar = schedule.SchoolCalendar(closures=frozenset({closure}))
        plans = [_plan(school, r, today, rng) for r in relationships if rng.random() < 0.85]
        CheckinPlan.objects.bulk_create(plans)
        checkins: list[Checkin] = []
        for number, plan in enumerate(plans):
            checkins += _history(plan, today, calendar, rng, struggling=number % 9 == 4)
        Checkin.objects.bulk_create(checkins, batch_size=1000)
        AttunementRecord.objects.bulk_create(
            record for plan in plans for record in _attunement(plan, today, rng)
        )
        if relationships:
            away = rng.choice(relationships).key_adult
            StaffAbsence.objects.create(school=school, staff=away, on=today, reason="Training")
    return DemoCheckins(len(plans), len(checkins))


def _closure(school: School, today: date) -> date:
    day = today - timedelta(days=10)
    while day.weekday() >= schedule.SATURDAY:
        day -= timedelta(days=1)
    SchoolClosure.objects.create(school=school, on=day, reason="Staff training day")
    return day


def _plan(
    school: School, relationship: KeyAdultRelationship, today: date, rng: random.Random
) -> CheckinPlan:
    starts = max(relationship.started_on, today - timedelta(weeks=WEEKS))
    lunch = rng.random() < 0.2
    return CheckinPlan(
        school=school,
        relationship=relationship,
        at_start_of_day=True,
        at_end_of_day=rng.random() < 0.7,
        at_time=time(12, 30) if lunch else None,
        weekdays="01234" if rng.random() < 0.8 else "024",
        duration_minutes=rng.choice([5, 10, 10, 15]),
        place=rng.choice(PLACES),
        form=rng.choice(CheckinForm.values),
        what_helps=rng.choice(HELPS),
        child_words=rng.choice(WORDS),
        starts_on=starts,
        review_on=today + timedelta(days=rng.randrange(5, 50)),
    )


def _history(
    plan: CheckinPlan,
    today: date,
    calendar: schedule.SchoolCalendar,
    rng: random.Random,
    *,
    struggling: bool,
) -> list[Checkin]:
    relationship = plan.relationship
    rules = domain_plan(plan)
    cover = cover_for(relationship, set())
    rows: list[Checkin] = []
    day = plan.starts_on
    while day < today:
        for due in schedule.due_on(day, rules, calendar, cover).due:
            outcome = rng.choice(OUTCOMES)
            if struggling and (today - day).days <= 6:
                outcome = Outcome.MISSED  # a few children show the "missed in a row" warning
            rows.append(_checkin(plan, day, slot_key(due.slot), outcome, rng))
        day += timedelta(days=1)
    return rows


def _checkin(plan: CheckinPlan, day: date, slot: str, outcome: str, rng: random.Random) -> Checkin:
    relationship = plan.relationship
    happened = outcome in (Outcome.HAPPENED, Outcome.COVERED)
    done_by = relationship.co_worker if outcome == Outcome.COVERED else relationship.key_adult
    return Checkin(
        school_id=plan.school_id,
        relationship=relationship,
        pupil_id=relationship.pupil_id,
        on=day,
        slot=slot,
        outcome=outcome,
        mood=rng.choice(Mood.values[1:]) if happened else None,
        note=rng.choice(NOTES) if happened else "",
        needed_to_decompress=happened and rng.random() < 0.15,
        done_by=done_by,
    )


def _attunement(plan: CheckinPlan, today: date, rng: random.Random) -> list[AttunementRecord]:
    relationship = plan.relationship
    level = rng.randint(1, 2)
    day = max(relationship.started_on, today - timedelta(days=180))
    rows: list[AttunementRecord] = []
    for _ in range(rng.randint(1, 3)):
        rows.append(
            AttunementRecord(
                school_id=plan.school_id,
                relationship=relationship,
                on=day,
                level=level,
                evidence=EVIDENCE[level - 1],
            )
        )
        level = min(level + rng.randint(0, 2), 5)
        day = min(day + timedelta(days=rng.randrange(20, 60)), today)
    return rows
