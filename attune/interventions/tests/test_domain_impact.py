"""Impact rules: direction of the scale, missing follow-ups, nobody measured yet."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attune.interventions.domain.impact import (
    Impact,
    MeasurePair,
    describe_change,
    impact,
    improvement,
    in_range,
)

scores = st.floats(min_value=0, max_value=200, allow_nan=False).map(lambda x: round(x, 1))
pairs = st.lists(
    st.builds(MeasurePair, st.one_of(st.none(), scores), st.one_of(st.none(), scores)),
    max_size=30,
)


@pytest.mark.parametrize(
    ("baseline", "follow_up", "higher_is_better", "expected"),
    [
        (20, 26, True, 6),  # a Boxall strand rose: better
        (20, 14, True, -6),
        (24, 18, False, 6),  # an SDQ total fell: better
        (18, 24, False, -6),
        (10, 10, False, 0),
        (10, None, True, None),  # no follow-up yet
        (None, None, True, None),
    ],
)
def test_improvement_is_positive_when_the_child_moved_the_good_way(
    baseline: float | None, follow_up: float | None, higher_is_better: bool, expected: float | None
) -> None:
    pair = MeasurePair(baseline, follow_up)
    assert improvement(pair, higher_is_better=higher_is_better) == expected


def test_an_sdq_example_in_numbers() -> None:
    result = impact(
        [
            MeasurePair(24, 18),
            MeasurePair(20, 17),
            MeasurePair(15, 16),
            MeasurePair(22, 22),
            MeasurePair(19, None),
        ],
        higher_is_better=False,
    )
    assert result == Impact(
        allocated=5,
        measured=4,
        improved=2,
        unchanged=1,
        worsened=1,
        median_improvement=1.5,
        mean_improvement=2.0,
    )
    assert result.awaiting_follow_up == 1
    assert result.summary == (
        "2 of 4 children with both measures moved the good way; "
        "the median change was 1.5 points better."
    )


def test_nobody_measured_yet_says_so_plainly() -> None:
    empty = impact([], higher_is_better=True)
    assert empty == Impact(0, 0, 0, 0, 0, None, None)
    assert empty.summary == "No child has both a baseline and a follow-up yet."
    waiting = impact([MeasurePair(10, None), MeasurePair(None, None)], higher_is_better=True)
    assert (waiting.allocated, waiting.measured, waiting.median_improvement) == (2, 0, None)
    assert waiting.awaiting_follow_up == 2


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (2.5, "2.5 points better"),
        (1, "1 point better"),
        (-1, "1 point worse"),
        (-3.25, "3.2 points worse"),
        (0, "no change"),
        (0.04, "no change"),
        (None, "not known yet"),
    ],
)
def test_changes_in_words(value: float | None, words: str) -> None:
    assert describe_change(value) == words


def test_in_range_includes_both_ends() -> None:
    assert in_range(0, lowest=0, highest=40)
    assert in_range(40, lowest=0, highest=40)
    assert not in_range(40.5, lowest=0, highest=40)
    assert not in_range(-1, lowest=0, highest=40)


@given(pairs)
def test_every_measured_child_is_counted_once(everyone: list[MeasurePair]) -> None:
    result = impact(everyone, higher_is_better=True)
    assert result.allocated == len(everyone)
    assert result.measured == sum(1 for p in everyone if p.complete)
    assert result.improved + result.unchanged + result.worsened == result.measured
    assert (result.median_improvement is None) == (result.measured == 0)


@given(pairs)
def test_turning_the_scale_round_swaps_better_and_worse(everyone: list[MeasurePair]) -> None:
    up = impact(everyone, higher_is_better=True)
    down = impact(everyone, higher_is_better=False)
    assert (up.improved, up.unchanged, up.worsened) == (
        down.worsened,
        down.unchanged,
        down.improved,
    )
    if up.median_improvement is not None:
        assert down.median_improvement == pytest.approx(-up.median_improvement)
        assert down.mean_improvement == pytest.approx(-(up.mean_improvement or 0))


@given(pairs)
def test_the_median_lies_between_the_smallest_and_largest_change(
    everyone: list[MeasurePair],
) -> None:
    changes = [
        c for c in (improvement(p, higher_is_better=False) for p in everyone) if c is not None
    ]
    result = impact(everyone, higher_is_better=False)
    if changes:
        assert result.median_improvement is not None
        assert min(changes) <= result.median_improvement <= max(changes)
        assert result.improved == sum(1 for c in changes if c > 0)
