"""Signing in by an emailed link: single use, short-lived, limited, audited, never a password,
and a session that reaches only what the link grants. Mail goes through a real SMTP server on
loopback (aiosmtpd)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attune.accounts import links
from attune.accounts.models import LinkAccess, SignInLink, User
from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.checkins.testing import Inbox, mail_of
from attune.testing import SchoolWorld

pytestmark = pytest.mark.django_db

PURPOSE = "tests.thing"
BASE = "http://testserver/"


THING = links.Purpose(
    PURPOSE,
    "a test thing",
    landing=lambda access: f"/nowhere/{access.target}/",
    describe=lambda access: f"Thing {access.target}",
)


@pytest.fixture(autouse=True)
def _purpose() -> None:
    links.register(THING)


def link_in(inbox: Inbox) -> str:
    _, body = mail_of(inbox.messages[-1])
    found = re.search(r"http://testserver(/accounts/link/[\w-]+/)", body)
    assert found, body
    return found.group(1)


def actions() -> list[str]:
    return list(AuditEvent.objects.values_list("action", flat=True))


def test_a_person_is_given_access_without_a_password(world: SchoolWorld) -> None:
    access = links.link_access_grant(
        actor=world.lead, email=" Sam.Carer@Example.org ", purpose=PURPOSE, target="1", name="Sam"
    )
    person = access.user
    assert person.email == "sam.carer@example.org"
    assert not person.has_usable_password()
    again = links.link_access_grant(
        actor=world.lead, email="sam.carer@example.org", purpose=PURPOSE, target="1"
    )
    assert again.pk == access.pk
    assert actions().count(Action.LINK_ACCESS_GRANTED.value) == 1


def test_the_emailed_link_signs_in_once_and_the_session_is_limited(
    world: SchoolWorld, smtp_inbox: Inbox, client: Client
) -> None:
    links.link_access_grant(actor=world.lead, email="sam@example.org", purpose=PURPOSE, target="7")
    assert links.sign_in_link_send(email="sam@example.org", base_url=BASE)
    message, body = mail_of(smtp_inbox.messages[0])
    assert message["To"] == "sam@example.org"
    assert "works once" in body
    url = link_in(smtp_inbox)
    secret = url.rstrip("/").rsplit("/", 1)[1]
    assert not SignInLink.objects.filter(token_hash=secret).exists()  # only its hash is kept

    # A mail scanner fetching the link does not use it up: signing in needs the button.
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 302  # one thing: straight there
    assert client.session[links.LINK_SESSION] is True

    # The session reaches only what links grant: not a school, not the Virtual School, not the
    # account's own settings.
    for name, kwargs in [
        ("children:school_home", {"urn": world.school.urn}),
        ("virtualschool:county", {"la_code": "886"}),
        ("accounts:security", {}),
    ]:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 404, name
    assert client.get(reverse("accounts:link_home")).status_code == 302

    # Used once, never again.
    other = Client()
    page = other.post(url)
    assert "used already" in page.text
    assert Action.SIGN_IN_LINK_USED.value in actions()
    assert Action.SIGN_IN_LINK_REFUSED.value in actions()


def test_a_staff_account_signing_in_by_link_gets_only_the_link_session(
    world: SchoolWorld, smtp_inbox: Inbox, client: Client
) -> None:
    """The designated teacher of a school on Attune may also be a PEP partner: the link opens
    the partner's pages only, never their school with its two-factor."""
    links.link_access_grant(actor=None, email=world.lead.email, purpose=PURPOSE, target="3")
    links.sign_in_link_send(email=world.lead.email, base_url=BASE)
    client.post(link_in(smtp_inbox))
    home = reverse("children:school_home", kwargs={"urn": world.school.urn})
    assert client.get(home).status_code == 404


def test_an_expired_link_is_refused_and_offers_a_new_one(
    world: SchoolWorld, smtp_inbox: Inbox, client: Client
) -> None:
    links.link_access_grant(actor=None, email="sam@example.org", purpose=PURPOSE, target="1")
    links.sign_in_link_send(email="sam@example.org", base_url=BASE)
    SignInLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    url = link_in(smtp_inbox)
    page = client.get(url)
    assert "run out" in page.text and "Email me a new link" in page.text
    assert "run out" in client.post(url).text
    assert links.LINK_SESSION not in client.session


def test_revoking_access_stops_the_link_and_the_session(
    world: SchoolWorld, smtp_inbox: Inbox, client: Client
) -> None:
    links.link_access_grant(actor=None, email="sam@example.org", purpose=PURPOSE, target="1")
    links.sign_in_link_send(email="sam@example.org", base_url=BASE)
    url = link_in(smtp_inbox)
    assert links.link_access_revoke(actor=world.lead, purpose=PURPOSE, target="1") == 1
    assert "nothing for you to open" in client.post(url).text
    assert not LinkAccess.objects.filter(revoked_at__isnull=True).exists()
    assert Action.LINK_ACCESS_REVOKED.value in actions()


def test_asking_says_the_same_whether_or_not_the_address_is_known(
    world: SchoolWorld, smtp_inbox: Inbox, client: Client
) -> None:
    links.link_access_grant(actor=None, email="sam@example.org", purpose=PURPOSE, target="1")
    url = reverse("accounts:link_ask")
    known = client.post(url, {"email": "sam@example.org"})
    unknown = client.post(url, {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert "If that address has been invited" in known.text
    assert "If that address has been invited" in unknown.text
    assert len(smtp_inbox.messages) == 1
    # A staff member with a password but nothing reachable by link gets no link either.
    client.post(url, {"email": world.lead.email})
    assert len(smtp_inbox.messages) == 1


def test_asking_is_limited_per_email_and_per_address(
    world: SchoolWorld, smtp_inbox: Inbox, client: Client, settings: Any
) -> None:
    settings.ATTUNE_SIGN_IN_LINKS_PER_EMAIL_HOUR = 2
    settings.ATTUNE_SIGN_IN_LINKS_PER_ADDRESS_HOUR = 3
    links.link_access_grant(actor=None, email="sam@example.org", purpose=PURPOSE, target="1")
    url = reverse("accounts:link_ask")
    statuses = [client.post(url, {"email": "sam@example.org"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert len(smtp_inbox.messages) == 2
    # Spraying other addresses from the same network address is stopped too.
    assert client.post(url, {"email": "a@example.org"}).status_code == 200
    assert client.post(url, {"email": "b@example.org"}).status_code == 429


def test_a_link_session_ends_after_its_hours(
    world: SchoolWorld, smtp_inbox: Inbox, client: Client
) -> None:
    links.link_access_grant(actor=None, email="sam@example.org", purpose=PURPOSE, target="1")
    links.sign_in_link_send(email="sam@example.org", base_url=BASE)
    client.post(link_in(smtp_inbox))
    session = client.session
    session["attune_started"] -= 3 * 3600
    session["attune_seen"] = int(timezone.now().timestamp())
    session.save()
    response = client.get(reverse("accounts:link_home"))
    assert response["Location"] == reverse("accounts:link_ask")


def test_nobody_signs_in_with_a_password_they_were_never_given(
    world: SchoolWorld, client: Client
) -> None:
    access = links.link_access_grant(
        actor=None, email="sam@example.org", purpose=PURPOSE, target="1"
    )
    user: User = access.user
    response = client.post(reverse("accounts:login"), {"username": user.email, "password": ""})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
