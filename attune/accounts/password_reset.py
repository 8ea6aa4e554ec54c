"""Password reset by email, for staff who have forgotten theirs.

- The same answer for every email, so nobody can learn who has an account; the email itself is
  sent by the background worker, so the answer takes the same time either way.
- Limited: a few links an hour for each account and from each network address, counted from
  the audit record (which every request writes), so the limit holds across web servers.
- The link is Django's ``PasswordResetTokenGenerator``: it lasts ``PASSWORD_RESET_TIMEOUT``
  (an hour) and works once, since the token is made from the password it replaces.
- A new password ends every other session, and changes nothing about two-factor sign-in: the
  next sign-in still asks for the code.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from attune.accounts.models import User, new_session_token
from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.auditlog.record import Ref, record

WINDOW = timedelta(hours=1)
PER_ACCOUNT = 3
PER_ADDRESS = 10  # a school's staff may share one internet connection
ASKED = (Action.PASSWORD_RESET_REQUESTED, Action.PASSWORD_RESET_NO_ACCOUNT)


def address_paused(address: str | None, *, now: datetime) -> bool:
    """Whether this network address has asked for too many links in the last hour."""
    if not address:
        return False
    recent = AuditEvent.objects.filter(action__in=ASKED, ip_address=address, at__gte=now - WINDOW)
    return recent.count() >= PER_ADDRESS


def password_reset_request(*, email: str, base_url: str, now: datetime) -> None:
    """Send a reset link if ``email`` is an active account's and it has not had too many.

    Says nothing either way: the caller shows the same page whatever happens here."""
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None or not user.has_usable_password():
        record(Action.PASSWORD_RESET_NO_ACCOUNT, Ref("PasswordReset", "-"), actor=None, school=None)
        return
    asked = AuditEvent.objects.filter(
        action=Action.PASSWORD_RESET_REQUESTED, object_id=str(user.pk), at__gte=now - WINDOW
    )
    if asked.count() >= PER_ACCOUNT:
        return
    with transaction.atomic():
        record(Action.PASSWORD_RESET_REQUESTED, user, actor=None, school=None)
        link = base_url + reset_path(user)
        transaction.on_commit(lambda: send_reset_link.enqueue(user.pk, link))


def reset_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token})


@task()
def send_reset_link(user_id: int, link: str) -> str:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return "gone"
    minutes = settings.PASSWORD_RESET_TIMEOUT // 60
    body = (
        f"Hello {user.full_name},\n\n"
        "Someone (we hope you) asked to reset your Attune password. To choose a new one, open "
        f"this link within {minutes} minutes. It works once.\n\n{link}\n\n"
        "If you did not ask, you can ignore this email: your password stays as it is. "
        "Signing in still needs your two-factor code if your role uses one.\n"
    )
    EmailMessage(
        subject="Reset your Attune password",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    ).send()
    return "sent"


def password_reset_complete(*, user: User, password: str) -> None:
    """Set the new password, end every other session, and record it."""
    with transaction.atomic():
        user.set_password(password)
        user.session_token = new_session_token()
        user.save(update_fields=["password", "session_token"])
        record(Action.PASSWORD_RESET_DONE, user, actor=user, school=None)
