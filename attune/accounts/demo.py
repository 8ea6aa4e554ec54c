"""Two-factor for the demo: every demo sign-in that needs it shares one published app key.

The demo keeps two-factor on rather than exempting anyone, so it shows the real sign-in. The
key is as public as the demo password, and ``attune demo`` refuses to run in production.
"""

from __future__ import annotations

import base64

from attune.accounts.models import User
from attune.accounts.testing import current_code, enrol_two_factor
from attune.accounts.two_factor import needs_two_factor

DEMO_TOTP_KEY = "6174747566652d64656d6f2d74776f2d666163746f72"  # hex of "attune-demo-two-factor"


def demo_totp_secret() -> str:
    """The key as an authenticator app asks for it (base32)."""
    return base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode().rstrip("=")


def demo_two_factor_enrol(emails: list[str]) -> list[str]:
    """Give each demo user who needs two-factor an app with the demo key; return their emails."""
    enrolled = []
    for user in User.objects.filter(email__in=emails):
        if needs_two_factor(user):
            enrol_two_factor(user, key=DEMO_TOTP_KEY)
            enrolled.append(user.email)
    return enrolled


def demo_code_now() -> str:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return current_code(TOTPDevice(key=DEMO_TOTP_KEY))
