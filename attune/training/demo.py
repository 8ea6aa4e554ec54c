"""Demo training and supervision: the suggested courses, a few years of attendance with some
renewals overdue, and supervision of the key adults by the attachment lead (one or two of them
overdue). Synthetic, like everything in the demo; idempotent per school.

Call :func:`build_training` after the demo's staff and key adult relationships exist.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Min

from attune.people.models import JobRole, School, Staff
from attune.relationships.models import KeyAdultRelationship
from attune.tenancy import school_scope
from attune.training.domain.catalogue import SUGGESTED_COURSES
from attune.training.models import (
    Attendance,
    Course,
    Supervision,
    SupervisionKind,
    SupervisionSettings,
    Theme,
)
from attune.training.selectors import people_of
from attune.training.services import suggested_course

PROVIDERS = [
    "Local authority Virtual School",
    "Educational psychology service",
    "In house (INSET day)",
    "Online course",
]
NOTES = [
    "Talked through a morning that had gone badly and what might help at the door.",
    "Feeling stretched with three key children in one class; agreed some cover time.",
    "Went over the plan for a child moving to a new class after half term.",
    "Reflected on how a family meeting went and what to say next time.",
    "Celebrated a child who now comes to find her at break.",
]
SUPPORT = [
    "Twenty minutes a week protected for check-ins.",
    "The attachment lead joins the next meeting with the family.",
    "A place on the next emotion coaching course.",
    "",
]
FOLLOW_UPS = ["Check how the new routine is going.", "Review cover arrangements.", ""]


@dataclass(frozen=True, slots=True)
class DemoTraining:
    courses: int
    attendances: int
    supervisions: int


def build_training(school: School, rng: random.Random, today: date) -> DemoTraining:
    with school_scope(school):
        if Course.objects.exists():
            return _counts()
        courses = Course.objects.bulk_create(suggested_course(school, s) for s in SUGGESTED_COURSES)
        Attendance.objects.bulk_create(_attendance(school, courses, rng, today), batch_size=1000)
        SupervisionSettings.objects.create(school=school)
        Supervision.objects.bulk_create(_supervision(school, rng, today))
        return _counts()


def _counts() -> DemoTraining:
    return DemoTraining(
        Course.objects.count(), Attendance.objects.count(), Supervision.objects.count()
    )


def _attendance(
    school: School, courses: list[Course], rng: random.Random, today: date
) -> list[Attendance]:
    """Each course ran in a few sessions; most of its audience came to one of them.

    For a course that must be renewed, the oldest session is past its renewal date (those
    people are overdue) and the next is close to it (due soon); the rest are recent.
    """
    people = people_of(school)
    staff = {str(s.pk): s for s in Staff.objects.filter(is_active=True)}
    rows = []
    for course in courses:
        months = course.renew_every_months
        if months is None:
            sessions = [today - timedelta(days=rng.randrange(30, 1500)) for _ in range(3)]
        else:
            span = months * 30
            sessions = [
                today - timedelta(days=span + rng.randrange(10, 90)),
                today - timedelta(days=span - rng.randrange(5, 40)),
                today - timedelta(days=rng.randrange(7, span // 2)),
                today - timedelta(days=rng.randrange(span // 2, span - 60)),
            ]
        weights = [1.0] * len(sessions) if months is None else [0.15, 0.1, 0.4, 0.35]
        provider = rng.choice(PROVIDERS)
        for pid, person in people.items():
            if not course.audience.includes(person) or rng.random() > 0.85:
                continue
            rows.append(
                Attendance(
                    school=school,
                    course=course,
                    staff=staff[pid],
                    attended_on=rng.choices(sessions, weights)[0],
                    provider=provider,
                )
            )
    return rows


def _supervision(school: School, rng: random.Random, today: date) -> list[Supervision]:
    lead = Staff.objects.filter(job_role=JobRole.SENCO).first()
    if lead is None:
        return []
    key_adults = list(
        Staff.objects.filter(key_relationships__ended_on__isnull=True).distinct().order_by("pk")
    )
    supervised = [s for s in key_adults if s.pk != lead.pk]  # also each other's peers
    first_day = dict(
        KeyAdultRelationship.objects.filter(ended_on__isnull=True)
        .values("key_adult_id")
        .annotate(since=Min("started_on"))
        .values_list("key_adult_id", "since")
    )
    # Every fifth long-standing key adult has slipped: nothing formal for a couple of months.
    # Chosen among those who have been key adults long enough to be overdue, so the demo always
    # shows some, whatever order the generated ids fall in.
    settled = [s for s in supervised if first_day.get(s.pk, today) <= today - timedelta(days=120)]
    slipped = {s.pk for s in settled[::5]}
    rows = []
    for adult in supervised:
        since = first_day.get(adult.pk, today)
        gap = 70 if adult.pk in slipped else 0
        day = max(since, today - timedelta(days=200)) + timedelta(days=rng.randrange(3, 20))
        while day <= today - timedelta(days=gap):
            rows.append(_one(school, SupervisionKind.FORMAL, day, lead, adult, rng))
            if rng.random() < 0.3 and len(supervised) > 1:
                peer = rng.choice([p for p in supervised if p.pk != adult.pk])
                other = day + timedelta(days=rng.randrange(7, 20))
                if other <= today:
                    kind = rng.choice([SupervisionKind.PEER, SupervisionKind.INFORMAL])
                    rows.append(_one(school, kind, other, peer, adult, rng))
            day += timedelta(days=rng.randrange(30, 46))
    return rows


def _one(
    school: School,
    kind: SupervisionKind,
    day: date,
    supervisor: Staff,
    supervisee: Staff,
    rng: random.Random,
) -> Supervision:
    follow_ups = rng.choice(FOLLOW_UPS)
    return Supervision(
        school=school,
        kind=kind,
        held_on=day,
        supervisor=supervisor,
        supervisee=supervisee,
        themes=sorted(rng.sample(Theme.values, rng.choice([1, 2, 3]))),
        notes=rng.choice(NOTES),
        agreed_support=rng.choice(SUPPORT),
        follow_ups=follow_ups,
        follow_up_by=day + timedelta(days=14) if follow_ups else None,
    )
