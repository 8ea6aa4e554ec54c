"""Session lifetime and the two-factor rule, each enforced in one place for every request."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django_htmx.http import HttpResponseClientRedirect

from attune.accounts.links import LINK_SESSION, purpose_named
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


# Pages a session opened by an emailed link may reach besides those marked ``@link_view``.
LINK_SESSION_PAGES = frozenset(
    {"home", "accounts:logout", "accounts:link_home", "accounts:link_ask", "accounts:link_use"}
)


class LinkSessionMiddleware:
    """A session opened by an emailed link reaches only what links grant (pages marked
    ``@link_view``) and signing out; anything else is the same 404 as a missing page, whatever
    the account could do with a password and a second factor. It lasts at most
    ``ATTUNE_LINK_SESSION_HOURS`` (two by default) as well as the usual idle limit."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not (request.user.is_authenticated and request.session.get(LINK_SESSION)):
            return self.get_response(request)
        started = request.session.get(SESSION_STARTED, 0)
        seconds = int(getattr(settings, "ATTUNE_LINK_SESSION_HOURS", 2)) * 3600
        try:
            match = resolve(request.path_info)
        except Resolver404:
            match = None
        # A purpose may keep its sessions shorter (a family's: ATTUNE_FAMILY_SESSION_MINUTES).
        purpose = purpose_named(getattr(match.func, "link_purpose", "")) if match else None
        if purpose is not None and purpose.session_minutes is not None:
            seconds = min(seconds, purpose.session_minutes * 60)
        if int(timezone.now().timestamp()) - started > seconds:
            logout(request)
            messages.info(request, "Your sign-in has run out. Ask for a new link to carry on.")
            return _redirect(request, reverse("accounts:link_ask"))
        if match is None:
            return self.get_response(request)
        if match.view_name in LINK_SESSION_PAGES or hasattr(match.func, "link_purpose"):
            return self.get_response(request)
        from django.views.defaults import page_not_found

        return page_not_found(request, Http404())
