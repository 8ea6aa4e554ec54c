from __future__ import annotations

from datetime import date

import pytest

from attune.checkins.domain.attunement import (
    CITATION,
    Change,
    Direction,
    LevelRecord,
    Principle,
    can_set_guiding_target,
    progress,
)

P = Principle


def test_principles_are_in_order() -> None:
    assert list(P) == [
        P.BEING_ATTENTIVE,
        P.ENCOURAGING_INITIATIVES,
        P.RECEIVING_INITIATIVES,
        P.ATTUNED_INTERACTIONS,
        P.GUIDING,
    ]
    assert P.BEING_ATTENTIVE < P.ATTUNED_INTERACTIONS < P.GUIDING
    assert next(p.label for p in P) == "Being attentive"
    assert all(p.description for p in P)


def test_citation_names_the_book() -> None:
    assert "Kennedy, H., Landor, M. & Todd, L." in CITATION
    assert "Jessica Kingsley" in CITATION


@pytest.mark.parametrize(
    ("level", "allowed"),
    [
        (None, False),
        (P.BEING_ATTENTIVE, False),
        (P.ENCOURAGING_INITIATIVES, False),
        (P.RECEIVING_INITIATIVES, False),
        (P.ATTUNED_INTERACTIONS, True),
        (P.GUIDING, True),
    ],
)
def test_guiding_targets_wait_for_attunement(level: Principle | None, allowed: bool) -> None:
    decision = can_set_guiding_target(level)
    assert decision.allowed is allowed
    assert decision.reason
    if not allowed:
        assert "held back" in decision.reason


def test_refusal_names_the_current_level() -> None:
    assert "receiving initiatives" in can_set_guiding_target(P.RECEIVING_INITIATIVES).reason
    assert "not yet recorded" in can_set_guiding_target(None).reason


def test_progress_with_no_history() -> None:
    result = progress([])
    assert result.latest is None and result.highest is None
    assert result.direction is Direction.NOT_RECORDED
    assert result.summary == "No level has been recorded yet."


def rec(month: int, level: Principle) -> LevelRecord:
    return LevelRecord(date(2025, month, 1), level)


@pytest.mark.parametrize(
    ("history", "direction", "highest", "changes"),
    [
        ([rec(9, P.BEING_ATTENTIVE)], Direction.STEADY, P.BEING_ATTENTIVE, 0),
        (
            [rec(9, P.BEING_ATTENTIVE), rec(10, P.RECEIVING_INITIATIVES), rec(11, P.GUIDING)],
            Direction.MOVING_ON,
            P.GUIDING,
            2,
        ),
        (
            [
                rec(9, P.ATTUNED_INTERACTIONS),
                rec(10, P.ATTUNED_INTERACTIONS),
                rec(11, P.RECEIVING_INITIATIVES),
            ],
            Direction.STEPPED_BACK,
            P.ATTUNED_INTERACTIONS,
            1,
        ),
        (
            [
                rec(11, P.BEING_ATTENTIVE),
                rec(9, P.BEING_ATTENTIVE),
                rec(10, P.ATTUNED_INTERACTIONS),
            ],
            Direction.STEADY,
            P.ATTUNED_INTERACTIONS,
            2,
        ),
    ],
)
def test_progress(
    history: list[LevelRecord], direction: Direction, highest: Principle, changes: int
) -> None:
    result = progress(history)
    assert result.direction is direction
    assert result.highest is highest
    assert len(result.changes) == changes
    assert result.latest == max(history, key=lambda r: r.on)
    assert result.latest.level.label in result.summary


def test_progress_changes_are_dated_and_ordered() -> None:
    result = progress([rec(11, P.GUIDING), rec(9, P.BEING_ATTENTIVE), rec(10, P.BEING_ATTENTIVE)])
    assert result.changes == (Change(date(2025, 11, 1), P.BEING_ATTENTIVE, P.GUIDING),)
    assert result.first == rec(9, P.BEING_ATTENTIVE)
