"""A synthetic register for the demo school, so attendance pages, warnings and Today's
arrivals have something to show. Never real children.

Term-time weekdays from the start of the school year to ``today`` (the morning only on
``today`` itself). Most children attend well; about one in eight misses enough to be
persistently absent, a few severely, and some are often late.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import date, timedelta

from django.db import transaction

from attune.attendance import week_counts
from attune.attendance.models import SessionMark
from attune.attendance.school import school_year
from attune.bulk import analyse_if_mostly_new, insert_rows
from attune.people.models import Pupil, School
from attune.tenancy import school_scope

COLUMNS = ("school_id", "pupil_id", "date", "session", "code", "original_code", "minutes_late")
PRESENT = {"AM": "/", "PM": "\\"}
ABSENCE_CODES = ("I", "I", "I", "M", "O", "G", "N", "C")


def build_register(school: School, rng: random.Random, today: date) -> int:
    """Write the demo register; nothing if the school already has marks. Returns the count."""
    with school_scope(school), transaction.atomic():
        if SessionMark.objects.exists():
            return 0
        year = school_year(today)
        days = [
            day
            for term in year.terms
            for day in _weekdays(term.starts_on, min(term.ends_on, today))
        ]
        pupils = list(Pupil.objects.values_list("id", flat=True).order_by("upn"))
        written = insert_rows(SessionMark, COLUMNS, _rows(rng, school.pk, pupils, days, today))
        # The same weeks last year, so the head's home can set this year against last; drawn
        # from a stream of their own, so this year's marks stay as they were.
        year_ago = today - timedelta(days=364)
        earlier = [
            day
            for term in school_year(year_ago).terms
            for day in _weekdays(term.starts_on, min(term.ends_on, year_ago))
        ]
        last = random.Random(f"last-year-{school.urn}")  # noqa: S311 - synthetic demo data
        written += insert_rows(SessionMark, COLUMNS, _rows(last, school.pk, pupils, earlier, today))
        analyse_if_mostly_new(SessionMark._meta.db_table, written, len(pupils) * len(days))
        week_counts.rebuild(school.pk)
        return written


def _weekdays(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        if day.weekday() < 5:
            yield day
        day += timedelta(days=1)


def _rows(
    rng: random.Random, school_id: int, pupils: list[uuid.UUID], days: list[date], today: date
) -> Iterator[tuple[object, ...]]:
    for pupil_id in pupils:
        pattern = rng.random()
        # Chance of missing a session: most low, one in eight persistent, a few severe.
        missing = 0.5 if pattern < 0.02 else 0.15 if pattern < 0.14 else rng.uniform(0, 0.05)
        late = 0.12 if rng.random() < 0.08 else 0.01
        for day in days:
            for session in ("AM", "PM") if day < today else ("AM",):
                roll = rng.random()
                minutes = None
                if roll < missing:
                    code = rng.choice(ABSENCE_CODES)
                elif session == "AM" and roll < missing + late:
                    code, minutes = "L", rng.randint(3, 25)
                else:
                    code = PRESENT[session]
                yield (school_id, pupil_id, day, session, code, code, minutes)
