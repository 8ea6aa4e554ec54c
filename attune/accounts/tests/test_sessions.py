"""Sessions end after a spell of inactivity, after a working day, or everywhere on request."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from attune.accounts.services import SESSION_SEEN, SESSION_STARTED
from attune.accounts.testing import now_seconds
from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.testing import SchoolWorld, SignedIn

pytestmark = pytest.mark.django_db


def home_url(world: SchoolWorld) -> str:
    return reverse("children:school_home", kwargs={"urn": world.school.urn})


def age_session(client: Client, *, started: int = 0, seen: int = 0) -> None:
    """Pretend the session began ``started`` and was last used ``seen`` seconds ago."""
    session = client.session
    session[SESSION_STARTED] = now_seconds() - started
    session[SESSION_SEEN] = now_seconds() - seen
    session.save()


def test_half_an_hour_without_use_signs_you_out(world: SchoolWorld, signed_in: SignedIn) -> None:
    client = signed_in(world.lead)
    age_session(client, started=40 * 60, seen=31 * 60)
    response = client.get(home_url(world))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")
    page = client.get(response["Location"])
    assert "not used for a while" in page.text
    assert client.get(home_url(world)).status_code == 302


def test_use_within_the_limit_keeps_you_signed_in(world: SchoolWorld, signed_in: SignedIn) -> None:
    client = signed_in(world.teacher)
    age_session(client, started=3 * 60 * 60, seen=29 * 60)
    assert client.get(home_url(world)).status_code == 200
    assert now_seconds() - client.session[SESSION_SEEN] < 5


def test_the_idle_limit_comes_from_settings(
    world: SchoolWorld, signed_in: SignedIn, settings: object
) -> None:
    settings.ATTUNE_SESSION_IDLE_MINUTES = 5  # type: ignore[attr-defined]
    client = signed_in(world.teacher)
    age_session(client, seen=6 * 60)
    assert client.get(home_url(world)).status_code == 302


def test_a_session_ends_after_its_absolute_lifetime_even_in_use(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    client = signed_in(world.teacher)
    age_session(client, started=8 * 60 * 60 + 60, seen=10)
    response = client.get(home_url(world))
    assert response.status_code == 302
    assert "signed in for a long time" in client.get(response["Location"]).text


def test_sign_out_everywhere_ends_every_session_of_that_user_only(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    laptop = signed_in(world.teacher)
    tablet = Client()
    tablet.cookies = laptop.cookies.__class__()
    tablet.force_login(world.teacher)
    colleague = Client()
    colleague.force_login(world.office)
    assert tablet.get(home_url(world)).status_code == 200

    response = laptop.post(reverse("accounts:sign_out_everywhere"))
    assert response["Location"] == reverse("accounts:login")
    assert laptop.get(home_url(world)).status_code == 302
    assert tablet.get(home_url(world)).status_code == 302
    assert colleague.get(home_url(world)).status_code == 200
    event = AuditEvent.objects.get(action=Action.SIGNED_OUT_EVERYWHERE)
    assert event.actor_id == world.teacher.pk


def test_sign_out_everywhere_needs_a_post(world: SchoolWorld, signed_in: SignedIn) -> None:
    client = signed_in(world.teacher)
    assert client.get(reverse("accounts:sign_out_everywhere")).status_code == 405
