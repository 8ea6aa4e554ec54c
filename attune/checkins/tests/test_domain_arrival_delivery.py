"""Pure rules: where the register puts a child, and when a failed email is tried again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attune.checkins.domain.arrival import Arrival, arrival, mark_to_read
from attune.checkins.domain.delivery import LONGEST_WAIT, MAX_ATTEMPTS, next_attempt_at

AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("/", Arrival.IN_SCHOOL),
        ("\\", Arrival.IN_SCHOOL),
        ("L", Arrival.IN_SCHOOL),
        ("K", Arrival.IN_SCHOOL),  # an approved activity counts as present
        ("I", Arrival.ABSENT),
        ("O", Arrival.ABSENT),
        ("U", Arrival.ABSENT),  # late after the register closed is an absence
        ("X", Arrival.NOT_EXPECTED),
        ("#", Arrival.NOT_EXPECTED),
        ("", Arrival.NO_MARK),
        (None, Arrival.NO_MARK),
        ("?", Arrival.NO_MARK),
    ],
)
def test_a_register_code_says_where_the_child_is(code: str | None, expected: Arrival) -> None:
    assert arrival(code) is expected


@pytest.mark.parametrize(
    ("am", "pm", "afternoon", "expected"),
    [
        ("/", "I", False, "/"),  # the morning: the morning's mark
        ("/", "I", True, "I"),  # after noon: the afternoon's mark
        ("/", None, True, "/"),  # after noon, afternoon register not taken yet
        (None, None, True, None),
        ("", "", False, ""),
    ],
)
def test_the_afternoon_mark_counts_once_there_is_one(
    am: str | None, pm: str | None, afternoon: bool, expected: str | None
) -> None:
    assert mark_to_read(am, pm, afternoon=afternoon) == expected


@pytest.mark.parametrize(
    ("attempts", "wait"),
    [(1, 1), (2, 2), (3, 4), (4, 8), (5, 16)],
)
def test_failed_emails_wait_longer_each_time(attempts: int, wait: int) -> None:
    assert next_attempt_at(attempts, AT) == AT + timedelta(minutes=wait)


def test_after_the_last_attempt_the_worker_stops_trying() -> None:
    assert next_attempt_at(MAX_ATTEMPTS, AT) is None


def test_asking_before_any_attempt_is_a_mistake() -> None:
    with pytest.raises(ValueError, match="after a failed attempt"):
        next_attempt_at(0, AT)


@given(st.integers(min_value=1, max_value=10_000))
def test_the_wait_is_never_longer_than_an_hour_and_never_goes_back(attempts: int) -> None:
    when = next_attempt_at(attempts, AT)
    assert when is None or AT < when <= AT + LONGEST_WAIT
    later = next_attempt_at(attempts + 1, AT)
    assert when is None or later is None or later >= when
