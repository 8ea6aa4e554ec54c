"""The demo's plans: teams, plans with targets and reviews, meetings, contacts, "you said"."""

from __future__ import annotations

import random
from datetime import date

import pytest

from attune.accounts.models import Membership
from attune.accounts.roles import Role
from attune.demo.generator import build_demo
from attune.plans.demo import build_plans
from attune.plans.models import ContactLogEntry, Meeting, Plan, PlanReview, Target, YouSaid
from attune.plans.selectors import plans_overdue, you_said_unsigned
from attune.relationships.models import CloseTeamMember, WiderTeamMember
from attune.tenancy import school_scope

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 11)


def test_the_demo_school_gets_a_realistic_set_of_plans() -> None:
    school = build_demo(pupils=120, staff=20, today=TODAY).schools[0]  # builds the plans

    again = build_plans(school, random.Random(7), TODAY)
    head = Membership.objects.filter(school=school, role=Role.HEADTEACHER).first()
    assert head is not None

    with school_scope(school):
        children = CloseTeamMember.objects.values("pupil").distinct().count()
        plans = Plan.objects.count()
        assert children >= 15 and plans >= children
        assert again.plans == plans and again.children == 0  # left as it was
        assert WiderTeamMember.objects.filter(consent_to_share=False).exists()
        assert Target.objects.exists() and PlanReview.objects.exists()
        assert Plan.objects.filter(ended_on__isnull=False).exclude(end_reason="").exists()
        assert plans_overdue(head, TODAY).exists()
        assert Meeting.objects.exists() and ContactLogEntry.objects.exists()
        assert YouSaid.objects.filter(pupil=None).count() == 6
        assert YouSaid.objects.filter(pupil__isnull=False).exists()
        unsigned = list(you_said_unsigned(head))
        assert any(i.is_finished for i in unsigned) and any(not i.is_finished for i in unsigned)
