"""Which children a school shares with its Virtual School, for the access rules: those in a
cohort the school's sharing agreement names, for as long as they are in it.

The same fact serves a Virtual School membership of the school (the ``SHARED_COHORT`` tie) and
an officer of the authority reading across its schools (``attune.access.authority``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from attune.access.rules import Tie
from attune.access.ties import provide
from attune.accounts.models import Membership
from attune.people.models import CohortMembership
from attune.tenancy import scopes_disabled
from attune.virtualschool.sharing import shared_cohorts


def shared_children_of(
    school_id: int, cohorts: tuple[str, ...] | None = None
) -> QuerySet[Any] | None:
    """Rows with the ``pupil_id`` of every child the school shares; None if it shares none.
    ``cohorts`` are the school's shared cohorts when the caller has already read them."""
    cohorts = shared_cohorts(school_id) if cohorts is None else cohorts
    if not cohorts:
        return None
    # Filtered to the one school explicitly, so it answers inside any scope or none.
    with scopes_disabled():
        return CohortMembership.objects.filter(
            school_id=school_id, cohort__in=cohorts, end_date__isnull=True
        ).values("pupil_id")


def shared_among(
    school_id: int, pupil_ids: Iterable[Any], cohorts: tuple[str, ...] | None = None
) -> frozenset[Any]:
    """Which of these children of the school it shares (one query, and one more for the
    agreement unless ``cohorts`` are given)."""
    rows = shared_children_of(school_id, cohorts)
    ids = list(pupil_ids)
    if rows is None or not ids:
        return frozenset()
    return frozenset(rows.filter(pupil_id__in=ids).values_list("pupil_id", flat=True))


def shared_with_virtual_school(membership: Membership) -> QuerySet[Any] | None:
    return shared_children_of(membership.school_id)


def never_through_a_school(membership: Membership) -> None:
    """A school membership never holds this tie: it belongs to an officer of an authority (the
    children it looks after) or to a partner invited to a PEP, and the Virtual School's own
    pages build those standings (``attune.access.authority``)."""
    return None


def register() -> None:
    provide(Tie.SHARED_COHORT, shared_with_virtual_school)
    provide(Tie.LOOKED_AFTER_BY, never_through_a_school)
    provide(Tie.PEP_PARTNER, never_through_a_school)
