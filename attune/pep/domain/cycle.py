"""The termly cycle of Personal Education Plans, as plain dates.

A looked-after child should have a PEP meeting every term. We use three terms a year with the
typical dates for England (from ``attendance/domain/terms.py``), the same for every school, so a
Virtual School can compare schools on one calendar. Each term runs from the day after the last
term's teaching ended to its own last teaching day, so the holiday before a term belongs to it
and every day belongs to exactly one term; a term's PEP is due by its last teaching day. A child who
missed last term's PEP is overdue until this term's is held.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cache

from attune.attendance.domain.terms import default_terms

__all__ = [
    "FIRST_PEP_WITHIN",
    "PepTerm",
    "Season",
    "Standing",
    "expected_in",
    "last_start_expected",
    "standing",
    "term_for",
]


class Season(StrEnum):
    AUTUMN = "autumn"
    SPRING = "spring"
    SUMMER = "summer"

    @property
    def label(self) -> str:
        return self.value.capitalize()


_ORDER = (Season.AUTUMN, Season.SPRING, Season.SUMMER)
# Where each term's last teaching day sits among the six half-terms of default_terms().
_LAST_HALF_TERM = {Season.AUTUMN: 1, Season.SPRING: 3, Season.SUMMER: 5}


@dataclass(frozen=True, slots=True, order=True)
class PepTerm:
    """One term of the school year that starts in September of ``year``."""

    year: int
    season: Season

    @property
    def sort_key(self) -> tuple[int, int]:
        return (self.year, _ORDER.index(self.season))

    @property
    def calendar_year(self) -> int:
        return self.year if self.season == Season.AUTUMN else self.year + 1

    @property
    def label(self) -> str:
        return f"{self.season.label} {self.calendar_year}"

    @property
    def due_by(self) -> date:
        """The term's last teaching day: a PEP not held by then is overdue."""
        return _last_teaching_day(self.year, self.season)

    @property
    def starts_on(self) -> date:
        """The day after the last term's teaching ended (so the holiday before it counts)."""
        return self.previous.due_by + timedelta(days=1)

    @property
    def ends_on(self) -> date:
        return self.due_by

    @property
    def next(self) -> PepTerm:
        if self.season == Season.SUMMER:
            return PepTerm(self.year + 1, Season.AUTUMN)
        return PepTerm(self.year, _ORDER[_ORDER.index(self.season) + 1])

    @property
    def previous(self) -> PepTerm:
        if self.season == Season.AUTUMN:
            return PepTerm(self.year - 1, Season.SUMMER)
        return PepTerm(self.year, _ORDER[_ORDER.index(self.season) - 1])

    def contains(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


@cache
def _last_teaching_day(year: int, season: Season) -> date:
    # Worked out once a term: a list of a county's children asks for it for every child.
    return default_terms(year)[_LAST_HALF_TERM[season]].ends_on


def term_for(day: date) -> PepTerm:
    """The term a day belongs to (holidays belong to the term that follows the teaching)."""
    term = PepTerm(day.year - 1, Season.AUTUMN)  # starts in July of the year before
    while term.ends_on < day:
        term = term.next
    return term


class Standing(StrEnum):
    """Where a child's PEP for one term stands."""

    DUE = "due"
    OVERDUE = "overdue"
    HELD = "held"
    SIGNED_OFF = "signed_off"

    @property
    def label(self) -> str:
        return STANDING_LABELS[self]


STANDING_LABELS = {
    Standing.DUE: "Due",
    Standing.OVERDUE: "Overdue",
    Standing.HELD: "Held",
    Standing.SIGNED_OFF: "Signed off",
}


# A child new to care should have their first PEP within about twenty school days; a child who
# came into care later than this before a term ended was not expected to have one that term.
FIRST_PEP_WITHIN = timedelta(days=28)


def last_start_expected(term: PepTerm) -> date:
    """The latest day a child could come into care and still be expected to have ``term``'s PEP."""
    return term.due_by - FIRST_PEP_WITHIN


def expected_in(term: PepTerm, looked_after_since: date) -> bool:
    """Whether a child looked after since that day should have had a PEP in ``term``."""
    return looked_after_since <= last_start_expected(term)


def standing(
    term: PepTerm,
    today: date,
    status: str | None,
    *,
    held_last_term: bool = True,
    looked_after_since: date | None = None,
) -> Standing:
    """Where ``term``'s PEP stands on ``today``.

    ``status`` is the term's PEP status (planned, held, signed_off) or None if there is none. A
    planned meeting still counts as due: what matters is that it happened. It is overdue once
    the term's teaching has ended, or straight away if the child missed last term's PEP when
    they were in care long enough to have one.
    """
    if status == "signed_off":
        return Standing.SIGNED_OFF
    if status == "held":
        return Standing.HELD
    if today > term.due_by:
        return Standing.OVERDUE
    missed = not held_last_term and (
        looked_after_since is None or expected_in(term.previous, looked_after_since)
    )
    return Standing.OVERDUE if missed else Standing.DUE
