"""The team around a child over HTTP: the close team the child chose, the wider team, churn,
and who may see contact details."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from attune import testing
from attune.accounts.roles import Role
from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.relationships.models import (
    CloseTeamMember,
    KeyAdultRelationship,
    TeamRole,
    WiderTeamMember,
)
from attune.tenancy import school_scope
from attune.testing import SchoolWorld, SignedIn

pytestmark = pytest.mark.django_db


def url(world: SchoolWorld, name: str = "team", **extra: Any) -> str:
    kwargs = {"urn": world.school.urn, "pupil_id": world.child.pk} | extra
    return reverse(f"relationships:{name}", kwargs=kwargs)


def days_ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


def make_key_adult(world: SchoolWorld) -> None:
    with school_scope(world.school):
        KeyAdultRelationship.objects.create(
            school=world.school,
            pupil=world.child,
            key_adult=world.key_adult,
            started_on=days_ago(100),
            reason="Every day in class.",
            child_words="She listens",
        )


def wider(world: SchoolWorld, **overrides: Any) -> WiderTeamMember:
    values: dict[str, Any] = {
        "role": TeamRole.SOCIAL_WORKER,
        "name": "Sam Adeyemi",
        "organisation": "Children's services",
        "email": "sam@example.org",
        "phone": "01632 960001",
        "started_on": days_ago(30),
        "consent_to_share": True,
    } | overrides
    with school_scope(world.school):
        return WiderTeamMember.objects.create(school=world.school, pupil=world.child, **values)


def close_data(world: SchoolWorld, **overrides: str) -> dict[str, str]:
    return {
        "close-staff": str(world.other_adult.pk),
        "close-child_words": "He plays football with me",
        "close-joined_on": timezone.localdate().isoformat(),
    } | overrides


def wider_data(**overrides: str) -> dict[str, str]:
    return {
        "wider-role": "camhs",
        "wider-name": "Dr Ana Ruiz",
        "wider-organisation": "CAMHS South",
        "wider-email": "ana@example.org",
        "wider-phone": "01632 960002",
        "wider-started_on": timezone.localdate().isoformat(),
        "wider-consent_to_share": "on",
    } | overrides


def test_the_lead_builds_the_team_and_the_key_adult_is_in_it_already(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    make_key_adult(world)
    client = signed_in(world.lead)

    page = client.get(url(world))
    assert page.status_code == 200
    assert "The team around Maya Fletcher" in page.text
    assert "Priya Shah" in page.text and "She listens" in page.text
    close = client.post(url(world, "team_close_add"), close_data(world))
    more = client.post(url(world, "team_wider_add"), wider_data())

    assert close.status_code == more.status_code == 302
    shown = client.get(url(world)).text
    assert "He plays football with me" in shown
    assert "Dr Ana Ruiz" in shown and "ana@example.org" in shown
    with school_scope(world.school):
        [member] = CloseTeamMember.objects.filter(pupil=world.child)
        assert member.staff_id == world.other_adult.pk
        assert WiderTeamMember.objects.get().consent_to_share is True
        actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {Action.CLOSE_TEAM_JOINED, Action.WIDER_TEAM_JOINED} <= actions


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        pytest.param({"close-staff": "key"}, "staff", "already in the close team", id="key adult"),
        pytest.param(
            {"close-child_words": " "}, "child_words", "This field is required", id="no words"
        ),
        pytest.param(
            {"close-joined_on": "tomorrow"}, "joined_on", "cannot be in the future", id="future"
        ),
    ],
)
def test_close_team_refusals_keep_what_was_typed(
    world: SchoolWorld, signed_in: SignedIn, overrides: dict[str, str], field: str, message: str
) -> None:
    make_key_adult(world)
    values = {
        "key": str(world.key_adult.pk),
        "tomorrow": (timezone.localdate() + timedelta(days=1)).isoformat(),
    }
    data = close_data(world, **{k: values.get(v, v) for k, v in overrides.items()})

    response = signed_in(world.lead).post(url(world, "team_close_add"), data)

    assert response.status_code == 200
    form = response.context["close_form"]
    assert any(message in e for e in form.errors[field])
    assert f'id="id_close-{field}_error"' in response.text
    assert form["child_words"].value() == data["close-child_words"]
    with school_scope(world.school):
        assert not CloseTeamMember.objects.exists()


def test_an_adult_already_in_the_close_team_is_refused(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    client = signed_in(world.lead)
    client.post(url(world, "team_close_add"), close_data(world))

    again = client.post(url(world, "team_close_add"), close_data(world))

    assert again.status_code == 200
    assert "Tom Okafor is already in Maya&#x27;s close team." in again.text


def test_a_wider_member_needs_a_name_and_keeps_the_rest(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    response = signed_in(world.lead).post(
        url(world, "team_wider_add"), wider_data(**{"wider-name": ""})
    )

    assert response.status_code == 200
    form = response.context["wider_form"]
    assert form.errors["name"] == ["This field is required."]
    assert form["organisation"].value() == "CAMHS South"
    with school_scope(world.school):
        assert not WiderTeamMember.objects.exists()


@pytest.mark.parametrize("who", ["teacher", "office"])
def test_teachers_and_office_see_no_contact_details_and_no_unshared_members(
    world: SchoolWorld, signed_in: SignedIn, who: str
) -> None:
    wider(world)
    wider(world, name="Kim Lowe", role=TeamRole.PARENT_CARER, consent_to_share=False)
    client = signed_in(getattr(world, who))

    page = client.get(url(world))

    assert page.status_code == 200
    assert "Sam Adeyemi" in page.text
    assert "sam@example.org" not in page.text and "01632" not in page.text
    assert "Kim Lowe" not in page.text
    assert "1 more person has not agreed to share" in page.text
    assert client.post(url(world, "team_wider_add"), wider_data()).status_code == 403
    assert client.post(url(world, "team_close_add"), close_data(world)).status_code == 403


def test_the_lead_sees_every_member_with_contact_details(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    wider(world, name="Kim Lowe", role=TeamRole.PARENT_CARER, consent_to_share=False)

    page = signed_in(world.lead).get(url(world)).text

    assert "Kim Lowe" in page and "sam@example.org" in page


def test_a_key_adult_manages_their_own_key_childs_team_only(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    client = signed_in(world.key_adult_user)
    assert client.post(url(world, "team_wider_add"), wider_data()).status_code == 403
    make_key_adult(world)

    assert client.post(url(world, "team_wider_add"), wider_data()).status_code == 302
    assert "ana@example.org" in client.get(url(world)).text


def test_virtual_school_reads_but_does_not_change_the_team(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    client = signed_in(testing.user(world.school, Role.VIRTUAL_SCHOOL))
    child = world.looked_after_child.pk

    assert client.get(url(world, "team", pupil_id=child)).status_code == 200
    assert client.get(url(world)).status_code == 404
    assert (
        client.post(url(world, "team_wider_add", pupil_id=child), wider_data()).status_code == 403
    )


def test_another_schools_lead_gets_404(
    world: SchoolWorld, other_world: SchoolWorld, signed_in: SignedIn
) -> None:
    member = wider(world)
    client = signed_in(other_world.lead)
    end = url(world, "team_member_end", circle="wider", member_id=member.public_id)

    assert client.get(url(world)).status_code == 404
    assert client.post(url(world, "team_wider_add"), wider_data()).status_code == 404
    assert client.post(end, {"ended_on": days_ago(0).isoformat()}).status_code == 404
    with school_scope(world.school):
        assert WiderTeamMember.objects.get().ended_on is None


def test_a_third_social_worker_within_a_year_is_flagged(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    wider(world, name="A", started_on=days_ago(300), ended_on=days_ago(200))
    wider(world, name="B", started_on=days_ago(200), ended_on=days_ago(20), consent_to_share=False)
    client = signed_in(world.lead)
    assert 'data-testid="churn"' not in client.get(url(world)).text

    wider(world, name="C", started_on=days_ago(20))

    page = client.get(url(world)).text
    assert "Maya now has their third social worker within twelve months" in page


def test_ending_membership_keeps_it_in_the_history(world: SchoolWorld, signed_in: SignedIn) -> None:
    member = wider(world)
    client = signed_in(world.lead)
    end = url(world, "team_member_end", circle="wider", member_id=member.public_id)

    too_early = client.post(end, {"ended_on": days_ago(40).isoformat()}, follow=True)
    assert "between when they started and today" in too_early.text
    done = client.post(end, {"ended_on": days_ago(1).isoformat()}, follow=True)

    assert "Previously in the wider team" in done.text
    again = client.post(end, {"ended_on": days_ago(0).isoformat()}, follow=True)
    assert "already left the team" in again.text
    assert (
        client.post(
            url(world, "team_member_end", circle="nope", member_id=member.public_id)
        ).status_code
        == 404
    )
    with school_scope(world.school):
        assert WiderTeamMember.objects.get().ended_on == days_ago(1)


def test_the_team_page_query_count_does_not_grow_with_the_team(
    world: SchoolWorld, signed_in: SignedIn, django_assert_max_num_queries: Any
) -> None:
    make_key_adult(world)
    client = signed_in(world.lead)
    client.get(url(world))
    for n in range(8):
        wider(world, name=f"Person {n}")
        testing.staff(world.school)
    client.post(url(world, "team_close_add"), close_data(world))

    # The page now logs its read of the child after it is served (the audit chain's few queries).
    with django_assert_max_num_queries(18):
        assert client.get(url(world)).status_code == 200


def test_the_team_page_logs_a_read_of_the_child_and_a_refusal_logs_none(
    world: SchoolWorld, other_world: SchoolWorld, signed_in: SignedIn
) -> None:
    assert signed_in(other_world.lead).get(url(world)).status_code == 404
    assert not AuditEvent.objects.filter(action=Action.RECORD_VIEWED).exists()

    assert signed_in(world.teacher).get(url(world)).status_code == 200

    [read] = AuditEvent.objects.filter(action=Action.RECORD_VIEWED)
    assert (read.pupil_id, read.actor_id) == (world.child.pk, world.teacher.pk)
    assert read.changes == {"page": url(world)}


def test_the_audit_record_keeps_no_wider_members_name_or_contact(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    data = wider_data(**{"wider-consent_to_share": ""})
    assert signed_in(world.lead).post(url(world, "team_wider_add"), data).status_code == 302

    event = AuditEvent.objects.get(action=Action.WIDER_TEAM_JOINED)
    assert "Dr Ana Ruiz" not in str(event.changes)
    assert "CAMHS South" not in str(event.changes)
    assert set(event.changes["name"]) == {"digest", "length"}
    assert event.changes["role"] == "camhs"
