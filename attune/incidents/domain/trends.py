"""Incident trends: how many incidents, and how long children took to be calm, period by period.

Incidents are recorded as regulate → relate → reason (Bruce Perry's sequence of engagement):
first help the child's body calm, then connect, and only then talk it through. The time until
the child was calm is the number we watch: as relationships and regulation grow, it should fall.

Periods are calendar months or half-terms. Half-terms here follow the usual English pattern
with fixed approximate edges (see :func:`half_term_of`); a school's own term dates can replace
them later because every rule takes the periods it is given.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from itertools import pairwise
from statistics import median

__all__ = [
    "PERRY_CITATION",
    "Direction",
    "IncidentPoint",
    "Period",
    "PeriodSummary",
    "Trend",
    "half_term_of",
    "month_of",
    "periods_ending",
    "summarise",
    "trend",
]

PERRY_CITATION = (
    "Regulate, relate, reason: the sequence of engagement described by Dr Bruce Perry "
    "(Neurosequential Model, Child Trauma Academy)."
)


@dataclass(frozen=True, slots=True, order=True)
class Period:
    starts_on: date
    ends_on: date  # inclusive
    label: str

    def holds(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


@dataclass(frozen=True, slots=True)
class IncidentPoint:
    on: date
    minutes_to_calm: int | None  # None when nobody noted how long it took


@dataclass(frozen=True, slots=True)
class PeriodSummary:
    period: Period
    incidents: int
    timed: int  # incidents with a time to calm
    median_minutes: float | None
    complete: bool  # the period has ended (a period still running is not compared)


class Direction(StrEnum):
    FALLING = "falling"
    RISING = "rising"
    STEADY = "steady"
    NOT_ENOUGH = "not_enough"


@dataclass(frozen=True, slots=True)
class Trend:
    incidents: Direction
    minutes: Direction
    sentences: tuple[str, ...]


def month_of(day: date) -> Period:
    start = day.replace(day=1)
    following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return Period(start, following - timedelta(days=1), f"{start:%B %Y}")


# (label, first month, first day) of each half-term, in school-year order. Approximate: real
# breaks move each year (Easter above all), so these edges are a reasonable default only.
_HALF_TERM_STARTS = (
    ("Autumn 1", 9, 1),
    ("Autumn 2", 11, 1),
    ("Spring 1", 1, 1),
    ("Spring 2", 2, 22),
    ("Summer 1", 4, 15),
    ("Summer 2", 6, 1),
)


def _school_year(day: date) -> int:
    return day.year if day.month >= 9 else day.year - 1


def _half_term_starts(school_year: int) -> list[tuple[str, date]]:
    return [
        (label, date(school_year + (1 if month < 9 else 0), month, first))
        for label, month, first in _HALF_TERM_STARTS
    ]


def half_term_of(day: date) -> Period:
    year = _school_year(day)
    starts = [*_half_term_starts(year), ("next", date(year + 1, 9, 1))]
    for (label, start), (_, following) in pairwise(starts):
        if start <= day < following:
            short = f"{year % 100:02d}/{(year + 1) % 100:02d}"
            return Period(start, following - timedelta(days=1), f"{label} {short}")
    raise AssertionError(day)  # pragma: no cover - the starts cover the whole school year


def periods_ending(today: date, count: int, *, by_half_term: bool) -> list[Period]:
    """The ``count`` periods up to and including the one holding ``today``, oldest first."""
    period_of = half_term_of if by_half_term else month_of
    periods = [period_of(today)]
    while len(periods) < count:
        periods.append(period_of(periods[-1].starts_on - timedelta(days=1)))
    return periods[::-1]


def summarise(
    points: Iterable[IncidentPoint], periods: Sequence[Period], *, today: date
) -> list[PeriodSummary]:
    """Count and median time to calm per period; incidents outside every period are ignored."""
    buckets: dict[Period, list[IncidentPoint]] = {p: [] for p in periods}
    for point in points:
        for period in periods:
            if period.holds(point.on):
                buckets[period].append(point)
                break
    summaries = []
    for period in periods:
        minutes = [p.minutes_to_calm for p in buckets[period] if p.minutes_to_calm is not None]
        summaries.append(
            PeriodSummary(
                period=period,
                incidents=len(buckets[period]),
                timed=len(minutes),
                median_minutes=median(minutes) if minutes else None,
                complete=period.ends_on < today,
            )
        )
    return summaries


def _direction(earlier: float, later: float) -> Direction:
    if later < earlier:
        return Direction.FALLING
    if later > earlier:
        return Direction.RISING
    return Direction.STEADY


def _number(value: float) -> str:
    return f"{round(value, 1):g}"


def trend(summaries: Sequence[PeriodSummary]) -> Trend:
    """Compare the last two complete periods, in plain words with the numbers.

    A period still running is left out: half a month would always look like a fall.
    """
    complete = [s for s in summaries if s.complete]
    if len(complete) < 2 or not any(s.incidents for s in summaries):
        return Trend(
            Direction.NOT_ENOUGH,
            Direction.NOT_ENOUGH,
            ("Not enough recorded yet to see a trend.",),
        )
    before, latest = complete[-2], complete[-1]
    counts = _direction(before.incidents, latest.incidents)
    count_words = {
        Direction.FALLING: "Fewer incidents",
        Direction.RISING: "More incidents",
        Direction.STEADY: "The same number of incidents",
    }[counts]
    sentences = [
        f"{count_words}: {latest.incidents} in {latest.period.label}, "
        f"against {before.incidents} in {before.period.label}."
    ]
    if before.median_minutes is None or latest.median_minutes is None:
        return Trend(
            counts,
            Direction.NOT_ENOUGH,
            (*sentences, "Too few timed incidents to compare the time to calm."),
        )
    minutes = _direction(before.median_minutes, latest.median_minutes)
    minute_words = {
        Direction.FALLING: "Time to calm is falling",
        Direction.RISING: "Time to calm is rising",
        Direction.STEADY: "Time to calm is steady",
    }[minutes]
    sentences.append(
        f"{minute_words}: a median of {_number(latest.median_minutes)} minutes in "
        f"{latest.period.label}, against {_number(before.median_minutes)} in "
        f"{before.period.label}."
    )
    return Trend(counts, minutes, tuple(sentences))
