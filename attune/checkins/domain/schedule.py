"""Which check-ins are due for a child on a given day, and who should do them.

A check-in plan is agreed with the child (KA-7): a few slots such as "start of day" and
"end of day" (the common pattern in the Kent relational approaches toolkit), or a clock
time, on chosen weekdays, for a set number of minutes. This module turns that plan, the
school calendar, the child's attendance and the adults' availability into the list of
check-ins due today, or a plain reason why none are due.

When the key adult is away, their named co-worker does the check-in (KP-7). When neither
can, the check-in is still due but has nobody to do it; ``warnings.py`` raises that.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from enum import StrEnum
from functools import lru_cache


class ScheduleError(ValueError):
    """Bad plan data; ``code`` is stable for tests and callers."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class Moment(StrEnum):
    """Times of day named the way schools say them, not as clock times."""

    START_OF_DAY = "start of day"
    END_OF_DAY = "end of day"


# Weekdays as ``date.weekday()`` counts them: Monday is 0.
MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY = range(7)
SCHOOL_WEEK = frozenset({MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY})


@dataclass(frozen=True, slots=True)
class Slot:
    when: Moment | time
    weekdays: frozenset[int] = SCHOOL_WEEK
    duration_minutes: int = 10
    place: str = ""

    def __post_init__(self) -> None:
        if not self.weekdays or not self.weekdays <= frozenset(range(7)):
            raise ScheduleError(
                "Choose at least one day from Monday to Sunday.", "schedule.weekdays"
            )
        if not 1 <= self.duration_minutes <= 240:
            raise ScheduleError(
                "A check-in lasts between 1 minute and 4 hours.", "schedule.duration"
            )

    @property
    def label(self) -> str:
        return self.when.value if isinstance(self.when, Moment) else self.when.strftime("%H:%M")

    def sort_key(self) -> time:
        """Start of day comes before any clock time and end of day after all of them."""
        if self.when is Moment.START_OF_DAY:
            return time.min
        if self.when is Moment.END_OF_DAY:
            return time.max
        return self.when


@dataclass(frozen=True, slots=True)
class CheckinPlan:
    slots: tuple[Slot, ...]
    starts_on: date
    ends_on: date | None = None

    def __post_init__(self) -> None:
        if self.ends_on is not None and self.ends_on < self.starts_on:
            raise ScheduleError("A plan cannot end before it starts.", "schedule.plan_dates")


@dataclass(frozen=True, slots=True)
class Term:
    starts_on: date
    ends_on: date


@dataclass(frozen=True, slots=True)
class SchoolCalendar:
    """Closure days (INSET, bank holidays, snow days) and, if known, the term dates.

    With no terms given, every weekday that is not a closure counts as a school day.
    """

    closures: frozenset[date] = frozenset()
    terms: tuple[Term, ...] = ()

    def in_term(self, day: date) -> bool:
        return not self.terms or any(t.starts_on <= day <= t.ends_on for t in self.terms)

    def is_school_day(self, day: date) -> bool:
        return day.weekday() < SATURDAY and day not in self.closures and self.in_term(day)


@dataclass(frozen=True, slots=True)
class Cover:
    """Who is around today. Ids are whatever the caller uses for staff (pk, uuid)."""

    key_adult: str
    key_adult_away: bool = False
    co_worker: str | None = None
    co_worker_away: bool = False


class DoneBy(StrEnum):
    KEY_ADULT = "key_adult"
    CO_WORKER = "co_worker"
    NOBODY = "nobody"


class NoneDue(StrEnum):
    WEEKEND = "weekend"
    CLOSED = "closed"
    HOLIDAY = "holiday"
    CHILD_ABSENT = "child_absent"
    NOT_STARTED = "not_started"
    ENDED = "ended"
    NO_SLOT_TODAY = "no_slot_today"


NONE_DUE_TEXT: dict[NoneDue, str] = {
    NoneDue.WEEKEND: "It is the weekend.",
    NoneDue.CLOSED: "School is closed today.",
    NoneDue.HOLIDAY: "It is the school holidays.",
    NoneDue.CHILD_ABSENT: "The child is not in school today.",
    NoneDue.NOT_STARTED: "The check-in plan has not started yet.",
    NoneDue.ENDED: "The check-in plan has ended.",
    NoneDue.NO_SLOT_TODAY: "No check-in was agreed for this day of the week.",
}


