"""Closing a plan: a date and a reason, audited; the plan is kept and shown as closed."""

from __future__ import annotations

import pytest

from attune.auditlog.models import AuditEvent
from attune.plans.models import Plan
from attune.plans.tests.test_plans import days, make_plan, review_data, the_target, today, url
from attune.tenancy import school_scope
from attune.testing import SchoolWorld, SignedIn

pytestmark = pytest.mark.django_db


def closing(**overrides: str) -> dict[str, str]:
    return {
        "close-ended_on": today().isoformat(),
        "close-reason": "Attendance is over 90% and Maya wants to stop the morning meetings.",
    } | overrides


def test_a_lead_closes_a_plan_which_stays_on_record(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    plan = make_plan(world)
    client = signed_in(world.lead)
    plan_url = url(world, "plan", plan_id=plan.public_id)
    # Once, in the page: the form once sat in the page's <title> as well.
    assert client.get(plan_url).text.count("Close this plan") == 1

    closed = client.post(url(world, "close", plan_id=plan.public_id), closing())

    assert closed.status_code == 302 and closed["Location"] == plan_url
    page = client.get(plan_url).text
    assert "This plan closed on" in page and "Maya wants to stop" in page
    assert "Close this plan" not in page and "Record a review" not in page
    assert "Add the target" not in page and "Review overdue" not in page
    listed = client.get(url(world, "pupil_plans", pupil_id=world.child.pk)).text
    assert "Closed " in listed and "Review overdue" not in listed
    assert "Maya Fletcher" not in client.get(url(world, "reviews_due")).text
    chronology = client.get(url(world, "chronology", pupil_id=world.child.pk)).text
    assert "Attendance support plan closed" in chronology
    with school_scope(world.school):
        plan.refresh_from_db()
        assert plan.ended_on == today() and plan.ended_by == world.lead
        event = AuditEvent.objects.get(action="plans.plan.closed")
    assert event.changes["ended_on"] == [None, today().isoformat()]
    target = the_target(world, plan)
    for name, data in (("review", review_data(target)), ("close", closing())):
        assert client.post(url(world, name, plan_id=plan.public_id), data).status_code == 403


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param({"close-reason": "  "}, "Say why the plan is closing", id="no reason"),
        pytest.param({"close-ended_on": "before"}, "cannot close before it started", id="early"),
        pytest.param({"close-ended_on": "tomorrow"}, "on or before today", id="future"),
    ],
)
def test_closing_needs_a_reason_and_a_sensible_date(
    world: SchoolWorld, signed_in: SignedIn, overrides: dict[str, str], message: str
) -> None:
    plan = make_plan(world)
    dates = {"before": days(-61), "tomorrow": days(1)}
    data = closing() | {k: dates[v].isoformat() if v in dates else v for k, v in overrides.items()}

    response = signed_in(world.lead).post(url(world, "close", plan_id=plan.public_id), data)

    assert response.status_code == 200
    assert message in response.text
    assert response.context["close_form"]["reason"].value() == data["close-reason"]
    with school_scope(world.school):
        assert Plan.objects.get().ended_on is None


def test_only_those_who_write_plans_may_close_them(
    world: SchoolWorld, other_world: SchoolWorld, signed_in: SignedIn
) -> None:
    plan = make_plan(world)
    address = url(world, "close", plan_id=plan.public_id)

    assert signed_in(other_world.lead).post(address, closing()).status_code == 404
    assert signed_in(world.teacher).post(address, closing()).status_code == 404
    assert signed_in(world.key_adult_user).post(address, closing()).status_code == 404
    with school_scope(world.school):
        assert Plan.objects.get().ended_on is None
