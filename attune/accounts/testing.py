"""Two-factor helpers for tests and the demo: enrol an app without a phone, compute its code."""

from __future__ import annotations

from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from attune.accounts.models import User
from attune.accounts.services import SESSION_SEEN, SESSION_STARTED
from attune.accounts.two_factor import APP_DEVICE_NAME, needs_two_factor


def enrol_two_factor(user: User, key: str | None = None) -> TOTPDevice:
    """The user's confirmed authenticator app, created (with ``key`` in hex, if given)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        extra = {"key": key} if key else {}
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=True, **extra)
    return device


def current_code(device: TOTPDevice) -> str:
    """The code the app would show now (what a person would type)."""
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{code:0{device.digits}d}"


def now_seconds() -> int:
    return int(timezone.now().timestamp())


def sign_in_fully(client: Client, user: User) -> Client:
    """Sign ``client`` in as ``user`` as a real sign-in would leave it: the session's clocks
    started and, when the user's role needs it, two-factor passed (tests and benchmarks)."""
    client.force_login(user)
    session = client.session
    session[SESSION_STARTED] = session[SESSION_SEEN] = now_seconds()
    if needs_two_factor(user):
        session[DEVICE_ID_SESSION_KEY] = enrol_two_factor(user).persistent_id
    session.save()
    return client


def sign_in_by_link(client: Client, user: User) -> Client:
    """Sign ``client`` in as an emailed link would (``attune.accounts.links``): a session that
    reaches only the pages links grant."""
    from attune.accounts.links import LINK_SESSION

    client.force_login(user)
    session = client.session
    session[SESSION_STARTED] = session[SESSION_SEEN] = now_seconds()
    session[LINK_SESSION] = True
    session.save()
    return client
