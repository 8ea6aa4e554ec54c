"""Two-factor sign-in: an authenticator app (TOTP) plus single-use recovery codes.

Who needs it is decided by role (``roles.role_needs_two_factor``); this module enrols devices
and checks codes. django-otp slows down guessing: each wrong code doubles the wait.
"""

from __future__ import annotations

import django_otp
import qrcode
import qrcode.image.svg
from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from attune.accounts.models import User, new_session_token
from attune.accounts.roles import role_needs_two_factor
from attune.auditlog.actions import Action
from attune.auditlog.record import record
from attune.errors import AttuneError

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


class TwoFactorError(AttuneError):
    pass


def needs_two_factor(user: User) -> bool:
    """True if any of the user's active roles can read sensitive notes or the audit trail."""
    roles = user.memberships.filter(is_active=True).values_list("role", "is_dsl")
    if any(role_needs_two_factor(str(role)) or is_dsl for role, is_dsl in roles):
        return True
    # Virtual School officers (virtualschool.AuthorityMembership) read children across schools.
    return bool(user.authority_memberships.filter(is_active=True).exists())


def has_two_factor(user: User) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def totp_device_start(*, user: User) -> TOTPDevice:
    """The unconfirmed device being set up (one at a time), created if need be."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def qr_code_svg(device: TOTPDevice) -> str:
    """The device's set-up link as an SVG QR code, to put straight into the page."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    svg: str = image.to_string(encoding="unicode")
    return svg.replace(
        "<svg ", '<svg role="img" aria-label="QR code for your authenticator app" ', 1
    )


def totp_device_confirm(*, actor: User, token: str) -> tuple[TOTPDevice, list[str]]:
    """Check the first code from the app, switch two-factor on, return the device (for the
    caller to mark its session verified) and new recovery codes."""
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).first()
    if device is None or not device.verify_token(_clean(token)):
        raise TwoFactorError(
            "That code did not match. Check the time on your phone and try the newest code.",
            "code_mismatch",
            "code",
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=actor, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(actor)
        record(Action.TWO_FACTOR_ENABLED, actor, actor=actor, school=None)
    return device, codes


def recovery_codes_regenerate(*, actor: User) -> list[str]:
    """Replace every recovery code (the old ones stop working)."""
    with transaction.atomic():
        codes = _new_recovery_codes(actor)
        record(Action.RECOVERY_CODES_REPLACED, actor, actor=actor, school=None)
    return codes


def two_factor_verify(*, user: User, token: str) -> Device:
    """Accept a code from the app or a recovery code (used up); the caller marks the session
    verified with the device returned."""
    device = django_otp.match_token(user, _clean(token))
    if device is None:
        raise TwoFactorError(
            "That code did not work. Try the newest code from your app, or a recovery code.",
            "code_mismatch",
            "code",
        )
    return device


def recovery_codes_left(user: User) -> int:
    return int(StaticToken.objects.filter(device__user=user, device__confirmed=True).count())


def _new_recovery_codes(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _clean(token: str) -> str:
    return "".join(token.split())


def two_factor_reset(*, user: User) -> None:
    """Remove the user's app and recovery codes and end their sessions (a lost phone).

    They set up a new app at their next sign-in, with their password.
    """
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        user.session_token = new_session_token()
        user.save(update_fields=["session_token"])
        record(Action.TWO_FACTOR_RESET, user, actor=None, school=None)
