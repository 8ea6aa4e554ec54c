"""Emails home go through a real SMTP server (aiosmtpd on this machine) from the background
worker; a message that cannot be sent is counted, tried again later and shown to the lead."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.checkins.domain.delivery import MAX_ATTEMPTS
from attune.checkins.models import EmailHome
from attune.checkins.testing import (
    Inbox,
    free_port,
    mail_of,
    point_mail_at,
    run_worker,
    share_by_email,
)
from attune.checkins.tests.conftest import make_relationship
from attune.tenancy import school_scope
from attune.testing import SchoolUrls, SchoolWorld, SignedIn

pytestmark = pytest.mark.django_db(transaction=True)

url = SchoolUrls("checkins")


def notice_by_email(world: SchoolWorld, signed_in: SignedIn) -> Client:
    make_relationship(world)
    share_by_email(
        world, home_name="Ms Fletcher", consent_given_on=timezone.localdate() - timedelta(days=10)
    )
    client = signed_in(world.key_adult_user)
    response = client.post(
        url(world, "noticing"),
        {
            "pupil": str(world.child.pk),
            "on": timezone.localdate().isoformat(),
            "child_in_school": "yes",
            "proud_of": "Finishing the whole times-table grid.",
            "noticed": "She waited her turn and cheered her friend on.",
            "shared_by": "email",
        },
    )
    assert response.status_code == 302
    return client


def the_email(world: SchoolWorld) -> EmailHome:
    with school_scope(world.school):
        return EmailHome.objects.get()


def test_the_worker_sends_the_note_through_smtp(
    world: SchoolWorld, signed_in: SignedIn, smtp_inbox: Inbox
) -> None:
    notice_by_email(world, signed_in)
    assert smtp_inbox.messages == []  # nothing leaves until the worker runs

    run_worker()

    [envelope] = smtp_inbox.messages
    assert envelope.rcpt_tos == ["fletcher.home@example.test"]
    message, body = mail_of(envelope)
    assert message["To"] == "fletcher.home@example.test"
    assert message["Subject"] == "Good news about Maya from Hollybrook Primary School"
    assert "Hello Ms Fletcher," in body
    assert "Finishing the whole times-table grid." in body
    assert "She waited her turn and cheered her friend on." in body
    email = the_email(world)
    assert (email.status, email.attempts, email.last_error) == ("sent", 1, "")
    assert email.sent_at is not None
    with school_scope(world.school):
        assert AuditEvent.objects.filter(action=Action.EMAIL_HOME_SENT).count() == 1

    run_worker()  # nothing left to do: never sent twice
    assert len(smtp_inbox.messages) == 1


def test_when_the_server_is_down_the_email_fails_is_shown_and_goes_on_a_later_try(
    world: SchoolWorld, signed_in: SignedIn, settings: Any
) -> None:
    from aiosmtpd.controller import Controller

    port = free_port()
    point_mail_at(settings, port)  # nothing listens there yet
    notice_by_email(world, signed_in)

    run_worker()

    email = the_email(world)
    assert (email.status, email.attempts) == ("failed", 1)
    assert "ConnectionRefusedError" in email.last_error
    assert email.next_attempt_at is not None
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after == email.next_attempt_at  # the next try waits, with backoff
    lead = signed_in(world.lead)
    page = lead.get(url(world, "messages_home"))
    assert "fletcher.home@example.test" in page.text
    assert "Not sent" in page.text
    assert "ConnectionRefusedError" in page.text

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        run_worker()  # the retry's time has not come yet
        assert inbox.messages == []
        DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())  # it has now
        run_worker()
    finally:
        controller.stop()

    [envelope] = inbox.messages
    assert mail_of(envelope)[0]["To"] == "fletcher.home@example.test"
    email = the_email(world)
    assert (email.status, email.attempts, email.next_attempt_at) == ("sent", 2, None)
    assert "Every email has gone." in lead.get(url(world, "messages_home")).text


def test_a_refused_message_can_be_tried_again_by_the_lead(
    world: SchoolWorld, signed_in: SignedIn, smtp_inbox: Inbox
) -> None:
    smtp_inbox.refuse = True
    notice_by_email(world, signed_in)
    run_worker()
    email = the_email(world)
    assert (email.status, email.attempts) == ("failed", 1)
    assert "554" in email.last_error

    smtp_inbox.refuse = False
    lead = signed_in(world.lead)
    response = lead.post(url(world, "email_retry", email_id=email.pk))
    assert response.status_code == 302
    assert the_email(world).status == "queued"
    run_worker()  # the "try again" runs now; the older automatic retry then finds it sent

    assert len(smtp_inbox.messages) == 1
    assert the_email(world).status == "sent"
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    run_worker()
    assert len(smtp_inbox.messages) == 1
    with school_scope(world.school):
        actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {Action.EMAIL_HOME_FAILED, Action.EMAIL_HOME_RETRIED} <= actions
    again = lead.post(url(world, "email_retry", email_id=email.pk), follow=True)
    assert "already been sent" in again.text


def test_after_the_last_automatic_try_the_message_waits_for_a_person(
    world: SchoolWorld, signed_in: SignedIn, smtp_inbox: Inbox
) -> None:
    smtp_inbox.refuse = True
    notice_by_email(world, signed_in)
    for _ in range(MAX_ATTEMPTS):
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
        run_worker()

    email = the_email(world)
    assert (email.status, email.attempts, email.next_attempt_at) == ("failed", MAX_ATTEMPTS, None)
    assert not DBTaskResult.objects.filter(status="READY").exists()
    page = signed_in(world.lead).get(url(world, "messages_home"))
    assert "No more automatic tries" in page.text


def test_only_the_lead_sees_messages_home_and_other_schools_get_404(
    world: SchoolWorld, other_world: SchoolWorld, signed_in: SignedIn, smtp_inbox: Inbox
) -> None:
    smtp_inbox.refuse = True
    notice_by_email(world, signed_in)
    run_worker()
    email = the_email(world)

    assert signed_in(world.key_adult_user).get(url(world, "messages_home")).status_code == 403
    theirs = reverse(
        "checkins:email_retry", kwargs={"urn": other_world.school.urn, "email_id": email.pk}
    )
    assert signed_in(other_world.lead).post(theirs).status_code == 404
    assert the_email(world).status == "failed"
