"""What a school shares with the Virtual School: read by the access rules and its own pages."""

from __future__ import annotations

from attune.tenancy import scopes_disabled
from attune.virtualschool.models import VIRTUAL_SCHOOL_COHORT_CHOICES, SharingAgreement

VIRTUAL_SCHOOL_COHORT_VALUES = tuple(value for value, _ in VIRTUAL_SCHOOL_COHORT_CHOICES)


def shared_cohorts(school_id: int) -> tuple[str, ...]:
    """The Virtual School cohorts this school shares child-level detail for (may be none)."""
    # Filtered to the one school explicitly, so it answers inside any scope or none.
    with scopes_disabled():
        agreed = (
            SharingAgreement.objects.filter(school_id=school_id)
            .values_list("cohorts", flat=True)
            .first()
        )
    return tuple(c for c in VIRTUAL_SCHOOL_COHORT_VALUES if c in (agreed or ()))