@dataclass(frozen=True, slots=True)
class DueCheckin:
    slot: Slot
    done_by: DoneBy
    staff: str | None

    @property
    def covered(self) -> bool:
        return self.done_by is DoneBy.CO_WORKER


@dataclass(frozen=True, slots=True)
class DayCheckins:
    on: date
    due: tuple[DueCheckin, ...]
    none_due: NoneDue | None = None

    @property
    def reason_text(self) -> str:
        return NONE_DUE_TEXT[self.none_due] if self.none_due else ""


def who_does_it(cover: Cover) -> tuple[DoneBy, str | None]:
    if not cover.key_adult_away:
        return DoneBy.KEY_ADULT, cover.key_adult
    if cover.co_worker is not None and not cover.co_worker_away:
        return DoneBy.CO_WORKER, cover.co_worker
    return DoneBy.NOBODY, None


def why_none_due(
    day: date, plan: CheckinPlan, calendar: SchoolCalendar, *, child_absent: bool
) -> NoneDue | None:
    """The first reason, in the order a reader would expect, that nothing is due."""
    if day < plan.starts_on:
        return NoneDue.NOT_STARTED
    if plan.ends_on is not None and day > plan.ends_on:
        return NoneDue.ENDED
    if day.weekday() >= SATURDAY:
        return NoneDue.WEEKEND
    if day in calendar.closures:
        return NoneDue.CLOSED
    if not calendar.in_term(day):
        return NoneDue.HOLIDAY
    if child_absent:
        return NoneDue.CHILD_ABSENT
    return None


def due_on(
    day: date,
    plan: CheckinPlan,
    calendar: SchoolCalendar,
    cover: Cover,
    *,
    child_absent: bool = False,
) -> DayCheckins:
    """The check-ins due on ``day``, earliest first, or the reason there are none."""
    reason = why_none_due(day, plan, calendar, child_absent=child_absent)
    if reason is not None:
        return DayCheckins(day, (), reason)
    slots = sorted((s for s in plan.slots if day.weekday() in s.weekdays), key=Slot.sort_key)
    if not slots:
        return DayCheckins(day, (), NoneDue.NO_SLOT_TODAY)
    done_by, staff = who_does_it(cover)
    return DayCheckins(day, tuple(DueCheckin(s, done_by, staff) for s in slots))


def due_between(
    start: date, end: date, plan: CheckinPlan, calendar: SchoolCalendar
) -> Iterator[tuple[date, Slot]]:
    """Each check-in due from ``start`` to ``end`` (both included), day by day, earliest
    first: what ``due_on`` lists for every day of the range for a child in school.

    Who is around does not change what is due (only who does it), so no cover is asked for.
    Counting weeks of check-ins for a whole school (hundreds of plans, four weeks each), this
    sorts each plan's slots once per weekday rather than once per day.
    """
    first = max(start, plan.starts_on)
    last = end if plan.ends_on is None else min(end, plan.ends_on)
    by_weekday = [
        sorted((s for s in plan.slots if weekday in s.weekdays), key=Slot.sort_key)
        for weekday in range(7)
    ]
    for day, weekday in _school_days(calendar, first, last):
        for slot in by_weekday[weekday]:
            yield day, slot


@lru_cache(maxsize=64)
def _school_days(calendar: SchoolCalendar, first: date, last: date) -> tuple[tuple[date, int], ...]:
    """The school days from ``first`` to ``last`` with their weekdays: the same for most of
    a school's plans, so worked out once for them all."""
    return tuple((d, d.weekday()) for d in _days(first, last) if calendar.is_school_day(d))


def school_days_between(
    start: date, end: date, closures: Iterable[date] = (), terms: Sequence[Term] = ()
) -> int:
    """School days from ``start`` to ``end``, both included; 0 when ``end`` is before ``start``.

    A school day is a weekday that is not a closure and (when terms are given) is in term.
    """
    calendar = SchoolCalendar(frozenset(closures), tuple(terms))
    return sum(1 for day in _days(start, end) if calendar.is_school_day(day))


def _days(start: date, end: date) -> Iterable[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)
