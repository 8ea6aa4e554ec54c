"""Emails home with good news: queued when noticing is shared by email, sent by the background
worker (``attune db_worker``) with visible retries."""

from __future__ import annotations

import smtplib
from datetime import date, datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction

from attune.accounts.models import User
from attune.auditlog.actions import Action
from attune.auditlog.record import record
from attune.checkins.domain.delivery import next_attempt_at
from attune.checkins.models import DeliveryStatus, EmailFrom, EmailHome, FamilySharing, Noticing
from attune.checkins.services.errors import CheckinError
from attune.people.contacts import barred_emails, home_email_contact
from attune.people.models import Staff


def email_home_queue(
    *, actor: User, noticing: Noticing, sharing: FamilySharing, staff: Staff, today: date
) -> EmailHome:
    """Write the email about ``noticing`` and hand it to the worker (inside the caller's
    transaction)."""
    pupil = noticing.pupil
    school = pupil.school
    when = "today" if noticing.on == today else f"on {noticing.on:%A %-d %B}"
    to, name = email_home_to(sharing) or ("", "")
    email = EmailHome.objects.create(
        school_id=pupil.school_id,
        noticing=noticing,
        pupil=pupil,
        to=to,
        subject=f"Good news about {pupil.known_as} from {school.name}",
        body=email_body(noticing, sharing, staff, when, greet=name),
    )
    record(
        Action.EMAIL_HOME_QUEUED,
        email,
        actor=actor,
        changes={"noticing": str(noticing.pk)},
    )
    _enqueue(email, run_after=None)
    return email


def email_home_to(sharing: FamilySharing) -> tuple[str, str] | None:
    """The address good news goes to, and whom to greet: the MIS contact with parental
    responsibility listed first, unless the family gave another address; ``None`` if none.
    An address belonging to someone marked "no contact" for the child is never used."""
    if sharing.email_from != EmailFrom.MIS:
        typed = sharing.email.strip().lower()
        if not typed or typed in barred_emails(sharing.pupil):
            return None
        return sharing.email, sharing.home_name
    link = home_email_contact(sharing.pupil)
    if link is None:
        return None
    return link.contact.email, sharing.home_name or link.contact.full_name


def email_body(
    noticing: Noticing, sharing: FamilySharing, staff: Staff, when: str, *, greet: str = ""
) -> str:
    name = noticing.pupil.known_as
    who = greet or sharing.home_name
    greeting = f"Hello {who}," if who else "Hello,"
    opening = (
        f"Two good things from {name}'s day {when}."
        if noticing.child_in_school
        else f"{name} was not in school {when}, and we still noticed two things worth sharing."
    )
    return "\n".join(
        [
            greeting,
            "",
            opening,
            "",
            f"What {name} was proud of:",
            noticing.proud_of,
            "",
            f"What {staff.first_name} noticed:",
            noticing.noticed,
            "",
            "With best wishes,",
            staff.full_name,
            noticing.pupil.school.name,
            "",
            "You are getting this because you asked the school to share good news by email. "
            "To change that, contact the school.",
        ]
    )


def _enqueue(email: EmailHome, *, run_after: datetime | None) -> None:
    from attune.checkins.tasks import send_email_home  # the task module imports this one

    task = send_email_home.using(run_after=run_after) if run_after else send_email_home
    task.enqueue(email.school_id, str(email.pk), email.attempts)


def email_home_send(*, email: EmailHome, attempts_before: int, now: datetime) -> EmailHome:
    """One attempt to send, run by the worker. Each attempt is counted on the row; a failure
    schedules the next try with a growing wait, and a stale task (one overtaken by a newer
    attempt or a sent message) does nothing."""
    if email.status == DeliveryStatus.SENT or email.attempts != attempts_before:
        return email
    if not email.to or email.to.strip().lower() in barred_emails(email.pupil):
        _never_send(email)  # marked "no contact" since it was written: it never goes
        return email
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
    )
    try:
        message.send()
    except (OSError, smtplib.SMTPException) as error:
        _record_attempt(email, now, error=f"{type(error).__name__}: {error}"[:500])
    else:
        _record_attempt(email, now, error=None)
    return email


def _never_send(email: EmailHome) -> None:
    with transaction.atomic():
        email.status, email.next_attempt_at = DeliveryStatus.FAILED, None
        email.last_error = "Not sent: there is no address, or it is marked no contact."
        email.save(update_fields=["status", "last_error", "next_attempt_at"])
        record(Action.EMAIL_HOME_FAILED, email, actor=None, changes={"error": "no_contact"})


def _record_attempt(email: EmailHome, now: datetime, *, error: str | None) -> None:
    with transaction.atomic():
        email.attempts += 1
        if error is None:
            email.status, email.sent_at, email.last_error = DeliveryStatus.SENT, now, ""
            email.next_attempt_at = None
        else:
            email.status, email.last_error = DeliveryStatus.FAILED, error
            email.next_attempt_at = next_attempt_at(email.attempts, now)
        email.save(update_fields=["attempts", "status", "sent_at", "last_error", "next_attempt_at"])
        record(
            Action.EMAIL_HOME_SENT if error is None else Action.EMAIL_HOME_FAILED,
            email,
            actor=None,
            # Only the kind of failure: a mail server's message can quote the family's address.
            changes={"attempt": email.attempts, "error": error.split(":", 1)[0] if error else None},
        )
        if email.next_attempt_at is not None:
            _enqueue(email, run_after=email.next_attempt_at)


def email_home_retry(*, actor: User, email: EmailHome) -> EmailHome:
    """Send again now ("try again" on the messages home list)."""
    if email.status == DeliveryStatus.SENT:
        raise CheckinError("That message has already been sent.", "checkins.email_home.sent")
    with transaction.atomic():
        email.status, email.next_attempt_at = DeliveryStatus.QUEUED, None
        email.save(update_fields=["status", "next_attempt_at"])
        record(
            Action.EMAIL_HOME_RETRIED,
            email,
            actor=actor,
            changes={"attempts_so_far": email.attempts},
        )
        _enqueue(email, run_after=None)
    return email
