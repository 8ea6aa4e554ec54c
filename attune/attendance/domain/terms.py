"""Typical English school terms, used until a school enters its own dates.

Most schools in England keep six half-terms: Autumn from early September to the October break,
then to Christmas; Spring from early January to the February break, then to Easter; Summer
from after Easter to the late-May bank holiday week, then to late July. Local authorities
publish their own dates each year, so these are a starting point, never the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["TermDates", "default_terms", "easter_sunday", "last_school_day", "term_starts"]


@dataclass(frozen=True, slots=True)
class TermDates:
    name: str
    starts_on: date
    ends_on: date


def easter_sunday(year: int) -> date:
    """Western Easter (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _weekday_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _last_weekday_of(year: int, month: int, weekday: int) -> date:
    after = date(year + month // 12, month % 12 + 1, 1)
    last = after - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


MONDAY, FRIDAY = 0, 4


def _school_day_on_or_after(day: date) -> date:
    return day if day.weekday() <= FRIDAY else _weekday_on_or_after(day, MONDAY)


def default_terms(first_year: int) -> tuple[TermDates, ...]:
    """Six half-terms for the school year starting in September of ``first_year``."""
    year, next_year = first_year, first_year + 1
    october_break = _last_weekday_of(year, 10, MONDAY)  # the last week of October
    february_break = _weekday_on_or_after(date(next_year, 2, 15), MONDAY)
    easter = easter_sunday(next_year)
    may_break = _last_weekday_of(next_year, 5, MONDAY)  # the spring bank holiday week
    return (
        TermDates(
            "Autumn 1",
            _school_day_on_or_after(date(year, 9, 2)),
            october_break - timedelta(days=3),
        ),
        TermDates("Autumn 2", october_break + timedelta(days=7), _christmas_end(year)),
        TermDates(
            "Spring 1",
            _school_day_on_or_after(date(next_year, 1, 5)),
            february_break - timedelta(days=3),
        ),
        TermDates("Spring 2", february_break + timedelta(days=7), easter - timedelta(days=9)),
        TermDates("Summer 1", easter + timedelta(days=8), may_break - timedelta(days=3)),
        TermDates(
            "Summer 2",
            may_break + timedelta(days=7),
            _weekday_on_or_after(date(next_year, 7, 18), FRIDAY),
        ),
    )


def _christmas_end(year: int) -> date:
    """The last Friday on or before 20 December."""
    day = date(year, 12, 20)
    return day - timedelta(days=(day.weekday() - FRIDAY) % 7)


def term_starts(terms: tuple[TermDates, ...]) -> tuple[date, ...]:
    return tuple(sorted(term.starts_on for term in terms))


def last_school_day(on: date) -> date:
    """The last day on or before ``on`` that falls in term on a weekday, by the usual term dates
    (``default_terms``): a weekend or a holiday gives the school day before it."""
    day = on
    while True:
        first_year = day.year if day.month >= 8 else day.year - 1
        terms = default_terms(first_year)
        if day.weekday() <= FRIDAY and any(t.starts_on <= day <= t.ends_on for t in terms):
            return day
        day -= timedelta(days=1)
