"""The retention date rules: tables for the edges, hypothesis for every other day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attune.privacy.domain.retention import (
    DEFAULT_RULES,
    KEEP,
    Basis,
    Rule,
    academic_year_end,
    add_years,
    cutoff,
    default_rule,
    expires_on,
    is_due,
    subtract_years,
)

# The suite shares a busy machine: a slow draw is not a failed rule.
RELAXED = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
YEARS_3 = Rule(Basis.AFTER_ACADEMIC_YEAR, 3)
days = st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31))
rules = st.builds(
    Rule,
    st.sampled_from([Basis.CHILD_AGE, Basis.AFTER_ACADEMIC_YEAR, Basis.AFTER_DATE]),
    st.integers(min_value=1, max_value=40),
)


@pytest.mark.parametrize(
    ("day", "end"),
    [
        (date(2024, 8, 31), date(2024, 8, 31)),
        (date(2024, 9, 1), date(2025, 8, 31)),
        (date(2025, 1, 15), date(2025, 8, 31)),
        (date(2023, 12, 31), date(2024, 8, 31)),
    ],
)
def test_the_school_year_ends_on_31_august(day: date, end: date) -> None:
    assert academic_year_end(day) == end


@pytest.mark.parametrize(
    ("day", "years", "later"),
    [
        (date(2016, 2, 29), 25, date(2041, 3, 1)),  # 2041 has no 29 February
        (date(2016, 2, 29), 24, date(2040, 2, 29)),
        (date(2016, 2, 28), 25, date(2041, 2, 28)),
        (date(2016, 3, 1), 25, date(2041, 3, 1)),
    ],
)
def test_adding_years_moves_29_february_to_1_march(day: date, years: int, later: date) -> None:
    assert add_years(day, years) == later


@pytest.mark.parametrize(
    ("rule", "record", "born", "last_day"),
    [
        (Rule(Basis.CHILD_AGE, 25), date(2020, 1, 1), date(2016, 2, 29), date(2041, 2, 28)),
        (Rule(Basis.CHILD_AGE, 25), date(2020, 1, 1), date(2016, 6, 5), date(2041, 6, 4)),
        # Attendance for 31 August 2024 belongs to 2023-24; the next day to 2024-25.
        (YEARS_3, date(2024, 8, 31), date(2016, 1, 1), date(2027, 8, 31)),
        (YEARS_3, date(2024, 9, 1), date(2016, 1, 1), date(2028, 8, 31)),
        (Rule(Basis.AFTER_DATE, 6), date(2020, 2, 29), date(2016, 1, 1), date(2026, 3, 1)),
        (KEEP, date(1990, 1, 1), date(1980, 1, 1), None),
    ],
)
def test_the_last_day_a_record_is_kept(
    rule: Rule, record: date, born: date, last_day: date | None
) -> None:
    assert expires_on(rule, record_date=record, date_of_birth=born) == last_day


def test_a_child_born_on_29_february_keeps_their_record_until_1_march() -> None:
    rule = Rule(Basis.CHILD_AGE, 25)
    born = date(2016, 2, 29)
    assert not is_due(rule, today=date(2041, 2, 28), record_date=born, date_of_birth=born)
    assert is_due(rule, today=date(2041, 3, 1), record_date=born, date_of_birth=born)


@RELAXED
@given(rule=rules, today=days, day=days)
def test_the_cutoff_agrees_with_the_rule_for_every_day(rule: Rule, today: date, day: date) -> None:
    due = is_due(rule, today=today, record_date=day, date_of_birth=day)
    edge = cutoff(rule, today)
    assert edge is not None
    assert due == (day < edge)


@RELAXED
@given(today=days, day=days)
def test_keep_never_removes_anything(today: date, day: date) -> None:
    assert cutoff(KEEP, today) is None
    assert not is_due(KEEP, today=today, record_date=day, date_of_birth=day)


@RELAXED
@given(day=days, years=st.integers(min_value=1, max_value=40))
def test_subtracting_years_undoes_adding_them(day: date, years: int) -> None:
    earliest = subtract_years(day, years)
    assert add_years(earliest, years) >= day
    assert add_years(earliest - timedelta(days=1), years) < day


def test_unknown_kinds_are_kept_and_safeguarding_flags_are_never_removed_automatically() -> None:
    assert default_rule("somenewapp.note") == KEEP
    assert DEFAULT_RULES["people.cohortmembership"] == KEEP


def test_a_period_must_be_sensible() -> None:
    with pytest.raises(ValueError, match="between 1 and 150"):
        Rule(Basis.AFTER_DATE, 0)
