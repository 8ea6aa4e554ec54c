"""The demo belonging rounds: built once, with answers, and their results page shows."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from attune import testing
from attune.accounts.models import User
from attune.belonging.demo import build_belonging
from attune.belonging.models import SurveyResponse
from attune.tenancy import school_scope
from attune.testing import SchoolWorld

pytestmark = pytest.mark.django_db


def test_the_demo_builds_two_finished_rounds_with_results(
    world: SchoolWorld, signed_in: Callable[[User], Client]
) -> None:
    for year in (3, 4, 5):
        for _ in range(8):
            testing.pupil(world.school, year_group=year)
    today = date(2026, 11, 23)
    rounds = build_belonging(world.school, random.Random(7), today)
    assert [r.title for r in rounds] == ["Summer 2026", "Autumn 2026"]
    assert all(r.closes_on < today for r in rounds)
    assert build_belonging(world.school, random.Random(7), today) == []  # idempotent
    with school_scope(world.school):
        named = SurveyResponse.objects.filter(round=rounds[1])
        assert named.count() > 10
        assert not SurveyResponse.objects.filter(round=rounds[0], pupil__isnull=False).exists()
    page = signed_in(world.lead).get(
        reverse(
            "belonging:round_results", kwargs={"urn": world.school.urn, "round_id": rounds[1].pk}
        )
    )
    assert page.status_code == 200
    assert "Summer 2026" in page.content.decode()
