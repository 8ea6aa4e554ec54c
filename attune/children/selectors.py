"""Reads about pupils and staff for pages: filters and joins in one place, a fixed query count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from attune.access.children import my_key_children, visible_pupils
from attune.accounts.models import Membership
from attune.people.models import Cohort, CohortMembership, Pupil
from attune.relationships.models import KeyAdultRelationship


class KeyAdultStatus:
    HAS = "has"
    NEEDS = "needs"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class PupilFilters:
    q: str = ""
    year_group: int | None = None
    cohort: str = ""
    key_adult: str = ""  # KeyAdultStatus value, or "" for everyone
    mine: bool = False


def current_cohorts_prefetch(today: date) -> Prefetch[str, QuerySet[CohortMembership], str]:
    current = CohortMembership.objects.filter(start_date__lte=today).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today)
    )
    return Prefetch("cohort_memberships", queryset=current, to_attr="current_cohorts")


def current_relationship_prefetch() -> Prefetch[str, QuerySet[KeyAdultRelationship], str]:
    current = KeyAdultRelationship.objects.filter(ended_on__isnull=True).select_related(
        "key_adult", "co_worker"
    )
    return Prefetch("key_adult_relationships", queryset=current, to_attr="current_relationships")


def has_key_adult() -> Exists:
    return Exists(KeyAdultRelationship.objects.filter(pupil=OuterRef("pk"), ended_on__isnull=True))


def pupil_list(membership: Membership, filters: PupilFilters, today: date) -> QuerySet[Pupil]:
    pupils = visible_pupils(membership)
    if filters.q:
        for word in filters.q.split()[:4]:
            pupils = pupils.filter(
                Q(legal_forename__icontains=word)
                | Q(legal_surname__icontains=word)
                | Q(preferred_name__icontains=word)
                | Q(upn__iexact=word)
                | Q(registration_group__iexact=word)
            )
    if filters.year_group is not None:
        pupils = pupils.filter(year_group=filters.year_group)
    if filters.cohort in Cohort.values:
        in_cohort = CohortMembership.objects.filter(
            pupil=OuterRef("pk"), cohort=filters.cohort, start_date__lte=today
        )
        pupils = pupils.filter(
            Exists(in_cohort.filter(Q(end_date__isnull=True) | Q(end_date__gte=today)))
        )
    if filters.key_adult == KeyAdultStatus.HAS:
        pupils = pupils.filter(has_key_adult())
    elif filters.key_adult == KeyAdultStatus.NEEDS:
        pupils = needing_key_adult(pupils, membership)
    elif filters.key_adult == KeyAdultStatus.NONE:
        pupils = pupils.exclude(has_key_adult())
    if filters.mine:
        pupils = pupils.filter(pk__in=my_key_children(membership).values("pk"))
    return pupils.prefetch_related(
        current_relationship_prefetch(), current_cohorts_prefetch(today)
    ).order_by("legal_surname", "legal_forename")


def needing_key_adult(pupils: QuerySet[Pupil], membership: Membership) -> QuerySet[Pupil]:
    """Children who should have a key adult and have none. In early years that is every child."""
    if not membership.school.is_early_years:
        pupils = pupils.filter(needs_key_adult=True)
    return pupils.exclude(has_key_adult())


def pupil_detail(pupil: Pupil, today: date) -> Pupil:
    """The same pupil with its current relationship, cohorts and needs loaded."""
    return (
        Pupil.objects.filter(pk=pupil.pk)
        .select_related("school")
        .prefetch_related(current_relationship_prefetch(), current_cohorts_prefetch(today), "needs")
        .get()
    )
