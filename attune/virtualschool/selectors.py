"""Reads for the Virtual School: across an authority's schools, in a fixed number of queries.

These cross schools, so they run inside ``scopes_disabled()`` and every query is filtered to
schools the caller has already limited to one authority (``authority_schools``). Nothing here
suppresses: ``reports.py`` does that before anything is shown.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.lookups import LessThan

from attune.attendance.county import ABSENCE_CODES, POSSIBLE_CODES, CohortFigures, cohort_figures
from attune.attendance.models import SessionMark
from attune.checkins.models import Checkin, Outcome
from attune.people.models import CohortMembership, LocalAuthority, Pupil, School
from attune.plans.models import Plan, PlanVersion
from attune.relationships.models import KeyAdultRelationship
from attune.tenancy import scopes_disabled

from .models import SharingAgreement
from .sharing import VIRTUAL_SCHOOL_COHORT_VALUES

SUSPENSION_CODE = "E"  # suspended or excluded, no other education arranged (domain/codes.py)

# What the county and school pages count, per school: children in the Virtual School's
# cohorts, then how many of them each measure applies to.
MEASURES: tuple[tuple[str, str], ...] = (
    ("cohort", "Children in the cohorts"),
    ("suspended", "Suspended or excluded"),
    ("no_key_adult", "Without a key adult"),
    ("review_overdue", "Plan review overdue"),
    ("checked_in", "Had a check-in"),
)


@dataclass(frozen=True, slots=True)
class DateRange:
    date_from: date
    date_to: date

    def as_of(self, today: date) -> date:
        """The day "now" measures (a key adult, an overdue review) are taken on."""
        return min(self.date_to, today)


def school_year_so_far(today: date) -> DateRange:
    """From 1 September of the current school year to today."""
    start_year = today.year if today.month >= 9 else today.year - 1
    return DateRange(date(start_year, 9, 1), today)


def authority_schools(authority: LocalAuthority) -> list[School]:
    return list(School.objects.filter(local_authority=authority).order_by("name"))


def authority_school(authority: LocalAuthority, urn: str) -> School | None:
    return School.objects.filter(local_authority=authority, urn=urn).first()


def _in_cohorts(span: DateRange, cohorts: tuple[str, ...] = VIRTUAL_SCHOOL_COHORT_VALUES) -> Exists:
    return Exists(
        CohortMembership.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=span.date_from),
            pupil=OuterRef("pk"),
            cohort__in=cohorts,
            start_date__lte=span.date_to,
        )
    )


def _suspended(span: DateRange) -> Exists:
    return Exists(
        SessionMark.objects.filter(  # by the small suspensions index (attendance/models.py)
            school_id=OuterRef("school_id"),
            pupil=OuterRef("pk"),
            date__range=(span.date_from, span.date_to),
            code=SUSPENSION_CODE,
        )
    )


def _has_key_adult(on: date) -> Exists:
    return Exists(
        KeyAdultRelationship.objects.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=on),
            pupil=OuterRef("pk"),
            started_on__lte=on,
        )
    )


def _review_due() -> Subquery:
    """For a plan (the outer row), its current version's review date."""
    latest = PlanVersion.objects.filter(plan=OuterRef("pk")).order_by("-number")
    return Subquery(latest.values("review_due_on")[:1])


def _open_plans(on: date) -> QuerySet[Plan]:
    return Plan.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on), started_on__lte=on)


def _review_overdue(on: date) -> Exists:
    overdue = _open_plans(on).filter(LessThan(_review_due(), Value(on)), pupil=OuterRef("pk"))
    return Exists(overdue)


def _checked_in(span: DateRange) -> Exists:
    return Exists(
        Checkin.objects.filter(
            pupil=OuterRef("pk"),
            on__range=(span.date_from, span.date_to),
            outcome__in=(Outcome.HAPPENED, Outcome.COVERED),
        )
    )


def school_counts(school_ids: list[int], span: DateRange, today: date) -> dict[int, dict[str, int]]:
    """Per school, the count for every measure in ``MEASURES`` (one query for all schools)."""
    on = span.as_of(today)
    with scopes_disabled():
        rows = (
            Pupil.objects.filter(_in_cohorts(span), school_id__in=school_ids)
            .order_by()
            .values("school_id")
            .annotate(
                cohort=Count("pk"),
                suspended=Count("pk", filter=Q(_suspended(span))),
                no_key_adult=Count("pk", filter=~Q(_has_key_adult(on))),
                review_overdue=Count("pk", filter=Q(_review_overdue(on))),
                checked_in=Count("pk", filter=Q(_checked_in(span))),
            )
        )
        found: dict[int, dict[str, Any]] = {row["school_id"]: dict(row) for row in rows}
    keys = [key for key, _ in MEASURES]
    return {
        school_id: {key: int(found.get(school_id, {}).get(key, 0)) for key in keys}
        for school_id in school_ids
    }


