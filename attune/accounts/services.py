"""Account actions: starting a session's clock and signing out everywhere."""

from __future__ import annotations

from django.contrib.sessions.backends.base import SessionBase
from django.utils import timezone

from attune.accounts.models import User, new_session_token
from attune.auditlog.actions import Action
from attune.auditlog.saving import save_recorded

SESSION_STARTED = "attune_started"  # when the user signed in (epoch seconds)
SESSION_SEEN = "attune_seen"  # the last request we noted (epoch seconds)


def session_clock_start(session: SessionBase) -> None:
    """Start the idle and absolute clocks of a fresh sign-in."""
    now = int(timezone.now().timestamp())
    session[SESSION_STARTED] = now
    session[SESSION_SEEN] = now


def sessions_end_everywhere(*, actor: User) -> None:
    """Make every browser's session stale, so each is signed out at its next request (the
    caller signs this browser out straight away).

    Each session keeps a check value derived from the user's password and ``session_token``
    (see ``User._get_session_auth_hash``); a new token makes every stored value stale.
    """
    actor.session_token = new_session_token()
    save_recorded(
        Action.SIGNED_OUT_EVERYWHERE, actor, actor=actor, school=None, fields=["session_token"]
    )
