""" "You said, we did": raised about a child or the whole school, answered, signed off by a
senior leader, audited, and in the child's chronology."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from attune import testing
from attune.accounts.roles import Role
from attune.auditlog.models import AuditEvent
from attune.plans.models import YouSaid
from attune.plans.services import PlanError, you_said_raise, you_said_respond, you_said_sign_off
from attune.relationships.models import KeyAdultRelationship
from attune.tenancy import school_scope
from attune.testing import SchoolUrls, SchoolWorld, SignedIn

pytestmark = pytest.mark.django_db


def days(n: int) -> date:
    return timezone.localdate() + timedelta(days=n)


url = SchoolUrls("plans")


def raised(**overrides: str) -> dict[str, str]:
    return {
        "kind": "concern",
        "raised_by": "family",
        "raised_by_name": "Jo Fletcher",
        "their_words": "She says lunchtimes are too loud and she hides in the toilets.",
        "raised_on": days(-3).isoformat(),
    } | overrides


def done(world: SchoolWorld, **overrides: str) -> dict[str, str]:
    return {
        "status": "done",
        "what_we_did": "A quiet lunch club in the library, three days a week.",
        "done_by": str(world.other_adult.pk),
        "done_on": days(-1).isoformat(),
        "not_forward_reason": "",
    } | overrides


def item(world: SchoolWorld, *, child: bool = True, **overrides: Any) -> YouSaid:
    values: dict[str, Any] = {
        "actor": world.lead,
        "school": world.school,
        "pupil": world.child if child else None,
        "kind": "idea",
        "raised_by": "child",
        "raised_by_name": "",
        "their_words": "Can we have a bench by the gate?",
        "raised_on": days(-10),
        "today": timezone.localdate(),
    } | overrides
    with school_scope(world.school):
        return you_said_raise(**values)


def test_a_lead_records_what_a_parent_said_and_what_we_did(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    client = signed_in(world.lead)

    saved = client.post(url(world, "you_said_new", pupil_id=world.child.pk), raised())

    assert saved.status_code == 302
    with school_scope(world.school):
        concern = YouSaid.objects.get()
    assert saved["Location"] == url(world, "you_said", item_id=concern.public_id)
    page = client.get(saved["Location"]).text
    assert "hides in the toilets" in page and "Jo Fletcher (a family member)" in page
    answered = client.post(saved["Location"], done(world))
    assert answered.status_code == 302
    plans_page = client.get(url(world, "pupil_plans", pupil_id=world.child.pk)).text
    assert "A quiet lunch club" in plans_page and "Tom Okafor" in plans_page
    chronology = client.get(url(world, "chronology", pupil_id=world.child.pk)).text
    assert "You said: a concern raised by Jo Fletcher (a family member)" in chronology
    assert "We did" in chronology and "A quiet lunch club" in chronology
    with school_scope(world.school):
        actions = set(
            AuditEvent.objects.filter(pupil_id=world.child.pk).values_list("action", flat=True)
        )
    assert {"plans.you_said.raised", "plans.you_said.updated"} <= actions


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        pytest.param({"their_words": " "}, "their_words", "in their words", id="no words"),
        pytest.param({"raised_by": ""}, "raised_by", "Say who raised it", id="no one"),
        pytest.param({"raised_on": "future"}, "raised_on", "future", id="future"),
    ],
)
def test_raising_needs_words_who_and_a_real_date(
    world: SchoolWorld, signed_in: SignedIn, overrides: dict[str, str], field: str, message: str
) -> None:
    data = raised() | {k: days(2).isoformat() if v == "future" else v for k, v in overrides.items()}

    response = signed_in(world.lead).post(url(world, "you_said_new", pupil_id=world.child.pk), data)

    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors[field])
    assert f'id="id_{field}_error"' in response.text
    with school_scope(world.school):
        assert not YouSaid.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        pytest.param({"what_we_did": ""}, "what_we_did", "Say what we did", id="nothing said"),
        pytest.param({"done_by": ""}, "done_by", "Say who did it", id="no one"),
        pytest.param({"done_on": ""}, "done_on", "Give the date", id="no date"),
        pytest.param({"done_on": "before"}, "done_on", "cannot be done before", id="too early"),
        pytest.param(
            {"status": "not_taken_forward", "not_forward_reason": ""},
            "not_forward_reason",
            "deserves a reason",
            id="no reason",
        ),
    ],
)
def test_a_response_says_what_who_when_or_why_not(
    world: SchoolWorld, signed_in: SignedIn, overrides: dict[str, str], field: str, message: str
) -> None:
    idea = item(world)
    data = done(world) | {
        k: days(-30).isoformat() if v == "before" else v for k, v in overrides.items()
    }

    response = signed_in(world.lead).post(url(world, "you_said", item_id=idea.public_id), data)

    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors[field])
    with school_scope(world.school):
        assert YouSaid.objects.get().status == "open"


def test_the_lead_signs_off_finished_items_oldest_first(
    world: SchoolWorld, signed_in: SignedIn, django_assert_max_num_queries: Any
) -> None:
    older = item(world, their_words="Older idea", raised_on=days(-40))
    newer = item(world, child=False, their_words="Newer idea", raised_on=days(-5))
    still_open = item(world, their_words="Still waiting", raised_on=days(-20))
    with school_scope(world.school):
        for finished in (older, newer):
            you_said_respond(
                actor=world.lead,
                item=finished,
                status="not_taken_forward",
                what_we_did="",
                done_by=None,
                done_on=days(-1),
                not_forward_reason="The budget is spent this year; we will look again in April.",
                today=timezone.localdate(),
            )
    client = signed_in(world.lead)

    # The reads are logged after the page: seven queries, however many children it shows.
    with django_assert_max_num_queries(12):
        page = client.get(url(world, "you_said_waiting")).text

    assert page.index("Older idea") < page.index("Newer idea") < page.index("Still waiting")
    signed = client.post(url(world, "you_said_sign_off", item_id=older.public_id))
    assert signed.status_code == 302
    refused = client.post(
        url(world, "you_said_sign_off", item_id=still_open.public_id), follow=True
    )
    assert "Only something done, or not taken forward" in refused.text
    with school_scope(world.school):
        older.refresh_from_db()
        assert older.signed_off_on == timezone.localdate() and older.signed_off_by == world.lead
        assert YouSaid.objects.get(pk=still_open.pk).signed_off_on is None
        assert AuditEvent.objects.filter(action="plans.you_said.signed_off").count() == 1
    after = client.get(url(world, "you_said_waiting")).text
    assert "Older idea" not in after
    assert "Older idea" in client.get(url(world, "pupil_plans", pupil_id=world.child.pk)).text


@pytest.mark.parametrize(
    ("call", "code"),
    [
        ("sign_twice", "you_said.already_signed_off"),
        ("answer_after_sign_off", "you_said.signed_off"),
        ("bad_kind", "you_said.unknown_kind"),
        ("bad_status", "you_said.unknown_status"),
    ],
)
def test_service_refusals_carry_codes(world: SchoolWorld, call: str, code: str) -> None:
    idea = item(world)
    today = timezone.localdate()
    answer: dict[str, Any] = {
        "actor": world.lead,
        "item": idea,
        "status": "done",
        "what_we_did": "Bench ordered",
        "done_by": world.other_adult,
        "done_on": today,
        "not_forward_reason": "",
        "today": today,
    }
    with school_scope(world.school), pytest.raises(PlanError) as refused:
        if call == "bad_kind":
            item(world, kind="moan")
        elif call == "bad_status":
            you_said_respond(**answer | {"status": "sorted"})
        else:
            you_said_respond(**answer)
            you_said_sign_off(actor=world.lead, item=idea, today=today)
            if call == "sign_twice":
                you_said_sign_off(actor=world.lead, item=idea, today=today)
            else:
                you_said_respond(**answer)
    assert refused.value.code == code


def test_whole_school_items_are_for_all_staff_and_answered_by_leads(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    teacher = signed_in(world.teacher)

    saved = teacher.post(url(world, "you_said_school"), raised(their_words="More clubs at lunch"))

    assert saved.status_code == 302
    assert "More clubs at lunch" in teacher.get(url(world, "you_said_school")).text
    with school_scope(world.school):
        idea = YouSaid.objects.get()
    assert idea.pupil is None
    page = teacher.get(url(world, "you_said", item_id=idea.public_id))
    assert page.status_code == 200 and page.context["form"] is None
    assert (
        teacher.post(url(world, "you_said", item_id=idea.public_id), done(world)).status_code == 403
    )
    assert teacher.get(url(world, "you_said_waiting")).status_code == 403
    lead = signed_in(world.lead)
    assert lead.post(url(world, "you_said", item_id=idea.public_id), done(world)).status_code == 302
    virtual = signed_in(testing.user(world.school, Role.VIRTUAL_SCHOOL))
    assert virtual.get(url(world, "you_said_school")).status_code == 403
    assert virtual.get(url(world, "you_said", item_id=idea.public_id)).status_code == 404


def test_items_about_a_child_stay_with_those_who_may_read_their_plans(
    world: SchoolWorld, other_world: SchoolWorld, signed_in: SignedIn
) -> None:
    idea = item(world)
    address = url(world, "you_said", item_id=idea.public_id)

    assert signed_in(world.teacher).get(address).status_code == 404
    assert signed_in(other_world.lead).get(address).status_code == 404
    key_adult = signed_in(world.key_adult_user)
    assert key_adult.get(address).status_code == 404
    add = url(world, "you_said_new", pupil_id=world.child.pk)
    assert key_adult.post(add, raised()).status_code == 403
    with school_scope(world.school):
        KeyAdultRelationship.objects.create(
            school=world.school,
            pupil=world.child,
            key_adult=world.key_adult,
            started_on=days(-9),
            reason="x",
        )
    assert key_adult.get(address).status_code == 200
    assert key_adult.post(address, done(world)).status_code == 302
    assert key_adult.post(add, raised()).status_code == 302
    assert (
        key_adult.post(url(world, "you_said_sign_off", item_id=idea.public_id)).status_code == 403
    )


def test_the_whole_school_list_keeps_a_fixed_number_of_queries(
    world: SchoolWorld, signed_in: SignedIn, django_assert_max_num_queries: Any
) -> None:
    client = signed_in(world.lead)
    for n in range(8):
        idea = item(world, child=False, their_words=f"Idea {n}")
        with school_scope(world.school):
            you_said_respond(
                actor=world.lead,
                item=idea,
                status="done",
                what_we_did="Done it",
                done_by=world.other_adult,
                done_on=days(-1),
                not_forward_reason="",
                today=timezone.localdate(),
            )

    with django_assert_max_num_queries(8):
        page = client.get(url(world, "you_said_school"))

    assert page.status_code == 200 and page.text.count("Tom Okafor") >= 8
