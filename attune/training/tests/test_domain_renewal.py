"""Renewal dates and standing: month ends, leap years, once-only courses."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attune.training.domain.renewal import (
    Standing,
    add_months,
    due_on,
    renewal_label,
    standing,
)

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))
intervals = st.integers(min_value=1, max_value=120)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2025, 3, 14), 12, date(2026, 3, 14)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2024, 2, 29), 36, date(2027, 2, 28)),
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2025, 10, 31), 1, date(2025, 11, 30)),
        (date(2025, 12, 15), 1, date(2026, 1, 15)),
        (date(2025, 12, 31), 36, date(2028, 12, 31)),
        (date(2025, 5, 5), 0, date(2025, 5, 5)),
    ],
)
def test_add_months_keeps_inside_the_target_month(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def test_negative_months_and_zero_intervals_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_months(date(2025, 1, 1), -1)
    with pytest.raises(ValueError, match="at least one month"):
        due_on(date(2025, 1, 1), 0)


TODAY = date(2026, 3, 1)


@pytest.mark.parametrize(
    ("attended", "every", "within", "expected", "due"),
    [
        ([], 12, 30, Standing.NOT_TRAINED, None),
        ([date(2026, 3, 2)], 12, 30, Standing.NOT_TRAINED, None),  # future dates do not count
        ([date(2025, 3, 1)], 12, 30, Standing.DUE_SOON, date(2026, 3, 1)),  # due today
        ([date(2025, 2, 28)], 12, 30, Standing.OVERDUE, date(2026, 2, 28)),
        ([date(2025, 3, 31)], 12, 30, Standing.DUE_SOON, date(2026, 3, 31)),
        ([date(2025, 4, 1)], 12, 30, Standing.UP_TO_DATE, date(2026, 4, 1)),
        ([date(2025, 4, 1)], 12, 31, Standing.DUE_SOON, date(2026, 4, 1)),
        ([date(2020, 1, 1)], None, 30, Standing.UP_TO_DATE, None),  # once is for ever
        ([date(2022, 1, 1), date(2025, 6, 1)], 12, 30, Standing.UP_TO_DATE, date(2026, 6, 1)),
        ([date(2025, 6, 1), date(2022, 1, 1)], 12, 30, Standing.UP_TO_DATE, date(2026, 6, 1)),
        ([date(2023, 3, 1)], 36, 0, Standing.DUE_SOON, date(2026, 3, 1)),
    ],
)
def test_standing_table(
    attended: list[date], every: int | None, within: int, expected: Standing, due: date | None
) -> None:
    found = standing(attended, every, today=TODAY, within_days=within)
    assert found.standing is expected
    assert found.due == due


def test_leap_day_training_renews_on_the_last_day_of_february() -> None:
    found = standing([date(2024, 2, 29)], 12, today=date(2025, 3, 1), within_days=0)
    assert found.due == date(2025, 2, 28)
    assert found.standing is Standing.OVERDUE
    assert found.days_overdue(date(2025, 3, 1)) == 1


def test_labels() -> None:
    assert [renewal_label(m) for m in (None, 1, 12, 36, 18)] == [
        "Once",
        "Every month",
        "Every year",
        "Every 3 years",
        "Every 18 months",
    ]
    assert Standing.OVERDUE.label == "Overdue"
    assert not Standing.UP_TO_DATE.needs_action


@settings(deadline=None)  # a shared, busy machine: time is not the point
@given(start=days, months=intervals)
def test_renewal_is_later_by_about_that_many_months(start: date, months: int) -> None:
    due = due_on(start, months)
    assert due is not None
    assert 28 * months <= (due - start).days <= 31 * months
    assert due.day <= start.day
    assert (due.year * 12 + due.month) - (start.year * 12 + start.month) == months
    if start.day <= 28:
        assert due.day == start.day
    else:
        assert due.day == min(start.day, calendar.monthrange(due.year, due.month)[1])


@settings(deadline=None)  # a shared, busy machine: time is not the point
@given(start=days, first=st.integers(0, 60), second=st.integers(0, 60))
def test_adding_months_is_monotonic(start: date, first: int, second: int) -> None:
    low, high = sorted((first, second))
    assert add_months(start, low) <= add_months(start, high)


@settings(deadline=None)  # a shared, busy machine: time is not the point
@given(earlier=days, gap=st.integers(0, 400), months=intervals)
def test_a_later_attendance_never_makes_the_due_date_earlier(
    earlier: date, gap: int, months: int
) -> None:
    later = earlier + timedelta(days=gap)
    first, second = due_on(earlier, months), due_on(later, months)
    assert first is not None and second is not None
    assert first <= second


@settings(deadline=None)  # a shared, busy machine: time is not the point
@given(attended=st.lists(days, max_size=5), today=days, within=st.integers(0, 365))
def test_once_only_courses_are_never_overdue_or_due(
    attended: list[date], today: date, within: int
) -> None:
    found = standing(attended, None, today=today, within_days=within)
    assert found.standing in (Standing.NOT_TRAINED, Standing.UP_TO_DATE)
    assert found.due is None
    assert found.days_overdue(today) == 0


ORDER = [Standing.UP_TO_DATE, Standing.DUE_SOON, Standing.OVERDUE]


@settings(deadline=None)  # a shared, busy machine: time is not the point
@given(
    attended=days,
    months=intervals,
    later=st.integers(0, 2000),
    step=st.integers(0, 400),
    within=st.integers(0, 120),
)
def test_standing_only_gets_worse_as_time_passes(
    attended: date, months: int, later: int, step: int, within: int
) -> None:
    first_day = attended + timedelta(days=later)
    second_day = first_day + timedelta(days=step)
    first = standing([attended], months, today=first_day, within_days=within)
    second = standing([attended], months, today=second_day, within_days=within)
    assert ORDER.index(first.standing) <= ORDER.index(second.standing)


@settings(deadline=None)  # a shared, busy machine: time is not the point
@given(attended=days, months=intervals, within=st.integers(0, 120))
def test_overdue_exactly_from_the_day_after_the_due_date(
    attended: date, months: int, within: int
) -> None:
    due = due_on(attended, months)
    assert due is not None
    assert standing([attended], months, today=due, within_days=within).standing is (
        Standing.DUE_SOON
    )
    after = standing([attended], months, today=due + timedelta(days=1), within_days=within)
    assert after.standing is Standing.OVERDUE
    assert after.days_overdue(due + timedelta(days=1)) == 1
