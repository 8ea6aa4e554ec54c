from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attune.checkins.domain.schedule import (
    FRIDAY,
    MONDAY,
    WEDNESDAY,
    CheckinPlan,
    Cover,
    DoneBy,
    Moment,
    NoneDue,
    ScheduleError,
    SchoolCalendar,
    Slot,
    Term,
    due_between,
    due_on,
    school_days_between,
)

MON = date(2025, 9, 1)  # a Monday
TUE, WED, THU, FRI, SAT, SUN = (MON + timedelta(days=n) for n in range(1, 7))

START = Slot(Moment.START_OF_DAY, duration_minutes=5, place="the library")
END = Slot(Moment.END_OF_DAY, duration_minutes=10)
LUNCH_WED = Slot(time(12, 30), weekdays=frozenset({WEDNESDAY}), duration_minutes=15)
PLAN = CheckinPlan((END, LUNCH_WED, START), starts_on=MON)
CALENDAR = SchoolCalendar()
HERE = Cover(key_adult="ms-ahmed", co_worker="mr-jones")


def test_an_ordinary_day_lists_the_agreed_check_ins_in_time_order() -> None:
    day = due_on(WED, PLAN, CALENDAR, HERE)
    assert day.none_due is None
    assert [d.slot.label for d in day.due] == ["start of day", "12:30", "end of day"]
    assert {d.done_by for d in day.due} == {DoneBy.KEY_ADULT}
    assert {d.staff for d in day.due} == {"ms-ahmed"}
    assert not any(d.covered for d in day.due)


def test_a_slot_only_applies_on_its_weekdays() -> None:
    assert [d.slot.label for d in due_on(TUE, PLAN, CALENDAR, HERE).due] == [
        "start of day",
        "end of day",
    ]


@pytest.mark.parametrize(
    ("day", "calendar", "absent", "plan", "reason"),
    [
        (SAT, CALENDAR, False, PLAN, NoneDue.WEEKEND),
        (SUN, CALENDAR, False, PLAN, NoneDue.WEEKEND),
        (TUE, SchoolCalendar(closures=frozenset({TUE})), False, PLAN, NoneDue.CLOSED),
        (TUE, SchoolCalendar(terms=(Term(WED, FRI),)), False, PLAN, NoneDue.HOLIDAY),
        (TUE, CALENDAR, True, PLAN, NoneDue.CHILD_ABSENT),
        (TUE, CALENDAR, False, CheckinPlan((START,), starts_on=WED), NoneDue.NOT_STARTED),
        (THU, CALENDAR, False, CheckinPlan((START,), MON, ends_on=WED), NoneDue.ENDED),
        (TUE, CALENDAR, False, CheckinPlan((LUNCH_WED,), MON), NoneDue.NO_SLOT_TODAY),
        # A closure on a weekend still reads as the weekend.
        (SAT, SchoolCalendar(closures=frozenset({SAT})), False, PLAN, NoneDue.WEEKEND),
        # Absent on a closure day: the school being shut is the reason.
        (TUE, SchoolCalendar(closures=frozenset({TUE})), True, PLAN, NoneDue.CLOSED),
    ],
)
def test_days_with_nothing_due_say_why(
    day: date, calendar: SchoolCalendar, absent: bool, plan: CheckinPlan, reason: NoneDue
) -> None:
    result = due_on(day, plan, calendar, HERE, child_absent=absent)
    assert result.due == ()
    assert result.none_due is reason
    assert result.reason_text


def test_plan_start_and_end_days_are_included() -> None:
    plan = CheckinPlan((START,), starts_on=TUE, ends_on=THU)
    assert due_on(TUE, plan, CALENDAR, HERE).due
    assert due_on(THU, plan, CALENDAR, HERE).due


@pytest.mark.parametrize(
    ("cover", "done_by", "staff"),
    [
        (Cover("ka"), DoneBy.KEY_ADULT, "ka"),
        (Cover("ka", key_adult_away=True, co_worker="cw"), DoneBy.CO_WORKER, "cw"),
        (Cover("ka", key_adult_away=True), DoneBy.NOBODY, None),
        (
            Cover("ka", key_adult_away=True, co_worker="cw", co_worker_away=True),
            DoneBy.NOBODY,
            None,
        ),
        # The co-worker being away does not matter when the key adult is in.
        (Cover("ka", co_worker="cw", co_worker_away=True), DoneBy.KEY_ADULT, "ka"),
    ],
)
def test_co_worker_covers_when_the_key_adult_is_away(
    cover: Cover, done_by: DoneBy, staff: str | None
) -> None:
    day = due_on(MON, PLAN, CALENDAR, cover)
    assert [(d.done_by, d.staff) for d in day.due] == [(done_by, staff)] * 2
    assert all(d.covered == (done_by is DoneBy.CO_WORKER) for d in day.due)


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"when": Moment.START_OF_DAY, "weekdays": frozenset()}, "schedule.weekdays"),
        ({"when": Moment.START_OF_DAY, "weekdays": frozenset({7})}, "schedule.weekdays"),
        ({"when": Moment.START_OF_DAY, "duration_minutes": 0}, "schedule.duration"),
        ({"when": Moment.START_OF_DAY, "duration_minutes": 241}, "schedule.duration"),
    ],
)
def test_bad_slots_are_refused(kwargs: dict[str, object], code: str) -> None:
    with pytest.raises(ScheduleError) as err:
        Slot(**kwargs)  # type: ignore[arg-type]
    assert err.value.code == code


