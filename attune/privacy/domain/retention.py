"""How long each kind of record is kept: pure date rules, no Django.

A rule says when a record is *past its date*. Every rule is turned into one cutoff date for a
given ``today``: a record (or, for age rules, a child's date of birth) strictly before the
cutoff is past its date. One cutoff per kind lets the database select what is due in a single
query, and the tests check the cutoff against the rule day by day.

The school year in England runs from 1 September to 31 August. A child born on 29 February
reaches an age on 1 March in a year without one, so their record is kept that extra day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class Basis(StrEnum):
    KEEP = "keep"  # never removed automatically (reviewed by a person instead)
    CHILD_AGE = "child_age"  # until the child's birthday of ``years``
    AFTER_ACADEMIC_YEAR = "after_academic_year"  # ``years`` after the record's school year ends
    AFTER_DATE = "after_date"  # ``years`` after the record's own date


BASIS_LABELS = {
    Basis.KEEP: "Keep (review by hand)",
    Basis.CHILD_AGE: "Until the child's birthday at this age",
    Basis.AFTER_ACADEMIC_YEAR: "Years after the end of the record's school year",
    Basis.AFTER_DATE: "Years after the record's date",
}


@dataclass(frozen=True, slots=True)
class Rule:
    basis: Basis
    years: int = 0

    def __post_init__(self) -> None:
        if self.basis != Basis.KEEP and not 0 < self.years <= 150:
            raise ValueError("A retention period must be between 1 and 150 years.")

    def describe(self) -> str:
        match self.basis:
            case Basis.KEEP:
                return "Kept until someone reviews it"
            case Basis.CHILD_AGE:
                return f"Until the child's {_ordinal(self.years)} birthday"
            case Basis.AFTER_ACADEMIC_YEAR:
                return f"{_years(self.years)} after the end of the school year it belongs to"
            case Basis.AFTER_DATE:
                return f"{_years(self.years)} after the record's date"


KEEP = Rule(Basis.KEEP)

# Defaults for England, by record kind ("app.model"). Register entries must be kept six years
# (School Attendance (Pupil Registration) (England) Regulations 2024); six years after the
# school year ends covers every entry in it. Any kind not listed is kept: a new kind
# of record is never removed until someone decides how long it should live.
# Sources and reasons: docs/retention.md.
DEFAULT_RULES: dict[str, Rule] = {
    "people.pupil": Rule(Basis.CHILD_AGE, 25),
    "people.pupilneed": Rule(Basis.CHILD_AGE, 25),
    "people.cohortmembership": KEEP,  # holds child protection and social care flags
    "relationships.keyadultrelationship": Rule(Basis.CHILD_AGE, 25),
    "relationships.trustedadult": Rule(Basis.CHILD_AGE, 25),
    "relationships.closeteammember": Rule(Basis.CHILD_AGE, 25),
    "relationships.widerteammember": Rule(Basis.CHILD_AGE, 25),
    "plans.plan": Rule(Basis.CHILD_AGE, 25),
    "plans.meeting": Rule(Basis.CHILD_AGE, 25),
    "plans.contactlogentry": Rule(Basis.CHILD_AGE, 25),
    "attendance.sessionmark": Rule(Basis.AFTER_ACADEMIC_YEAR, 6),
    "attendance.lessonmark": Rule(Basis.AFTER_ACADEMIC_YEAR, 6),
    "attendance.markchange": Rule(Basis.AFTER_ACADEMIC_YEAR, 6),
    "checkins.checkin": Rule(Basis.AFTER_ACADEMIC_YEAR, 1),
}

# The audit trail is not removed by Attune at all (see docs/retention.md).
AUDIT_TRAIL_NOTE = "The audit trail is kept: its entries are never removed by Attune."


def default_rule(kind: str) -> Rule:
    return DEFAULT_RULES.get(kind, KEEP)


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later; 29 February becomes 1 March in a year without one."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def subtract_years(day: date, years: int) -> date:
    """The earliest day ``d`` with ``add_years(d, years) >= day`` (the inverse of add_years)."""
    try:
        earlier = day.replace(year=day.year - years)
    except ValueError:  # day is 29 February and that year has none
        return date(day.year - years, 3, 1)
    if day.month == 3 and day.day == 1 and not _is_leap(day.year) and _is_leap(earlier.year):
        return date(earlier.year, 2, 29)  # 29 February ``years`` back also lands on 1 March
    return earlier


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def academic_year_end(day: date) -> date:
    """31 August of the school year (1 September to 31 August) that ``day`` falls in."""
    return date(day.year + 1 if day.month >= 9 else day.year, 8, 31)


def expires_on(rule: Rule, *, record_date: date, date_of_birth: date) -> date | None:
    """The last day a record is kept, or None if the rule keeps it."""
    match rule.basis:
        case Basis.KEEP:
            return None
        case Basis.CHILD_AGE:
            return add_years(date_of_birth, rule.years) - timedelta(days=1)
        case Basis.AFTER_ACADEMIC_YEAR:
            return add_years(academic_year_end(record_date), rule.years)
        case Basis.AFTER_DATE:
            return add_years(record_date, rule.years)


def is_due(rule: Rule, *, today: date, record_date: date, date_of_birth: date) -> bool:
    """Is the record past its date today?"""
    last = expires_on(rule, record_date=record_date, date_of_birth=date_of_birth)
    return last is not None and last < today


def cutoff(rule: Rule, today: date) -> date | None:
    """Records dated (or, for age rules, children born) before this day are past their date.

    None when the rule keeps everything. Equal to :func:`is_due` for every day (tested).
    """
    match rule.basis:
        case Basis.KEEP:
            return None
        case Basis.CHILD_AGE:
            # Born before the day whose birthday at ``years`` falls on or before today.
            return subtract_years(today + timedelta(days=1), rule.years)
        case Basis.AFTER_ACADEMIC_YEAR:
            # The latest 31 August whose expiry (31 August ``years`` later) is before today.
            last_due_year = today.year - rule.years - (0 if today.month >= 9 else 1)
            return date(last_due_year, 9, 1)
        case Basis.AFTER_DATE:
            return subtract_years(today, rule.years)


def _years(count: int) -> str:
    return "1 year" if count == 1 else f"{count} years"


def _ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"
