from __future__ import annotations

import random
from datetime import date

import pytest

from attune.earlyyears.demo import build_early_years
from attune.earlyyears.models import ChildVisit, DevelopmentEntry, Room, SettlingInPlan
from attune.earlyyears.tests.conftest import Setting
from attune.tenancy import school_scope
from attune.testing import SchoolWorld

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)


def test_demo_builds_a_week_for_an_early_years_setting_once(setting: Setting) -> None:
    school = setting.world.school
    with school_scope(school):
        Room.objects.all().delete()
    built = build_early_years(school, random.Random(1), TODAY)
    assert built is not None and built.rooms == 3 and built.visits > 0
    with school_scope(school):
        assert ChildVisit.objects.filter(on=TODAY, signed_out_at__isnull=True).exists()
        assert SettlingInPlan.objects.exists()
        assert DevelopmentEntry.objects.filter(kind="from_home").exists()
    assert build_early_years(school, random.Random(1), TODAY) is None


def test_demo_leaves_a_school_alone(world: SchoolWorld) -> None:
    assert build_early_years(world.school, random.Random(1), TODAY) is None
    with school_scope(world.school):
        assert not Room.objects.exists()
