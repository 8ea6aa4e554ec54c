"""Which children a school shares with its Virtual School, for the access rules: those in a
cohort the school's sharing agreement names, for as long as they are in it."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from attune.access.rules import Tie
from attune.access.ties import provide
from attune.accounts.models import Membership
from attune.people.models import CohortMembership
from attune.virtualschool.sharing import shared_cohorts


def shared_with_virtual_school(membership: Membership) -> QuerySet[Any] | None:
    cohorts = shared_cohorts(membership.school_id)
    if not cohorts:
        return None
    return CohortMembership.objects.filter(cohort__in=cohorts, end_date__isnull=True).values(
        "pupil_id"
    )


def register() -> None:
    provide(Tie.SHARED_COHORT, shared_with_virtual_school)