def attendance_by_cohort(school_ids: list[int], span: DateRange) -> list[CohortFigures]:
    """All pupils, then each Virtual School cohort (zeros where a cohort has no pupils)."""
    found = cohort_figures(
        school_ids=school_ids,
        date_from=span.date_from,
        date_to=span.date_to,
        cohorts=VIRTUAL_SCHOOL_COHORT_VALUES,
    )
    figures = {f.cohort: f for f in found}
    keys = ("", *VIRTUAL_SCHOOL_COHORT_VALUES)
    return [figures.get(key) or CohortFigures(key, 0, 0, 0, 0, 0) for key in keys]


# --- children, only where the school shares their cohort --------------------------------


@dataclass
class ChildRow:
    pupil: Pupil
    cohorts: list[str] = field(default_factory=list)
    has_key_adult: bool = False
    next_review: date | None = None


def shared_children(school: School, shared: tuple[str, ...], today: date) -> list[ChildRow]:
    """Children currently in a cohort the school shares (two queries), by name."""
    if not shared:
        return []
    now = DateRange(today, today)
    with scopes_disabled():
        next_review = (
            _open_plans(today)
            .filter(pupil=OuterRef("pk"))
            .order_by(_review_due().asc(nulls_last=True))
            .values(due=_review_due())
        )
        pupils = (
            Pupil.objects.filter(_in_cohorts(now, shared), school=school)
            .annotate(
                has_key_adult=_has_key_adult(today),
                next_review=Subquery(next_review[:1]),
            )
            .prefetch_related(_current_memberships(shared, today))
            .order_by("legal_surname", "legal_forename")
        )
        return [
            ChildRow(
                p,
                [m.get_cohort_display() for m in p.cohort_memberships.all()],
                p.has_key_adult,
                p.next_review,
            )
            for p in pupils
        ]


def _current_memberships(shared: tuple[str, ...], today: date) -> Any:
    return Prefetch(
        "cohort_memberships",
        queryset=CohortMembership.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=today),
            cohort__in=shared,
            start_date__lte=today,
        ),
    )


def school_child(
    school: School, shared: tuple[str, ...], pupil_id: uuid.UUID, today: date
) -> Pupil | None:
    """One child of the school, with the cohorts it shares that they are in today; None if the
    school has no such child. Whether an officer may read them is the rules' business
    (``children.open_child``)."""
    with scopes_disabled():
        return (
            Pupil.objects.filter(school=school, pk=pupil_id)
            .prefetch_related(_current_memberships(shared, today))
            .first()
        )


@dataclass(frozen=True, slots=True)
class ChildAttendance:
    possible: int
    absent: int
    suspended: int

    @property
    def attendance_pct(self) -> float | None:
        return 100 * (self.possible - self.absent) / self.possible if self.possible else None


@dataclass(frozen=True, slots=True)
class ChildSummary:
    attendance: ChildAttendance
    key_adult_since: date | None
    reviews: list[tuple[str, date, bool]]  # plan kind label, review due, overdue?


def child_summary(pupil: Pupil, span: DateRange, today: date) -> ChildSummary:
    """Attendance in the range, whether there is a key adult, open plans' review dates."""
    on = span.as_of(today)
    with scopes_disabled():
        marks = SessionMark.objects.filter(
            school_id=pupil.school_id, pupil=pupil, date__range=(span.date_from, span.date_to)
        ).aggregate(
            possible=Count("pk", filter=Q(code__in=POSSIBLE_CODES)),
            absent=Count("pk", filter=Q(code__in=ABSENCE_CODES)),
            suspended=Count("pk", filter=Q(code=SUSPENSION_CODE)),
        )
        relationship = (
            KeyAdultRelationship.objects.filter(
                Q(ended_on__isnull=True) | Q(ended_on__gte=on),
                school_id=pupil.school_id,
                pupil=pupil,
                started_on__lte=on,
            )
            .order_by("-started_on")
            .first()
        )
        plans = list(
            _open_plans(on)
            .filter(school_id=pupil.school_id, pupil=pupil)
            .annotate(review_due_on=_review_due())
            .order_by(_review_due().asc(nulls_last=True))
        )
    reviews = [
        (p.get_kind_display(), p.review_due_on, p.review_due_on < on)
        for p in plans
        if p.review_due_on is not None
    ]
    return ChildSummary(
        ChildAttendance(marks["possible"], marks["absent"], marks["suspended"]),
        relationship.started_on if relationship else None,
        reviews,
    )


def sharing_by_school(school_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """Each school's shared cohorts (one query); schools without an agreement share none."""
    with scopes_disabled():
        agreed = dict(
            SharingAgreement.objects.filter(school_id__in=school_ids).values_list(
                "school_id", "cohorts"
            )
        )
    return {
        school_id: tuple(c for c in VIRTUAL_SCHOOL_COHORT_VALUES if c in agreed.get(school_id, ()))
        for school_id in school_ids
    }
