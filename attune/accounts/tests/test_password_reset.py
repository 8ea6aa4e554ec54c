"""Password reset by email: the same answer for every email, limited, audited, a link that
lasts an hour and works once, and two-factor sign-in still asked for afterwards."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from attune import testing
from attune.accounts import password_reset
from attune.accounts.models import User
from attune.accounts.testing import enrol_two_factor
from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the email is queued once the request commits
    pytest.mark.usefixtures("immediate_tasks"),
]

ASK = reverse("accounts:password_reset")
NEW_PASSWORD = "plum orchard lantern tide"


@pytest.fixture
def immediate_tasks() -> object:
    with override_settings(
        TASKS={"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    ):
        yield


def ask(client: Client, email: str) -> str:
    response = client.post(ASK, {"email": email})
    assert response.status_code == 200
    return response.content.decode()


def link_in_email() -> str:
    found = re.search(r"http://testserver(/accounts/reset/\S+/)", str(mail.outbox[-1].body))
    assert found, mail.outbox[-1].body
    return found.group(1)


def events(action: Action) -> int:
    return AuditEvent.objects.filter(action=action).count()


def test_a_known_and_an_unknown_email_get_the_same_answer(client: Client) -> None:
    world = testing.school_world()
    known = ask(client, world.lead.email)
    unknown = ask(client, "nobody@example.org")

    def same(page: str, email: str) -> str:
        return re.sub(r'"X-CSRFToken": "\w+"', "", page.replace(email, "X"))

    assert same(known, world.lead.email) == same(unknown, "nobody@example.org")
    assert "Check your email" in known
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [world.lead.email]
    assert events(Action.PASSWORD_RESET_REQUESTED) == 1
    assert events(Action.PASSWORD_RESET_NO_ACCOUNT) == 1
    event = AuditEvent.objects.get(action=Action.PASSWORD_RESET_REQUESTED)
    assert event.object_id == str(world.lead.pk) and event.ip_address == "127.0.0.1"


def test_the_link_works_once_ends_other_sessions_and_two_factor_is_still_asked(
    client: Client,
) -> None:
    world = testing.school_world()
    enrol_two_factor(world.lead)
    ask(client, world.lead.email)
    link = link_in_email()
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("accounts:login")
    assert events(Action.PASSWORD_RESET_DONE) == 1
    assert User.objects.get(pk=world.lead.pk).check_password(NEW_PASSWORD)

    # Used once: the same link no longer works.
    again = client.get(link, follow=True).content.decode()
    assert "has expired or has already been used" in again

    # Signing in with the new password still asks for the two-factor code.
    signed = client.post(
        reverse("accounts:login"), {"username": world.lead.email, "password": NEW_PASSWORD}
    )
    assert signed.status_code == 302
    assert signed["Location"].startswith(reverse("accounts:two_factor"))


def test_the_link_lasts_an_hour(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    world = testing.school_world()
    ask(client, world.lead.email)
    link = link_in_email()
    later = datetime.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)  # noqa: DTZ005 - the token generator's own naive clock
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)
    page = client.get(link, follow=True).content.decode()
    assert "has expired or has already been used" in page


def test_a_few_links_an_hour_per_account_and_per_address(client: Client) -> None:
    world = testing.school_world()
    for _ in range(password_reset.PER_ACCOUNT + 2):
        ask(client, world.lead.email)
    assert len(mail.outbox) == password_reset.PER_ACCOUNT  # the answer stays the same
    for n in range(password_reset.PER_ADDRESS):
        ask(client, f"someone{n}@example.org")
    page = ask(client, world.teacher.email)
    assert "paused asking for more" in page
    assert len(mail.outbox) == password_reset.PER_ACCOUNT
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert "Check your email" in ask(other, world.teacher.email)
    assert len(mail.outbox) == password_reset.PER_ACCOUNT + 1


def test_the_sign_in_page_offers_it() -> None:
    page = Client().get(reverse("accounts:login")).content.decode()
    assert f'href="{ASK}"' in page