def test_plan_cannot_end_before_it_starts() -> None:
    with pytest.raises(ScheduleError) as err:
        CheckinPlan((START,), starts_on=WED, ends_on=TUE)
    assert err.value.code == "schedule.plan_dates"


@pytest.mark.parametrize(
    ("start", "end", "closures", "terms", "expected"),
    [
        (MON, FRI, (), (), 5),
        (MON, SUN, (), (), 5),
        (SAT, SUN, (), (), 0),
        (MON, MON, (), (), 1),
        (FRI, MON + timedelta(days=7), (), (), 2),
        (MON, FRI, (WED,), (), 4),
        (MON, FRI, (SAT,), (), 5),
        (MON, FRI, (), (Term(WED, date(2025, 12, 19)),), 3),
        (FRI, MON, (), (), 0),
    ],
)
def test_school_days_between(
    start: date, end: date, closures: tuple[date, ...], terms: tuple[Term, ...], expected: int
) -> None:
    assert school_days_between(start, end, closures, terms) == expected


@given(st.dates(date(2024, 1, 1), date(2027, 1, 1)), st.integers(0, 60), st.integers(0, 60))
def test_school_days_add_up_over_adjacent_ranges(start: date, first: int, second: int) -> None:
    middle = start + timedelta(days=first)
    end = middle + timedelta(days=second)
    whole = school_days_between(start, end)
    assert whole == school_days_between(start, middle) + school_days_between(
        middle + timedelta(days=1), end
    )
    assert whole <= (end - start).days + 1


@given(st.dates(date(2024, 1, 1), date(2027, 1, 1)))
def test_something_is_due_exactly_on_open_weekdays(day: date) -> None:
    plan = CheckinPlan((START,), starts_on=date(2024, 1, 1))
    result = due_on(day, plan, CALENDAR, HERE)
    assert bool(result.due) == (MONDAY <= day.weekday() <= FRIDAY)


_DAYS = st.dates(date(2025, 8, 25), date(2025, 10, 31))
_SLOTS = st.builds(
    Slot,
    st.sampled_from([Moment.START_OF_DAY, Moment.END_OF_DAY, time(9, 15), time(12, 30)]),
    weekdays=st.frozensets(st.integers(MONDAY, 6), min_size=1),
)


@st.composite
def _plans(draw: st.DrawFn) -> CheckinPlan:
    starts = draw(_DAYS)
    ends = draw(st.none() | st.dates(starts, date(2025, 11, 30)))
    return CheckinPlan(tuple(draw(st.lists(_SLOTS, min_size=1, max_size=3))), starts, ends)


@st.composite
def _calendars(draw: st.DrawFn) -> SchoolCalendar:
    terms = draw(st.lists(st.tuples(_DAYS, st.integers(0, 40)), max_size=2))
    return SchoolCalendar(
        closures=draw(st.frozensets(_DAYS, max_size=8)),
        terms=tuple(Term(t, t + timedelta(days=n)) for t, n in terms),
    )


@given(_DAYS, st.integers(0, 45), _plans(), _calendars(), st.booleans(), st.booleans())
def test_due_between_lists_what_due_on_lists_day_by_day_whoever_is_away(
    start: date,
    days: int,
    plan: CheckinPlan,
    calendar: SchoolCalendar,
    key_adult_away: bool,
    co_worker_away: bool,
) -> None:
    end = start + timedelta(days=days)
    cover = Cover("ka", key_adult_away, "cw", co_worker_away)
    expected = [
        (start + timedelta(days=n), due.slot)
        for n in range(days + 1)
        for due in due_on(start + timedelta(days=n), plan, calendar, cover).due
    ]
    assert list(due_between(start, end, plan, calendar)) == expected


def test_due_between_is_empty_when_the_range_ends_before_it_starts() -> None:
    assert list(due_between(TUE, MON, PLAN, CALENDAR)) == []
