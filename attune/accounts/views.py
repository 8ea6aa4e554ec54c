from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urlencode

import django_otp
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from attune.accounts import links, two_factor
from attune.accounts import password_reset as reset
from attune.accounts.forms import CodeForm, ForgottenPasswordForm, LinkAskForm, SetUpCodeForm
from attune.accounts.http import AuthenticatedRequest
from attune.accounts.services import session_clock_start, sessions_end_everywhere
from attune.auditlog.context import client_address
from attune.errors import AttuneError, show_on_form


@method_decorator(login_not_required, name="dispatch")
class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        session_clock_start(self.request.session)
        return response

    def get_success_url(self) -> str:
        url = super().get_success_url()
        if two_factor.needs_two_factor(self.request.user):  # type: ignore[arg-type]
            return reverse("accounts:two_factor") + "?" + urlencode({"next": url})
        return url


def locked_out(request: HttpRequest, response: Any = None, credentials: Any = None) -> HttpResponse:
    """django-axes calls this instead of signing in while an email and address are locked out."""
    cool_off = get_cool_off(request)
    minutes = int(cool_off.total_seconds() // 60) if cool_off else None
    context = {"form": AuthenticationForm(request), "locked_out": True, "minutes": minutes}
    return render(request, "accounts/sign_in.html", context, status=429)


def _next_url(request: HttpRequest) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return reverse("home")


def _with_next(name: str, request: HttpRequest) -> str:
    return reverse(name) + "?" + urlencode({"next": _next_url(request)})


def two_factor_verify(request: AuthenticatedRequest) -> HttpResponse:
    """The second step of signing in: a code from the app, or a recovery code."""
    if request.user.is_verified():  # type: ignore[attr-defined]
        return redirect(_next_url(request))
    if not two_factor.has_two_factor(request.user):
        return redirect(_with_next("accounts:two_factor_setup", request))
    recovery = request.GET.get("recovery") == "1"
    form = CodeForm(request.POST or None, recovery=recovery)
    if form.is_valid():
        try:
            device = two_factor.two_factor_verify(
                user=request.user, token=form.cleaned_data["code"]
            )
        except AttuneError as error:
            show_on_form(form, error)
        else:
            django_otp.login(request, device)
            return redirect(_next_url(request))
    context = {"form": form, "next": _next_url(request), "recovery": recovery}
    return render(request, "accounts/two_factor.html", context)


def two_factor_setup(request: AuthenticatedRequest) -> HttpResponse:
    """Link an authenticator app: scan the QR code, type the first code, keep recovery codes."""
    verified = request.user.is_verified()  # type: ignore[attr-defined]
    if two_factor.has_two_factor(request.user) and not verified:
        # Replacing the app needs the current one first, or a stolen password would be enough.
        return redirect(_with_next("accounts:two_factor", request))
    device = two_factor.totp_device_start(user=request.user)
    form = SetUpCodeForm(request.POST or None)
    if form.is_valid():
        try:
            device, codes = two_factor.totp_device_confirm(
                actor=request.user, token=form.cleaned_data["code"]
            )
        except AttuneError as error:
            show_on_form(form, error)
        else:
            django_otp.login(request, device)
            return _show_recovery_codes(request, codes)
    context = {
        "form": form,
        "qr_svg": two_factor.qr_code_svg(device),
        "secret": base64.b32encode(device.bin_key).decode(),
        "next": _next_url(request),
    }
    return render(request, "accounts/two_factor_setup.html", context)


def _show_recovery_codes(request: HttpRequest, codes: list[str]) -> HttpResponse:
    context = {"codes": codes, "next": _next_url(request)}
    return render(request, "accounts/recovery_codes.html", context)


def security(request: AuthenticatedRequest) -> HttpResponse:
    """The user's own sign-in settings: two-factor, recovery codes, signing out everywhere."""
    context = {
        "has_two_factor": two_factor.has_two_factor(request.user),
        "needs_two_factor": two_factor.needs_two_factor(request.user),
        "verified": request.user.is_verified(),  # type: ignore[attr-defined]
        "codes_left": two_factor.recovery_codes_left(request.user),
        "idle_minutes": settings.ATTUNE_SESSION_IDLE_MINUTES,
    }
    return render(request, "accounts/security.html", context)


@require_POST
def recovery_codes(request: AuthenticatedRequest) -> HttpResponse:
    if not request.user.is_verified():  # type: ignore[attr-defined]
        return redirect(_with_next("accounts:two_factor", request))
    codes = two_factor.recovery_codes_regenerate(actor=request.user)
    return _show_recovery_codes(request, codes)


@require_POST
def sign_out_everywhere(request: AuthenticatedRequest) -> HttpResponse:
    sessions_end_everywhere(actor=request.user)
    logout(request)
    messages.success(request, "You are now signed out on every device, this one included.")
    return redirect("accounts:login")


def home(request: AuthenticatedRequest) -> HttpResponse:
    """One school (or one Virtual School): straight there. Several: choose."""
    if request.session.get(links.LINK_SESSION):
        return redirect("accounts:link_home")
    memberships = list(request.user.memberships.filter(is_active=True).select_related("school"))
    authorities = list(
        request.user.authority_memberships.filter(is_active=True).select_related("local_authority")
    )
    if len(memberships) == 1 and not authorities:
        return redirect("children:school_home", urn=memberships[0].school.urn)
    if len(authorities) == 1 and not memberships:
        return redirect("virtualschool:county", la_code=authorities[0].local_authority.code)
    return render(
        request,
        "accounts/choose_school.html",
        {"memberships": memberships, "authorities": authorities},
    )


# --- signing in by an emailed link (attune/accounts/links.py) --------------------------------


@login_not_required
def link_ask(request: HttpRequest) -> HttpResponse:
    """Ask for a sign-in link by email. The answer is the same whether or not the address is
    known, so the page tells nobody who has been invited."""
    form = LinkAskForm(request.POST or None, initial={"email": request.GET.get("email", "")})
    sent = too_many = False
    if form.is_valid():
        base = request.build_absolute_uri("/")
        sent = links.sign_in_link_send(email=form.cleaned_data["email"], base_url=base)
        too_many = not sent
    status = 429 if too_many else 200
    context = {"form": form, "sent": sent, "too_many": too_many}
    return render(request, "accounts/link_ask.html", context, status=status)


@login_not_required
def link_use(request: HttpRequest, secret: str) -> HttpResponse:
    """Open an emailed link: a button to sign in (so a mail scanner that fetches the link does
    not use it up), then the person's own page."""
    link = links.sign_in_link_find(secret)
    problem = None
    if request.method == "POST":
        try:
            user = links.sign_in_link_use(secret=secret)
        except links.LinkError as error:
            problem = error
        else:
            logout(request)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            request.session[links.LINK_SESSION] = True
            session_clock_start(request.session)
            return redirect("accounts:link_home")
    elif link is not None:
        problem = links.link_problem(link, timezone.now())  # shown, not used up
    else:
        problem = links.LinkError("That link is not one of ours.", "link.unknown")
    context = {"link": link, "problem": problem}
    return render(request, "accounts/link_use.html", context, status=200 if link else 404)


def link_home(request: AuthenticatedRequest) -> HttpResponse:
    """What the person who signed in by link may open."""
    reachable = [
        (purpose.describe(access), purpose.landing(access))
        for access in links.live_accesses(request.user)
        if (purpose := links.purpose_of(access)) is not None
    ]
    if len(reachable) == 1:
        return redirect(reachable[0][1])
    return render(request, "accounts/link_home.html", {"reachable": reachable})


@login_not_required
def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a reset link. Every email gets the same answer, so nobody learns who has an
    account; only a network address that has asked too often is told to wait."""
    form = ForgottenPasswordForm(request.POST or None)
    now = timezone.now()
    if reset.address_paused(client_address(), now=now):
        return render(request, "accounts/password_reset.html", {"form": None, "paused": True})
    if form.is_valid():
        base_url = request.build_absolute_uri("/").rstrip("/")
        reset.password_reset_request(email=form.cleaned_data["email"], base_url=base_url, now=now)
        context = {"email": form.cleaned_data["email"]}
        return render(request, "accounts/password_reset_sent.html", context)
    return render(request, "accounts/password_reset.html", {"form": form})


@method_decorator(login_not_required, name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choose a new password from the emailed link. The user then signs in as usual, so
    two-factor sign-in is still asked for."""

    template_name = "accounts/password_reset_confirm.html"
    post_reset_login = False

    def form_valid(self, form: Any) -> HttpResponse:
        reset.password_reset_complete(user=form.user, password=form.cleaned_data["new_password1"])
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        messages.success(self.request, "Your password has been changed. Please sign in with it.")
        return redirect("accounts:login")
