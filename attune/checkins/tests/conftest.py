"""A key adult relationship with an agreed plan, and the latest school day to log it on."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from attune.checkins.models import CheckinPlan
    from attune.relationships.models import KeyAdultRelationship
    from attune.testing import SchoolWorld


def latest_weekday(on: date) -> date:
    while on.weekday() >= 5:
        on -= timedelta(days=1)
    return on


@pytest.fixture
def school_day() -> date:
    """Today, or the Friday before when the tests run at a weekend."""
    from django.utils import timezone

    return latest_weekday(timezone.localdate())


def make_relationship(world: SchoolWorld, **overrides: object) -> KeyAdultRelationship:
    from django.utils import timezone

    from attune.relationships.models import KeyAdultRelationship
    from attune.tenancy import school_scope

    values: dict[str, object] = {
        "school": world.school,
        "pupil": world.child,
        "key_adult": world.key_adult,
        "co_worker": world.other_adult,
        "started_on": timezone.localdate() - timedelta(days=200),
        "reason": "Maya goes to her.",
    }
    with school_scope(world.school):
        return KeyAdultRelationship.objects.create(**(values | overrides))


def make_plan(relationship: KeyAdultRelationship, **overrides: object) -> CheckinPlan:
    from django.utils import timezone

    from attune.checkins.models import CheckinPlan
    from attune.tenancy import school_scope

    today = timezone.localdate()
    values: dict[str, object] = {
        "school_id": relationship.school_id,
        "relationship": relationship,
        "place": "the library corner",
        "starts_on": today - timedelta(days=60),
        "review_on": today + timedelta(days=30),
    }
    with school_scope(relationship.school_id):
        return CheckinPlan.objects.create(**(values | overrides))


@pytest.fixture
def relationship(world: SchoolWorld) -> KeyAdultRelationship:
    """Priya is Maya's key adult; Tom is the co-worker."""
    return make_relationship(world)


@pytest.fixture
def plan(relationship: KeyAdultRelationship) -> CheckinPlan:
    """Start and end of every school day, ten minutes in the library corner."""
    return make_plan(relationship)
