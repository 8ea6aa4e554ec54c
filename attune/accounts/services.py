"""Account actions: starting a session's clock and signing out everywhere."""

from __future__ import annotations

from django.contrib.auth import logout
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from attune.accounts.models import User, new_session_token
from attune.auditlog.services import audit_log

SESSION_STARTED = "attune_started"  # when the user signed in (epoch seconds)
SESSION_SEEN = "attune_seen"  # the last request we noted (epoch seconds)


def session_clock_start(request: HttpRequest) -> None:
    """Start the idle and absolute clocks of a fresh sign-in."""
    now = int(timezone.now().timestamp())
    request.session[SESSION_STARTED] = now
    request.session[SESSION_SEEN] = now


def sessions_end_everywhere(*, actor: User, request: HttpRequest) -> None:
    """Sign the user out of every browser, this one included.

    Each session keeps a check value derived from the user's password and ``session_token``
    (see ``User._get_session_auth_hash``); a new token makes every stored value stale.
    """
    with transaction.atomic():
        actor.session_token = new_session_token()
        actor.save(update_fields=["session_token"])
        audit_log(
            actor=actor,
            action="accounts.sessions.ended_everywhere",
            obj=actor,
            school=None,
            request=request,
        )
    logout(request)
