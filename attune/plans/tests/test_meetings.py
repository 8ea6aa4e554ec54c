"""Meetings: prompts beforehand, the child's voice, decisions, actions on their owners' lists."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from attune import testing
from attune.accounts.roles import Role
from attune.plans.models import Meeting, MeetingAction
from attune.plans.services import Owner, PlanError, meeting_action_add, meeting_record
from attune.relationships.models import KeyAdultRelationship
from attune.tenancy import school_scope
from attune.testing import SchoolUrls, SchoolWorld, SignedIn

pytestmark = pytest.mark.django_db


def days(n: int) -> date:
    return timezone.localdate() + timedelta(days=n)


url = SchoolUrls("plans")


def meeting_data(**overrides: str) -> dict[str, str]:
    return {
        "kind": "tac",
        "held_on": days(-1).isoformat(),
        "attendees": "Priya Shah, key adult\nSam Adeyemi, social worker",
        "child_voice": "Maya drew how mornings feel: a storm cloud, then the sun at the gate.",
        "decisions": "Meet Maya at the side gate.",
    } | overrides


def make_meeting(world: SchoolWorld, child: Any = None) -> Meeting:
    with school_scope(world.school):
        meeting = meeting_record(
            actor=world.lead,
            pupil=child or world.child,
            kind="breakthrough",
            held_on=days(-3),
            attendees="Priya",
            child_voice="Wants to sit near the window",
            decisions="",
            today=timezone.localdate(),
        )
        meeting_action_add(
            actor=world.lead,
            meeting=meeting,
            description="Move Maya's seat",
            owner=Owner("staff", world.key_adult),
            due_on=days(-1),
        )
    return meeting


def test_a_lead_records_a_meeting_with_actions_that_reach_their_owner(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    client = signed_in(world.lead)
    page = client.get(url(world, "meeting_new", pupil_id=world.child.pk))
    assert "Questions to think about beforehand" in page.text
    assert "Virtual School Kent" in page.text

    saved = client.post(url(world, "meeting_new", pupil_id=world.child.pk), meeting_data())
    assert saved.status_code == 302
    with school_scope(world.school):
        meeting = Meeting.objects.get()
    action = {
        "action-description": "Ask the office to open the side gate at 8.40",
        "action-owner_kind": "staff",
        "action-owner_staff": str(world.key_adult.pk),
        "action-due_on": days(7).isoformat(),
    }
    assert (
        client.post(url(world, "action_add", meeting_id=meeting.public_id), action).status_code
        == 302
    )

    shown = client.get(url(world, "meeting", meeting_id=meeting.public_id)).text
    assert "a storm cloud, then the sun at the gate" in shown
    assert "<li>Sam Adeyemi, social worker</li>" in shown
    assert "Ask the office to open the side gate" in shown
    chronology = client.get(url(world, "chronology", pupil_id=world.child.pk)).text
    assert "Team around the child meeting" in chronology
    # An action says what its meeting decided: it reaches its owner with the meeting's level.
    # Outside Maya's team, Priya learns only that she owns an action she cannot read.
    key_adult = signed_in(world.key_adult_user)
    mine = key_adult.get(url(world, "reviews_due")).text
    assert "Ask the office to open the side gate" not in mine
    assert "You also own 1 action from meetings you cannot open." in mine
    key_adult_for_maya(world)
    mine = key_adult.get(url(world, "reviews_due")).text
    assert "Ask the office to open the side gate" in mine and "You also own" not in mine


def key_adult_for_maya(world: SchoolWorld) -> None:
    with school_scope(world.school):
        KeyAdultRelationship.objects.create(
            school=world.school,
            pupil=world.child,
            key_adult=world.key_adult,
            started_on=days(-30),
            reason="Maya asked for her.",
        )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        pytest.param({"held_on": "tomorrow"}, "held_on", "once it has happened", id="future"),
        pytest.param({"attendees": ""}, "attendees", "List who came.", id="attendees"),
        pytest.param({"child_voice": ""}, "child_voice", "how they were gathered", id="voice"),
    ],
)
def test_meeting_refusals_keep_what_was_written(
    world: SchoolWorld, signed_in: SignedIn, overrides: dict[str, str], field: str, message: str
) -> None:
    data = meeting_data(
        **{k: days(1).isoformat() if v == "tomorrow" else v for k, v in overrides.items()}
    )

    response = signed_in(world.lead).post(url(world, "meeting_new", pupil_id=world.child.pk), data)

    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in e for e in form.errors[field])
    assert form["decisions"].value() == "Meet Maya at the side gate."
    with school_scope(world.school):
        assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"owner_kind": ""}, "owner_kind", "plans.owner_required"),
        ({"due_on": "before"}, "due_on", "meetings.due_before_meeting"),
    ],
)
def test_an_action_needs_an_owner_and_a_sensible_date(
    world: SchoolWorld, signed_in: SignedIn, overrides: dict[str, str], field: str, code: str
) -> None:
    meeting = make_meeting(world)
    data = {
        "action-description": "Phone home",
        "action-owner_kind": "parent",
        "action-owner_name": "Jo Fletcher",
        "action-due_on": days(3).isoformat(),
    } | {
        f"action-{k}": (days(-30).isoformat() if v == "before" else v) for k, v in overrides.items()
    }

    response = signed_in(world.lead).post(
        url(world, "action_add", meeting_id=meeting.public_id), data
    )

    assert response.status_code == 200
    assert response.context["action_form"].errors[field]
    assert response.context["action_form"]["description"].value() == "Phone home"
    with school_scope(world.school), pytest.raises(PlanError) as refused:
        meeting_action_add(
            actor=world.lead,
            meeting=meeting,
            description="Phone home",
            owner=Owner(overrides.get("owner_kind", "parent"), name="Jo"),
            due_on=days(-30) if "due_on" in overrides else days(3),
        )
    assert refused.value.code == code


def test_marking_an_action_done_takes_it_off_the_owners_list(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    meeting = make_meeting(world)
    key_adult_for_maya(world)
    with school_scope(world.school):
        action = MeetingAction.objects.get()
    client = signed_in(world.lead)
    done = url(world, "action_done", meeting_id=meeting.public_id, action_id=action.public_id)
    assert "Overdue" in signed_in(world.key_adult_user).get(url(world, "reviews_due")).text
    client = signed_in(world.lead)

    assert client.post(done).status_code == 302
    again = client.post(done, follow=True)
    assert "already done" in again.text
    mine = signed_in(world.key_adult_user).get(url(world, "reviews_due")).text
    assert "Move Maya" not in mine


def test_meeting_access(world: SchoolWorld, other_world: SchoolWorld, signed_in: SignedIn) -> None:
    meeting = make_meeting(world)
    theirs = make_meeting(world, child=world.looked_after_child)
    with school_scope(world.school):
        action = MeetingAction.objects.filter(meeting=meeting).get()
    done = url(world, "action_done", meeting_id=meeting.public_id, action_id=action.public_id)

    outsider = signed_in(other_world.lead)
    assert outsider.get(url(world, "meeting", meeting_id=meeting.public_id)).status_code == 404
    assert outsider.post(done).status_code == 404
    assert outsider.get(url(world, "meeting_new", pupil_id=world.child.pk)).status_code == 404
    teacher = signed_in(world.teacher)
    assert teacher.get(url(world, "meeting", meeting_id=meeting.public_id)).status_code == 404
    assert teacher.get(url(world, "meeting_new", pupil_id=world.child.pk)).status_code == 403
    virtual = signed_in(testing.user(world.school, Role.VIRTUAL_SCHOOL))
    assert virtual.get(url(world, "meeting", meeting_id=theirs.public_id)).status_code == 200
    assert virtual.get(url(world, "meeting", meeting_id=meeting.public_id)).status_code == 404
    assert (
        virtual.post(url(world, "action_add", meeting_id=theirs.public_id), {}).status_code == 403
    )
    with school_scope(world.school):
        assert MeetingAction.objects.get(pk=action.pk).done_on is None
