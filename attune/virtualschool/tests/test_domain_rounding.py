"""Rounding counts to a base: plain properties, no Django."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attune.virtualschool.domain.rounding import bounds, round_count


@pytest.mark.parametrize(
    ("value", "shown"), [(0, 0), (1, 0), (2, 0), (3, 5), (5, 5), (7, 5), (8, 10), (12, 10)]
)
def test_to_the_nearest_five(value: int, shown: int) -> None:
    assert round_count(value, 5) == shown


@given(st.integers(0, 10_000), st.sampled_from([1, 2, 5, 10]))
def test_a_rounded_count_is_near_and_its_bounds_hold_the_truth(value: int, base: int) -> None:
    shown = round_count(value, base)
    assert shown % base == 0
    assert abs(shown - value) <= base // 2
    low, high = bounds(shown, base)
    assert low <= value <= high


@given(st.integers(0, 10_000), st.integers(0, 10_000))
def test_rounding_keeps_order(a: int, b: int) -> None:
    if a <= b:
        assert round_count(a, 5) <= round_count(b, 5)


def test_base_one_changes_nothing() -> None:
    assert [round_count(v, 1) for v in range(7)] == list(range(7))
    assert bounds(4, 1) == (4, 4)
