"""When a key adult's formal supervision is due, and the reasons given."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attune.training.domain.supervision import (
    SupervisionStatus,
    say_weeks,
    supervision_state,
)

TODAY = date(2026, 11, 23)
SINCE = date(2026, 1, 5)


def state(**kw: object) -> object:
    args: dict[str, object] = {
        "key_adult_since": SINCE,
        "last_formal": None,
        "last_other": None,
        "every_weeks": 6,
        "today": TODAY,
    } | kw
    return supervision_state(**args)  # type: ignore[arg-type]


def test_never_supervised_since_becoming_a_key_adult_is_overdue_with_a_reason() -> None:
    found = state()
    assert found.status is SupervisionStatus.OVERDUE  # type: ignore[attr-defined]
    [reason] = found.reasons  # type: ignore[attr-defined]
    assert reason == (
        "No formal supervision recorded since becoming a key adult on 5 January 2026, "
        "46 weeks ago; the school aims for formal supervision every 6 weeks."
    )


def test_a_new_key_adult_is_not_overdue_before_the_first_interval() -> None:
    found = state(key_adult_since=TODAY - timedelta(days=10))
    assert found.status is SupervisionStatus.UP_TO_DATE  # type: ignore[attr-defined]
    assert found.due_on == TODAY + timedelta(days=32)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("days_ago", "expected"),
    [
        (0, SupervisionStatus.UP_TO_DATE),
        (27, SupervisionStatus.UP_TO_DATE),
        (28, SupervisionStatus.DUE_SOON),  # due in 14 days
        (42, SupervisionStatus.DUE_SOON),  # due today
        (43, SupervisionStatus.OVERDUE),
    ],
)
def test_the_edges_of_six_weeks(days_ago: int, expected: SupervisionStatus) -> None:
    found = state(last_formal=TODAY - timedelta(days=days_ago))
    assert found.status is expected  # type: ignore[attr-defined]


def test_peer_supervision_is_mentioned_but_does_not_reset_the_clock() -> None:
    found = state(last_formal=date(2026, 9, 1), last_other=date(2026, 11, 2))
    assert found.status is SupervisionStatus.OVERDUE  # type: ignore[attr-defined]
    assert found.reasons == [  # type: ignore[attr-defined]
        "The last formal supervision was on 1 September 2026, 11 weeks ago; the school aims "
        "for formal supervision every 6 weeks.",
        "There was a peer or informal conversation on 2 November 2026; that helps, but it "
        "does not replace formal supervision.",
    ]


def test_an_interval_below_a_week_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one week"):
        state(every_weeks=0)


def test_weeks_in_words() -> None:
    assert [say_weeks(d) for d in (1, 3, 7, 13, 14)] == [
        "1 day",
        "3 days",
        "1 week",
        "1 week",
        "2 weeks",
    ]


@settings(deadline=None)  # a shared, busy machine: time is not the point
@given(
    last=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)),
    weeks=st.integers(1, 52),
    offset=st.integers(-400, 400),
)
def test_overdue_exactly_when_past_the_interval(last: date, weeks: int, offset: int) -> None:
    today = last + timedelta(weeks=weeks) + timedelta(days=offset)
    found = supervision_state(
        key_adult_since=last - timedelta(days=30),
        last_formal=last,
        last_other=None,
        every_weeks=weeks,
        today=today,
    )
    assert (found.status is SupervisionStatus.OVERDUE) == (offset > 0)
    assert found.due_on == last + timedelta(weeks=weeks)
    assert bool(found.reasons) == (found.status is not SupervisionStatus.UP_TO_DATE)


@settings(deadline=None)  # a shared, busy machine: time is not the point
@given(
    last=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)),
    weeks=st.integers(1, 52),
    gap=st.integers(0, 100),
)
def test_a_newer_formal_session_never_makes_things_worse(last: date, weeks: int, gap: int) -> None:
    today = last + timedelta(days=200)
    order = list(SupervisionStatus)
    older = supervision_state(
        key_adult_since=last, last_formal=last, last_other=None, every_weeks=weeks, today=today
    )
    newer = supervision_state(
        key_adult_since=last,
        last_formal=last + timedelta(days=gap),
        last_other=None,
        every_weeks=weeks,
        today=today,
    )
    assert order.index(newer.status) >= order.index(older.status)
