"""The key adult assignment flow over HTTP, and who may use it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from attune import testing
from attune.accounts.roles import Role
from attune.people.models import Pupil
from attune.relationships.models import KeyAdultRelationship
from attune.tenancy import school_scope
from attune.testing import SchoolWorld, SignedIn

pytestmark = pytest.mark.django_db


def assign_url(world: SchoolWorld, child: Pupil | None = None) -> str:
    kwargs = {"urn": world.school.urn, "pupil_id": (child or world.child).pk}
    return reverse("relationships:assign", kwargs=kwargs)


def pupil_url(world: SchoolWorld, child: Pupil | None = None) -> str:
    kwargs = {"urn": world.school.urn, "pupil_id": (child or world.child).pk}
    return reverse("children:pupil", kwargs=kwargs)


def form(world: SchoolWorld, **overrides: str) -> dict[str, str]:
    return {
        "key_adult": str(world.key_adult.pk),
        "co_worker": str(world.other_adult.pk),
        "started_on": timezone.localdate().isoformat(),
        "reason": "In school every day; Maya already goes to her.",
        "chosen_by_child": "on",
        "child_words": "Priya makes me feel calm",
    } | overrides


def relationships(world: SchoolWorld) -> list[KeyAdultRelationship]:
    with school_scope(world.school):
        return list(KeyAdultRelationship.objects.filter(pupil=world.child))


def test_the_lead_assigns_a_key_adult_and_the_pupil_page_shows_it(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    client = signed_in(world.lead)
    page = client.get(assign_url(world))
    assert page.status_code == 200
    assert "Choose a key adult for Maya Fletcher" in page.text
    assert f'value="{world.key_adult.pk}"' in page.text
    assert 'name="confirmed"' not in page.text  # no warnings yet, so nothing to confirm

    response = client.post(assign_url(world), form(world))

    assert response.status_code == 302
    assert response["Location"] == pupil_url(world)
    [relationship] = relationships(world)
    assert relationship.key_adult_id == world.key_adult.pk
    assert relationship.co_worker_id == world.other_adult.pk
    assert relationship.chosen_by_child is True
    assert relationship.created_by == world.lead
    shown = client.get(pupil_url(world)).text
    assert '<dd data-testid="key-adult">Priya Shah</dd>' in shown
    assert '<dd data-testid="co-worker">Tom Okafor</dd>' in shown
    assert "Priya makes me feel calm" in shown
    assert "Priya Shah is now Maya&#x27;s key adult." in shown


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        pytest.param(
            {"co_worker": "key_adult"},
            "co_worker",
            "The co-worker needs to be a different adult",
            id="co-worker same",
        ),
        pytest.param(
            {"started_on": "tomorrow"},
            "started_on",
            "The start date cannot be in the future.",
            id="future start",
        ),
        pytest.param({"reason": ""}, "reason", "This field is required.", id="no reason"),
        pytest.param({"key_adult": ""}, "key_adult", "This field is required.", id="no adult"),
    ],
)
def test_errors_re_render_with_the_message_next_to_the_field(
    world: SchoolWorld, signed_in: SignedIn, overrides: dict[str, str], field: str, message: str
) -> None:
    values = {"key_adult": str(world.key_adult.pk), "tomorrow": _days_ahead(1)}
    data = form(world, **{k: values.get(v, v) for k, v in overrides.items()})

    response = signed_in(world.lead).post(assign_url(world), data)

    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert any(message in e for e in response.context["form"].errors[field])
    assert testing.field_message(f"id_{field}", message) in response.text
    assert relationships(world) == []


def _days_ahead(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def test_a_warning_needs_the_confirm_box_before_going_ahead(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    with school_scope(world.school):
        for _ in range(world.school.caseload_limit):
            KeyAdultRelationship.objects.create(
                school=world.school,
                pupil=testing.pupil(world.school),
                key_adult=world.key_adult,
                started_on=timezone.localdate(),
                reason="Already hers.",
            )
    client = signed_in(world.lead)

    warned = client.post(assign_url(world), form(world))

    assert warned.status_code == 200
    assert "Please check before going ahead" in warned.text
    assert "Priya Shah already has 5 key children" in warned.text
    assert 'name="confirmed"' in warned.text
    assert relationships(world) == []

    confirmed = client.post(assign_url(world), form(world, confirmed="on"))

    assert confirmed.status_code == 302
    assert [r.key_adult_id for r in relationships(world)] == [world.key_adult.pk]


def test_changing_the_key_adult_asks_why_and_keeps_the_old_one_in_history(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    client = signed_in(world.lead)
    long_ago = (timezone.localdate() - timedelta(days=800)).isoformat()
    client.post(assign_url(world), form(world, key_adult=str(world.other_adult.pk), co_worker=""))
    with school_scope(world.school):
        KeyAdultRelationship.objects.filter(pupil=world.child).update(started_on=long_ago)

    page = client.get(assign_url(world))
    assert "Change the key adult for Maya Fletcher" in page.text
    assert 'name="change_reason"' in page.text
    refused = client.post(assign_url(world), form(world, co_worker=""))
    assert refused.status_code == 200
    assert "Changing a key adult needs a reason" in refused.text

    done = client.post(assign_url(world), form(world, co_worker="", change_reason="Tom left."))

    assert done.status_code == 302
    history = sorted(relationships(world), key=lambda r: r.started_on)
    assert [(r.key_adult_id, r.end_reason) for r in history] == [
        (world.other_adult.pk, "Tom left."),
        (world.key_adult.pk, ""),
    ]
    shown = client.get(pupil_url(world)).text
    assert "Ended: Tom left." in shown
    assert "2 key adults so far, 1 change." in shown


@pytest.mark.parametrize("who", ["teacher", "office", "key_adult_user"])
def test_only_leads_manage_key_adults(world: SchoolWorld, signed_in: SignedIn, who: str) -> None:
    client = signed_in(getattr(world, who))

    assert client.get(assign_url(world)).status_code == 403
    assert client.post(assign_url(world), form(world)).status_code == 403
    assert relationships(world) == []


@pytest.mark.parametrize("role", [Role.HEADTEACHER, Role.ADMINISTRATOR])
def test_head_and_administrator_may_manage_key_adults(
    world: SchoolWorld, signed_in: SignedIn, role: Role
) -> None:
    client = signed_in(testing.user(world.school, role))

    assert client.post(assign_url(world), form(world)).status_code == 302
    assert len(relationships(world)) == 1


def test_virtual_school_sees_only_its_cohort_and_cannot_assign(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    client = signed_in(testing.user(world.school, Role.VIRTUAL_SCHOOL))

    assert client.get(pupil_url(world, world.looked_after_child)).status_code == 200
    assert client.get(pupil_url(world)).status_code == 404
    assert client.get(assign_url(world, world.looked_after_child)).status_code == 403


def test_another_schools_lead_gets_404(
    world: SchoolWorld, other_world: SchoolWorld, signed_in: SignedIn
) -> None:
    client = signed_in(other_world.lead)

    assert client.get(assign_url(world)).status_code == 404
    assert client.post(assign_url(world), form(world)).status_code == 404
    assert relationships(world) == []


def test_trusted_adult_goes_to_the_top_of_the_candidates(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    client = signed_in(world.lead)
    url = reverse(
        "relationships:trusted_adult",
        kwargs={"urn": world.school.urn, "pupil_id": world.child.pk},
    )
    data: dict[str, Any] = {
        "trusted-staff": str(world.other_adult.pk),
        "trusted-child_words": "He is funny",
    }

    response = client.post(url, data)

    assert response.status_code == 302
    page = client.get(assign_url(world)).text
    tom, priya = (
        page.index(f'id="ka-{world.other_adult.pk}"'),
        page.index(f'id="ka-{world.key_adult.pk}"'),
    )
    assert tom < priya
    assert "Maya named them as someone they trust (&quot;He is funny&quot;)." in page
