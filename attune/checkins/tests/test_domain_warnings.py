from __future__ import annotations

from datetime import date, timedelta

import pytest

from attune.checkins.domain.schedule import Cover, SchoolCalendar, Term
from attune.checkins.domain.warnings import (
    CheckinRecord,
    Outcome,
    WarningError,
    WarningKind,
    missed_in_a_row,
    no_cover,
    not_seen,
)

MON = date(2025, 9, 1)
H, M, D, C = Outcome.HAPPENED, Outcome.MISSED, Outcome.DECLINED, Outcome.COVERED


def records(*outcomes: Outcome) -> list[CheckinRecord]:
    """One check-in per calendar day from MON, in the order given."""
    return [CheckinRecord(MON + timedelta(days=n), o) for n, o in enumerate(outcomes)]


@pytest.mark.parametrize(
    ("outcomes", "threshold", "count"),
    [
        ((), 3, None),
        ((M, M), 3, None),
        ((M, M, M), 3, 3),
        ((H, M, M, M, M), 3, 4),
        ((M, M, M, H), 3, None),
        ((M, M, M, C), 3, None),
        ((M, D, M), 3, 3),
        ((D, D, D), 3, 3),
        ((M, M, H, M, M), 3, None),
        ((M,), 1, 1),
        ((M, M, M), 4, None),
    ],
)
def test_missed_in_a_row(outcomes: tuple[Outcome, ...], threshold: int, count: int | None) -> None:
    warning = missed_in_a_row(records(*outcomes), threshold=threshold)
    if count is None:
        assert warning is None
        return
    assert warning is not None
    assert warning.kind is WarningKind.MISSED_IN_A_ROW
    assert warning.count == count
    assert warning.threshold == threshold
    assert f"last {count} check-ins" in warning.message


def test_missed_run_is_read_in_date_order_not_input_order() -> None:
    shuffled = list(reversed(records(H, M, M, M)))
    warning = missed_in_a_row(shuffled)
    assert warning is not None and warning.since == MON + timedelta(days=1)


def test_same_day_check_ins_use_their_order() -> None:
    day = [CheckinRecord(MON, M, order=0), CheckinRecord(MON, H, order=1)]
    assert missed_in_a_row(day, threshold=1) is None
    day = [CheckinRecord(MON, H, order=0), CheckinRecord(MON, M, order=1)]
    assert missed_in_a_row(day, threshold=1) is not None


@pytest.mark.parametrize(
    ("outcomes", "words"),
    [
        ((M, M, M), "did not happen."),
        ((D, D, D), "the child said no each time"),
        ((M, D, M), "(1 of them because the child said no)"),
    ],
)
def test_missed_message_says_how_many_were_declined(
    outcomes: tuple[Outcome, ...], words: str
) -> None:
    warning = missed_in_a_row(records(*outcomes))
    assert warning is not None and words in warning.message


# Week of 1 September 2025: MON..FRI are school days.
CAL = SchoolCalendar()


@pytest.mark.parametrize(
    ("last_seen", "today", "calendar", "days"),
    [
        (MON, MON + timedelta(days=1), CAL, None),  # Tuesday: nothing missed yet
        (MON, MON + timedelta(days=3), CAL, None),  # Thursday: Tue, Wed missed
        (MON, MON + timedelta(days=4), CAL, 3),  # Friday: Tue, Wed, Thu missed
        # The weekend does not count: seen Thursday, then Fri, Mon, Tue missed -> Wednesday.
        (MON + timedelta(days=3), MON + timedelta(days=9), CAL, 3),
        (MON + timedelta(days=3), MON + timedelta(days=8), CAL, None),
        # A closure day does not count.
        (
            MON,
            MON + timedelta(days=4),
            SchoolCalendar(closures=frozenset({MON + timedelta(2)})),
            None,
        ),
        # Holidays do not count.
        (
            MON,
            MON + timedelta(days=4),
            SchoolCalendar(terms=(Term(MON, MON + timedelta(2)),)),
            None,
        ),
    ],
)
def test_not_seen(last_seen: date, today: date, calendar: SchoolCalendar, days: int | None) -> None:
    warning = not_seen(last_seen=last_seen, known_since=MON, today=today, calendar=calendar)
    if days is None:
        assert warning is None
        return
    assert warning is not None
    assert warning.kind is WarningKind.NOT_SEEN
    assert warning.count == days
    assert f"{days} school days" in warning.message
    assert "last seen" in warning.message


def test_never_seen_counts_from_when_the_adults_were_named() -> None:
    warning = not_seen(last_seen=None, known_since=MON, today=MON + timedelta(days=3), calendar=CAL)
    assert warning is not None
    assert warning.count == 3
    assert warning.since == MON
    assert "yet" in warning.message
    assert not_seen(last_seen=None, known_since=MON, today=MON + timedelta(2), calendar=CAL) is None


@pytest.mark.parametrize(
    ("cover", "warned", "words"),
    [
        (Cover("ka"), False, ""),
        (Cover("ka", key_adult_away=True, co_worker="cw"), False, ""),
        (Cover("ka", key_adult_away=True), True, "no co-worker"),
        (Cover("ka", key_adult_away=True, co_worker="cw", co_worker_away=True), True, "both away"),
        (Cover("ka", co_worker="cw", co_worker_away=True), False, ""),
    ],
)
def test_no_cover(cover: Cover, warned: bool, words: str) -> None:
    warning = no_cover(cover, today=MON)
    assert (warning is not None) == warned
    if warning is not None:
        assert warning.kind is WarningKind.NO_COVER
        assert words in warning.message


def test_thresholds_must_be_positive() -> None:
    with pytest.raises(WarningError) as err:
        missed_in_a_row([], threshold=0)
    assert err.value.code == "warnings.threshold"
    with pytest.raises(WarningError) as err:
        not_seen(last_seen=None, known_since=MON, today=MON, calendar=CAL, threshold=0)
    assert err.value.code == "warnings.threshold"
