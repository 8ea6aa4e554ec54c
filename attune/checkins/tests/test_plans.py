"""Agreeing a check-in plan with the child, from the pupil page."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from attune import testing
from attune.accounts.roles import Role
from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.checkins.models import CheckinPlan
from attune.relationships.models import KeyAdultRelationship
from attune.tenancy import school_scope
from attune.testing import SchoolWorld, SignedIn

pytestmark = pytest.mark.django_db


def plan_url(world: SchoolWorld) -> str:
    return reverse("checkins:plan", kwargs={"urn": world.school.urn, "pupil_id": world.child.pk})


def form(**overrides: object) -> dict[str, object]:
    today = timezone.localdate()
    return {
        "at_start_of_day": "on",
        "at_end_of_day": "on",
        "at_time": "",
        "weekdays": ["0", "1", "2", "3", "4"],
        "duration_minutes": "10",
        "place": "The library corner",
        "form": "symbol_card",
        "what_helps": "Sitting side by side.",
        "child_words": "I can show you my card.",
        "starts_on": today.isoformat(),
        "ends_on": "",
        "review_on": (today + timedelta(weeks=6)).isoformat(),
    } | overrides


def plans(world: SchoolWorld) -> list[CheckinPlan]:
    with school_scope(world.school):
        return list(CheckinPlan.objects.all())


def test_the_key_adult_agrees_a_plan_and_the_pupil_page_links_to_it(
    world: SchoolWorld, relationship: KeyAdultRelationship, signed_in: SignedIn
) -> None:
    client = signed_in(world.key_adult_user)
    pupil_page = client.get(
        reverse("children:pupil", kwargs={"urn": world.school.urn, "pupil_id": world.child.pk})
    )
    assert plan_url(world) in pupil_page.text
    page = client.get(plan_url(world))
    assert page.status_code == 200
    assert "Check-in plan for Maya Fletcher" in page.text

    response = client.post(plan_url(world), form())

    assert response.status_code == 302
    [plan] = plans(world)
    assert plan.relationship_id == relationship.pk
    assert plan.form == "symbol_card"
    assert plan.weekday_text == "Every school day"
    assert plan.child_words == "I can show you my card."
    with school_scope(world.school):
        event = AuditEvent.objects.get(action=Action.CHECKIN_PLAN_CREATED)
    assert event.pupil_id == world.child.pk


def test_changing_the_plan_keeps_one_plan_and_audits_what_changed(
    world: SchoolWorld, relationship: KeyAdultRelationship, signed_in: SignedIn
) -> None:
    client = signed_in(world.lead)
    client.post(plan_url(world), form())
    page = client.get(plan_url(world))
    assert 'value="The library corner"' in page.text

    client.post(plan_url(world), form(place="The garden", weekdays=["0", "2"], at_time="12:30"))

    [plan] = plans(world)
    assert (plan.place, plan.weekdays, plan.at_time) == ("The garden", "02", time(12, 30))
    assert plan.weekday_text == "Monday, Wednesday"
    with school_scope(world.school):
        event = AuditEvent.objects.get(action=Action.CHECKIN_PLAN_CHANGED)
    # Where the child checks in is read only by their adults: the trail keeps digests of it.
    before, after = event.changes["place"]
    assert before["length"] == len("The library corner") and after["length"] == len("The garden")
    assert before["digest"] != after["digest"]
    assert "garden" not in str(event.changes)
    assert event.changes["weekdays"] == ["01234", "02"]
    assert "form" not in event.changes


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        pytest.param(
            {"ends_on": "yesterday"}, "ends_on", "A plan cannot end before it starts.", id="end"
        ),
        pytest.param(
            {"review_on": "yesterday"},
            "review_on",
            "The review date cannot be before the plan starts.",
            id="review",
        ),
        pytest.param(
            {"at_start_of_day": "", "at_end_of_day": ""},
            "at_time",
            "Choose at least one time of day for the check-in.",
            id="no time",
        ),
        pytest.param({"weekdays": []}, "weekdays", "This field is required.", id="no days"),
        pytest.param(
            {"duration_minutes": "0"},
            "duration_minutes",
            "Ensure this value is greater than or equal to 1.",
            id="duration",
        ),
        pytest.param({"place": ""}, "place", "This field is required.", id="place"),
    ],
)
def test_bad_plans_are_refused_beside_the_field_and_nothing_typed_is_lost(
    world: SchoolWorld,
    relationship: KeyAdultRelationship,
    signed_in: SignedIn,
    overrides: dict[str, object],
    field: str,
    message: str,
) -> None:
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    data = form(**{k: yesterday if v == "yesterday" else v for k, v in overrides.items()})

    response = signed_in(world.key_adult_user).post(plan_url(world), data)

    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert message in response.context["form"].errors[field]
    assert "I can show you my card." in response.text
    assert plans(world) == []


def test_a_child_without_a_key_adult_has_no_plan_page(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    assert signed_in(world.lead).get(plan_url(world)).status_code == 404


@pytest.mark.parametrize("who", ["teacher", "office"])
def test_other_staff_cannot_reach_a_plan_that_is_not_theirs(
    world: SchoolWorld, relationship: KeyAdultRelationship, signed_in: SignedIn, who: str
) -> None:
    client = signed_in(getattr(world, who))
    assert client.get(plan_url(world)).status_code == 404
    assert client.post(plan_url(world), form()).status_code == 404
    assert plans(world) == []


def test_virtual_school_and_administrator_are_refused(
    world: SchoolWorld, relationship: KeyAdultRelationship, signed_in: SignedIn
) -> None:
    for role in (Role.VIRTUAL_SCHOOL, Role.ADMINISTRATOR):
        client = signed_in(testing.user(world.school, role))
        assert client.post(plan_url(world), form()).status_code == 403
    assert plans(world) == []


def test_another_school_gets_404(
    world: SchoolWorld,
    other_world: SchoolWorld,
    relationship: KeyAdultRelationship,
    signed_in: SignedIn,
) -> None:
    client = signed_in(other_world.lead)
    assert client.get(plan_url(world)).status_code == 404
    assert client.post(plan_url(world), form()).status_code == 404
    assert plans(world) == []
