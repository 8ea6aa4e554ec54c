"""Session lifetime and the two-factor rule, each enforced in one place for every request."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django_htmx.http import HttpResponseClientRedirect

from attune.accounts.roles import role_needs_two_factor
from attune.accounts.services import SESSION_SEEN, SESSION_STARTED

# Noting activity writes the session; once a minute is precise enough for a 30-minute limit.
SEEN_RESOLUTION_SECONDS = 60

Handler = Callable[[HttpRequest], HttpResponse]


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


class SessionExpiryMiddleware:
    """Signs out after ``ATTUNE_SESSION_IDLE_MINUTES`` idle or ``SESSION_COOKIE_AGE`` in all."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(timezone.now().timestamp())
            session = request.session
            started = session.setdefault(SESSION_STARTED, now)
            seen = session.get(SESSION_SEEN, now)
            idle = now - seen > settings.ATTUNE_SESSION_IDLE_MINUTES * 60
            if idle or now - started > settings.SESSION_COOKIE_AGE:
                logout(request)
                messages.info(
                    request,
                    "You were signed out because Attune was not used for a while. "
                    "Please sign in again."
                    if idle
                    else "You have been signed in for a long time. Please sign in again.",
                )
                url = reverse("accounts:login") + "?" + urlencode({"next": request.get_full_path()})
                return _redirect(request, url)
            if SESSION_SEEN not in session or now - seen >= SEEN_RESOLUTION_SECONDS:
                session[SESSION_SEEN] = now
        return self.get_response(request)


class TwoFactorMiddleware:
    """A role that can read sensitive notes must have passed two-factor in this session.

    Runs inside the school scope, where ``request.membership`` says which role applies; a user
    who has not set up an authenticator app is sent to set one up, anyone else to enter a code.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        membership = getattr(request, "membership", None)
        if (
            membership is not None
            and (role_needs_two_factor(membership.role) or membership.is_dsl)
            and not request.user.is_verified()  # type: ignore[union-attr]
        ):
            query = urlencode({"next": request.get_full_path()})
            return _redirect(request, reverse("accounts:two_factor") + "?" + query)
        return self.get_response(request)
