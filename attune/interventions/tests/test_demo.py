from __future__ import annotations

import random
from datetime import date

import pytest

from attune.demo.generator import build_demo
from attune.incidents.demo import build_incidents
from attune.incidents.models import Incident
from attune.interventions.demo import build_interventions
from attune.interventions.models import Allocation
from attune.interventions.selectors import catalogue
from attune.tenancy import school_scope

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 11)


def test_demo_interventions_and_incidents_are_made_once_and_make_sense() -> None:
    school = build_demo(pupils=120, staff=20, today=TODAY).schools[0]

    made = build_interventions(school, random.Random(1), TODAY)
    again = build_interventions(school, random.Random(1), TODAY)
    incidents = build_incidents(school, random.Random(1), TODAY)

    assert made == again
    assert made.interventions == 5
    assert made.allocations > 5
    assert incidents.children >= 1
    assert incidents.incidents >= 2 * incidents.children
    assert build_incidents(school, random.Random(2), TODAY) == incidents
    with school_scope(school):
        assert Incident.objects.count() == incidents.incidents
        assert not Incident.objects.filter(occurred_at__week_day__in=[1, 7]).exists()
        for allocation in Allocation.objects.select_related("measure"):
            for score in (allocation.baseline, allocation.follow_up):
                if score is not None:
                    assert allocation.measure.lowest <= score <= allocation.measure.highest
        rows = catalogue(today=TODAY)
    assert any(m.impact.measured for row in rows for m in row.impacts)
