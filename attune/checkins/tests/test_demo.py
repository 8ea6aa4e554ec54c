from __future__ import annotations

from datetime import date

import pytest

from attune.checkins.across_school import checkins_across_school
from attune.checkins.demo import build_checkins
from attune.checkins.models import (
    AttunementRecord,
    Checkin,
    CheckinPlan,
    EmailHome,
    FamilySharing,
    KeepInTouchContact,
    KeepInTouchRoutine,
    Noticing,
)
from attune.demo.generator import build_demo
from attune.tenancy import school_scope

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 11)  # a Wednesday in term


def test_the_demo_has_plans_weeks_of_check_ins_and_some_warnings() -> None:
    summary = build_demo(pupils=120, staff=20, today=TODAY)
    school = summary.schools[0]

    made = build_checkins(school, today=TODAY)
    again = build_checkins(school, today=TODAY)

    assert made == again  # idempotent
    assert made.plans > 5
    assert made.checkins > made.plans * 10
    with school_scope(school):
        assert CheckinPlan.objects.count() == made.plans
        assert not Checkin.objects.filter(on__week_day__in=[1, 7]).exists()  # no weekends
        assert AttunementRecord.objects.exists()
        assert Noticing.objects.count() == made.noticings > 0
        assert FamilySharing.objects.filter(channel="email").exists()
        assert EmailHome.objects.filter(status="failed").count() == 1
        assert KeepInTouchRoutine.objects.count() == 3
        assert KeepInTouchContact.objects.exists()
        page = checkins_across_school(TODAY)
    assert page.warnings
    assert all(c.completion.due for c in page.children if c.relationship.started_on < TODAY)
