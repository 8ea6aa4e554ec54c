"""Typical English term dates: six half-terms, in order, on weekdays, around Easter."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attune.attendance.domain.terms import default_terms, easter_sunday, term_starts


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (2024, date(2024, 3, 31)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 5)),
        (2027, date(2027, 3, 28)),
        (2038, date(2038, 4, 25)),
    ],
)
def test_easter_sunday(year: int, easter: date) -> None:
    assert easter_sunday(year) == easter


def test_the_2025_to_2026_year() -> None:
    terms = default_terms(2025)
    assert [t.name for t in terms] == [
        "Autumn 1",
        "Autumn 2",
        "Spring 1",
        "Spring 2",
        "Summer 1",
        "Summer 2",
    ]
    assert terms[0].starts_on == date(2025, 9, 2)
    assert terms[3].ends_on == date(2026, 3, 27)  # the Friday before Good Friday's week
    assert terms[4].starts_on == date(2026, 4, 13)  # the Monday after Easter Monday's week
    assert term_starts(terms)[0] == date(2025, 9, 2)


@given(st.integers(min_value=2000, max_value=2100))
def test_terms_are_in_order_on_weekdays_with_a_break_between(year: int) -> None:
    terms = default_terms(year)
    for term in terms:
        assert term.starts_on.weekday() < 5 and term.ends_on.weekday() < 5
        assert term.starts_on < term.ends_on
    for before, after in itertools.pairwise(terms):
        assert (after.starts_on - before.ends_on).days >= 3  # at least a weekend
    assert terms[0].starts_on.year == year and terms[-1].ends_on.year == year + 1
