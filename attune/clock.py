"""The day the daily jobs open on: today, except in the demo on a weekend or in the holidays.

A newcomer trying the demo on a Saturday found "It is the weekend" on Today and every earlier
day already logged. So ``attune demo`` builds its data as of the last school day and sets
``settings.DEMO_DAY`` to it; Today and the nursery register then open on that day, and every
page says so (``demo_day_context``). Outside the demo ``DEMO_DAY`` is None and this is simply
the local date.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone


def _demo_day() -> date | None:
    day = getattr(settings, "DEMO_DAY", None)
    return day if day is not None and day < timezone.localdate() else None


def working_day() -> date:
    return _demo_day() or timezone.localdate()


def demo_day_context(request: HttpRequest) -> dict[str, Any]:
    """Template context: the demo's day, when the demo is set on a day before today."""
    day = _demo_day()
    return {"demo_day": day, "real_day": timezone.localdate() if day else None}
