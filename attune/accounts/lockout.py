"""A limit per network address on failed sign-ins, on top of django-axes' email+address one.

Axes counts failures for each email from each address and pauses that pair after
``AXES_FAILURE_LIMIT``. Spraying one common password over many emails never trips that, so
once an address has ``ATTUNE_ADDRESS_LOCKOUT_FAILURES`` failures (summed over every email) in
the cool-off period, the address itself is paused too. The higher limit leaves room for a
school's staff who share one internet connection to mistype now and then.
``settings.AXES_LOCKOUT_PARAMETERS`` points here; axes calls it for each check.
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

PAIR = ["username", "ip_address"]


def lockout_parameters(request: Any, credentials: dict[str, Any] | None = None) -> list[Any]:
    """Lock the email+address pair; and the whole address once it passes its own limit."""
    address = getattr(request, "axes_ip_address", None)
    if not isinstance(request, HttpRequest) or not address:
        return [PAIR]
    failures = (
        AccessAttempt.objects.filter(
            ip_address=address, attempt_time__gte=get_cool_off_threshold(request)
        ).aggregate(total=Sum("failures_since_start"))["total"]
        or 0
    )
    if failures >= settings.ATTUNE_ADDRESS_LOCKOUT_FAILURES:
        return [PAIR, "ip_address"]
    return [PAIR]
