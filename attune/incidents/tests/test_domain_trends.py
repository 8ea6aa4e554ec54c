"""Incident trend rules: periods, counts, median time to calm, and the words they produce."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attune.incidents.domain.trends import (
    PERRY_CITATION,
    Direction,
    IncidentPoint,
    Period,
    half_term_of,
    month_of,
    periods_ending,
    summarise,
    trend,
)

TODAY = date(2026, 11, 23)


def test_the_citation_names_bruce_perry() -> None:
    assert "Bruce Perry" in PERRY_CITATION
    assert "regulate, relate, reason" in PERRY_CITATION.lower()


@pytest.mark.parametrize(
    ("day", "label", "starts", "ends"),
    [
        (date(2026, 9, 1), "Autumn 1 26/27", date(2026, 9, 1), date(2026, 10, 31)),
        (date(2026, 11, 23), "Autumn 2 26/27", date(2026, 11, 1), date(2026, 12, 31)),
        (date(2027, 1, 4), "Spring 1 26/27", date(2027, 1, 1), date(2027, 2, 21)),
        (date(2027, 3, 1), "Spring 2 26/27", date(2027, 2, 22), date(2027, 4, 14)),
        (date(2027, 5, 31), "Summer 1 26/27", date(2027, 4, 15), date(2027, 5, 31)),
        (date(2027, 8, 31), "Summer 2 26/27", date(2027, 6, 1), date(2027, 8, 31)),
    ],
)
def test_half_terms(day: date, label: str, starts: date, ends: date) -> None:
    assert half_term_of(day) == Period(starts, ends, label)


def test_months_and_a_window_of_periods() -> None:
    assert month_of(date(2026, 12, 9)) == Period(
        date(2026, 12, 1), date(2026, 12, 31), "December 2026"
    )
    window = periods_ending(TODAY, 3, by_half_term=False)
    assert [p.label for p in window] == ["September 2026", "October 2026", "November 2026"]
    halves = periods_ending(TODAY, 3, by_half_term=True)
    assert [p.label for p in halves] == ["Summer 2 25/26", "Autumn 1 26/27", "Autumn 2 26/27"]


def _points(*rows: tuple[date, int | None]) -> list[IncidentPoint]:
    return [IncidentPoint(on, minutes) for on, minutes in rows]


def test_fewer_incidents_and_quicker_calm_in_plain_words() -> None:
    points = _points(
        (date(2026, 9, 3), 30),
        (date(2026, 9, 10), 20),
        (date(2026, 9, 17), 25),
        (date(2026, 10, 8), 10),
        (date(2026, 10, 20), None),
        (date(2026, 11, 2), 45),  # November is still running: shown, not compared
    )
    summaries = summarise(points, periods_ending(TODAY, 3, by_half_term=False), today=TODAY)
    assert [(s.incidents, s.timed, s.median_minutes, s.complete) for s in summaries] == [
        (3, 3, 25, True),
        (2, 1, 10, True),
        (1, 1, 45, False),
    ]
    result = trend(summaries)
    assert result.incidents == Direction.FALLING
    assert result.minutes == Direction.FALLING
    assert result.sentences == (
        "Fewer incidents: 2 in October 2026, against 3 in September 2026.",
        "Time to calm is falling: a median of 10 minutes in October 2026, "
        "against 25 in September 2026.",
    )


def test_rising_and_steady() -> None:
    points = _points((date(2026, 9, 3), 5), (date(2026, 10, 3), 9), (date(2026, 10, 9), 5))
    summaries = summarise(points, periods_ending(TODAY, 3, by_half_term=False), today=TODAY)
    result = trend(summaries)
    assert (result.incidents, result.minutes) == (Direction.RISING, Direction.RISING)
    same = _points((date(2026, 9, 3), 5), (date(2026, 10, 3), 5))
    steady = trend(summarise(same, periods_ending(TODAY, 3, by_half_term=False), today=TODAY))
    assert (steady.incidents, steady.minutes) == (Direction.STEADY, Direction.STEADY)


def test_untimed_incidents_cannot_show_a_time_trend() -> None:
    points = _points((date(2026, 9, 3), None), (date(2026, 10, 3), 12))
    result = trend(summarise(points, periods_ending(TODAY, 3, by_half_term=False), today=TODAY))
    assert result.incidents == Direction.STEADY
    assert result.minutes == Direction.NOT_ENOUGH
    assert result.sentences[-1] == "Too few timed incidents to compare the time to calm."


def test_nothing_recorded_is_not_a_trend() -> None:
    summaries = summarise([], periods_ending(TODAY, 6, by_half_term=True), today=TODAY)
    assert all(s.incidents == 0 and s.median_minutes is None for s in summaries)
    result = trend(summaries)
    assert result.incidents == result.minutes == Direction.NOT_ENOUGH
    assert result.sentences == ("Not enough recorded yet to see a trend.",)
    only_current = summarise(
        [IncidentPoint(TODAY, 4)], periods_ending(TODAY, 1, by_half_term=False), today=TODAY
    )
    assert trend(only_current).incidents == Direction.NOT_ENOUGH


days = st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31))
points = st.lists(
    st.builds(IncidentPoint, days, st.one_of(st.none(), st.integers(0, 240))), max_size=40
)


@given(days)
def test_every_day_falls_in_exactly_one_half_term_and_month(day: date) -> None:
    for period in (half_term_of(day), month_of(day)):
        assert period.holds(day)
        assert not period.holds(period.starts_on - timedelta(days=1))
        assert not period.holds(period.ends_on + timedelta(days=1))


@given(points, days, st.booleans(), st.integers(1, 8))
def test_counts_add_up_and_medians_stay_within_the_times(
    incidents: list[IncidentPoint], today: date, by_half_term: bool, count: int
) -> None:
    periods = periods_ending(today, count, by_half_term=by_half_term)
    summaries = summarise(incidents, periods, today=today)
    inside = [i for i in incidents if periods[0].starts_on <= i.on <= periods[-1].ends_on]
    assert sum(s.incidents for s in summaries) == len(inside)
    assert [s.period for s in summaries] == sorted(periods)
    assert all(a.ends_on + timedelta(days=1) == b.starts_on for a, b in pairwise(periods))
    for s in summaries:
        times = [
            i.minutes_to_calm
            for i in inside
            if s.period.holds(i.on) and i.minutes_to_calm is not None
        ]
        assert s.timed == len(times)
        if times:
            assert s.median_minutes is not None
            assert min(times) <= s.median_minutes <= max(times)
    assert not summaries[-1].complete  # the period holding today is never complete


@given(st.integers(0, 20), st.integers(0, 20), st.integers(1, 90), st.integers(1, 90))
def test_swapping_the_two_periods_turns_falling_into_rising(
    first: int, second: int, early_minutes: int, late_minutes: int
) -> None:
    september, october = date(2026, 9, 10), date(2026, 10, 10)
    window = periods_ending(TODAY, 3, by_half_term=False)

    def run(a: int, b: int, ma: int, mb: int) -> tuple[Direction, Direction]:
        made = [IncidentPoint(september, ma)] * a + [IncidentPoint(october, mb)] * b
        result = trend(summarise(made, window, today=TODAY))
        return result.incidents, result.minutes

    forwards = run(first, second, early_minutes, late_minutes)
    backwards = run(second, first, late_minutes, early_minutes)
    flip = {Direction.FALLING: Direction.RISING, Direction.RISING: Direction.FALLING}
    if first or second:
        assert backwards[0] == flip.get(forwards[0], forwards[0])
    if first and second:
        assert backwards[1] == flip.get(forwards[1], forwards[1])
