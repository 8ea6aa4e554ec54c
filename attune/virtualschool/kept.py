"""The Virtual School's figures, kept for a few minutes so its pages open at once.

Working out the county page reads a year of counts for every pupil in the county (about a
second for 250,000 pupils) and every school's cohort measures, and an officer goes from the
county to a school and back again. So the figures, before suppression (which is quick and
done at every showing), are kept in Django's cache for ``ATTUNE_VIRTUAL_SCHOOL_KEEP_SECONDS``
(default ten minutes). The key holds the authority, the range, the day and the newest
register import in the authority's schools, so figures worked out before an import are never
shown after it. Other changes (a key adult named, a check-in logged) show within the time
kept; every page says when its figures were worked out.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max
from django.utils import timezone

from attune.attendance.county import CohortFigures
from attune.attendance.models import AttendanceImport
from attune.tenancy import scopes_disabled

from . import selectors
from .selectors import DateRange


@dataclass(frozen=True, slots=True)
class Kept[T]:
    value: T
    worked_out_at: datetime


def keep_seconds() -> int:
    return int(getattr(settings, "ATTUNE_VIRTUAL_SCHOOL_KEEP_SECONDS", 600))


def stamp(school_ids: list[int], span: DateRange, today: date) -> str:
    """What the kept figures are keyed by; read once per page (one query, for the newest
    import), then passed to each kept read."""
    # The schools are part of the key: an authority that gains or loses a school starts afresh.
    schools = hashlib.sha256(",".join(map(str, sorted(school_ids))).encode()).hexdigest()[:16]
    with scopes_disabled():
        newest = AttendanceImport.objects.filter(school_id__in=school_ids).aggregate(n=Max("id"))
    return f"{schools}:{span.date_from}:{span.date_to}:{today}:{newest['n'] or 0}"


def _kept[T](kind: str, stamp: str, work: Callable[[], T]) -> Kept[T]:
    key = f"virtualschool:{kind}:{stamp}"
    found: Kept[T] | None = cache.get(key)
    if found is None:
        found = Kept(work(), timezone.now())
        cache.set(key, found, keep_seconds())
    return found


def school_counts(
    school_ids: list[int], span: DateRange, today: date, stamp: str
) -> Kept[dict[int, dict[str, int]]]:
    """``selectors.school_counts``, kept."""
    return _kept("counts", stamp, lambda: selectors.school_counts(school_ids, span, today))


def attendance_by_cohort(
    school_ids: list[int], span: DateRange, stamp: str
) -> Kept[list[CohortFigures]]:
    """``selectors.attendance_by_cohort``, kept."""
    return _kept("attendance", stamp, lambda: selectors.attendance_by_cohort(school_ids, span))


def worked_out_text(*kept: Kept[object]) -> str:
    """When the oldest of these figures was worked out, for the page's notes."""
    at = timezone.localtime(min(k.worked_out_at for k in kept))
    minutes = max(1, round(keep_seconds() / 60))
    kept_for = "a minute" if minutes == 1 else f"{minutes} minutes"
    return (
        f"Figures worked out at {at:%H:%M} on {at:%-d %B %Y}. They are kept for up to "
        f"{kept_for}, and worked out again as soon as a school imports its registers."
    )
