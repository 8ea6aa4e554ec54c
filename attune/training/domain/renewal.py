"""When a course must be taken again, and whether each person is up to date.

Plain dates in, plain answers out; ``today`` and the look-ahead are always passed in.

Renewal is counted in calendar months from the day the course was attended. A month that has
no such day (31 January plus one month; 29 February plus twelve) ends on its last day, so a
renewal never spills into the month after. A course taken "once" never expires.

A renewal falls *due* on its date and is *overdue* from the day after. "Due soon" means the
due date is today or within the look-ahead.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Standing(StrEnum):
    NOT_TRAINED = "not_trained"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    UP_TO_DATE = "up_to_date"

    @property
    def label(self) -> str:
        return STANDING_LABELS[self]

    @property
    def needs_action(self) -> bool:
        return self is not Standing.UP_TO_DATE


STANDING_LABELS = {
    Standing.NOT_TRAINED: "Not yet trained",
    Standing.OVERDUE: "Overdue",
    Standing.DUE_SOON: "Due soon",
    Standing.UP_TO_DATE: "Up to date",
}


def add_months(start: date, months: int) -> date:
    """``start`` moved on by whole calendar months, kept inside the target month."""
    if months < 0:
        raise ValueError("months must not be negative")
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last_day))


def due_on(attended_on: date, renew_every_months: int | None) -> date | None:
    """The day the course should be taken again, or ``None`` for a course taken once."""
    if renew_every_months is None:
        return None
    if renew_every_months < 1:
        raise ValueError("a renewal interval is at least one month")
    return add_months(attended_on, renew_every_months)


@dataclass(frozen=True, slots=True)
class PersonCourse:
    """One person's standing on one course."""

    standing: Standing
    last_attended: date | None
    due: date | None  # when it must be renewed (or first taken: never, so None)

    def days_overdue(self, today: date) -> int:
        return (today - self.due).days if self.due and today > self.due else 0


def standing(
    attended: Iterable[date], renew_every_months: int | None, *, today: date, within_days: int
) -> PersonCourse:
    """Where someone stands on a course, from every date they attended it.

    Only attendance on or before ``today`` counts; the latest one sets the renewal date.
    """
    if within_days < 0:
        raise ValueError("the look-ahead must not be negative")
    past = [d for d in attended if d <= today]
    if not past:
        return PersonCourse(Standing.NOT_TRAINED, None, None)
    last = max(past)
    due = due_on(last, renew_every_months)
    if due is None:
        return PersonCourse(Standing.UP_TO_DATE, last, None)
    if today > due:
        return PersonCourse(Standing.OVERDUE, last, due)
    if (due - today).days <= within_days:
        return PersonCourse(Standing.DUE_SOON, last, due)
    return PersonCourse(Standing.UP_TO_DATE, last, due)


def renewal_label(renew_every_months: int | None) -> str:
    """How often, in words: "Once", "Every year", "Every 3 years", "Every 18 months"."""
    if renew_every_months is None:
        return "Once"
    if renew_every_months == 12:
        return "Every year"
    if renew_every_months % 12 == 0:
        return f"Every {renew_every_months // 12} years"
    if renew_every_months == 1:
        return "Every month"
    return f"Every {renew_every_months} months"
