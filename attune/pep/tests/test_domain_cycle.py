"""The termly PEP cycle and target sums: plain tables and properties, no Django."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attune.pep.domain.cycle import (
    FIRST_PEP_WITHIN,
    PepTerm,
    Season,
    Standing,
    expected_in,
    last_start_expected,
    standing,
    term_for,
)
from attune.pep.domain.targets import (
    FUNDING_CEILING,
    TargetSums,
    funding_problem,
    meeting_problem,
    review_problem,
    target_sums,
)

AUTUMN_2026 = PepTerm(2026, Season.AUTUMN)
days = st.dates(date(2000, 1, 1), date(2090, 12, 31))


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (date(2026, 9, 3), "Autumn 2026"),
        (date(2026, 12, 18), "Autumn 2026"),  # the last day of autumn teaching
        (date(2026, 12, 19), "Spring 2027"),  # the Christmas holiday belongs to spring
        (date(2027, 3, 19), "Spring 2027"),
        (date(2027, 3, 20), "Summer 2027"),
        (date(2027, 7, 23), "Summer 2027"),
        (date(2027, 7, 24), "Autumn 2027"),  # the summer holiday belongs to autumn
        (date(2027, 1, 1), "Spring 2027"),
    ],
)
def test_term_for_a_day(day: date, label: str) -> None:
    assert term_for(day).label == label


def test_terms_follow_each_other() -> None:
    assert AUTUMN_2026.next == PepTerm(2026, Season.SPRING)
    assert PepTerm(2026, Season.SUMMER).next == PepTerm(2027, Season.AUTUMN)
    assert AUTUMN_2026.previous == PepTerm(2025, Season.SUMMER)
    assert AUTUMN_2026.due_by == date(2026, 12, 18)


@given(days)
def test_every_day_falls_in_exactly_one_term(day: date) -> None:
    term = term_for(day)
    assert term.contains(day)
    assert not term.previous.contains(day)
    assert not term.next.contains(day)


@given(days)
def test_terms_meet_without_gaps(day: date) -> None:
    term = term_for(day)
    assert term.next.starts_on == term.ends_on + timedelta(days=1)
    assert term.previous.next == term == term.next.previous
    assert term.starts_on < term.due_by == term.ends_on


@given(days)
def test_three_terms_a_year_in_order(day: date) -> None:
    term = term_for(day)
    year_later = term.next.next.next
    assert year_later == PepTerm(term.year + 1, term.season)
    assert term.sort_key < term.next.sort_key


@pytest.mark.parametrize(
    ("status", "held_last_term", "since", "expected"),
    [
        ("signed_off", False, None, Standing.SIGNED_OFF),
        ("held", False, None, Standing.HELD),
        ("planned", True, None, Standing.DUE),
        (None, True, None, Standing.DUE),
        (None, False, date(2020, 1, 1), Standing.OVERDUE),  # missed last term's
        ("planned", False, date(2020, 1, 1), Standing.OVERDUE),
        (None, False, date(2026, 7, 1), Standing.DUE),  # came into care too late for summer
        (None, False, None, Standing.OVERDUE),
    ],
)
def test_standing_this_term(
    status: str | None, held_last_term: bool, since: date | None, expected: Standing
) -> None:
    today = date(2026, 11, 23)
    got = standing(
        AUTUMN_2026, today, status, held_last_term=held_last_term, looked_after_since=since
    )
    assert got == expected


def test_a_past_term_without_a_meeting_is_overdue() -> None:
    assert standing(AUTUMN_2026, date(2027, 1, 10), None) == Standing.OVERDUE
    assert standing(AUTUMN_2026, date(2026, 12, 18), "planned") == Standing.DUE


@given(days, st.sampled_from([None, "planned", "held", "signed_off"]), st.booleans(), days)
def test_held_is_never_overdue_and_overdue_needs_a_reason(
    today: date, status: str | None, held_last: bool, since: date
) -> None:
    term = term_for(today)
    got = standing(term, today, status, held_last_term=held_last, looked_after_since=since)
    if status in ("held", "signed_off"):
        assert got in (Standing.HELD, Standing.SIGNED_OFF)
    if got == Standing.OVERDUE:
        assert not held_last and expected_in(term.previous, since)


def test_the_grace_for_a_child_new_to_care() -> None:
    summer = AUTUMN_2026.previous
    edge = last_start_expected(summer)
    assert edge == summer.due_by - FIRST_PEP_WITHIN
    assert expected_in(summer, edge)
    assert not expected_in(summer, edge + timedelta(days=1))


@given(st.lists(st.sampled_from(["met", "partly", "not_met", "carried_forward", "", None])))
def test_target_sums_add_up(outcomes: list[str | None]) -> None:
    sums = target_sums(outcomes)
    assert sums.total == len(outcomes)
    assert sums.open == sum(1 for o in outcomes if not o)
    assert sums.reviewed == sums.met + sums.partly + sums.not_met + sums.carried_forward


def test_target_sums_table() -> None:
    assert target_sums(["met", "met", "partly", None]) == TargetSums(met=2, partly=1, open=1)
    assert target_sums([]).total == 0
    with pytest.raises(ValueError, match="'lost'"):
        target_sums(["lost"])


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        (None, None),
        (Decimal(0), None),
        (Decimal("250.50"), None),
        (FUNDING_CEILING, None),
        (FUNDING_CEILING + Decimal("0.01"), "pep.funding_out_of_range"),
        (Decimal("-0.01"), "pep.funding_out_of_range"),
    ],
)
def test_funding_edges(amount: Decimal | None, code: str | None) -> None:
    problem = funding_problem(amount)
    assert (problem.code if problem else None) == code


def test_meeting_must_fall_in_its_term() -> None:
    assert meeting_problem(AUTUMN_2026, AUTUMN_2026.starts_on) is None
    assert meeting_problem(AUTUMN_2026, AUTUMN_2026.due_by) is None
    late = meeting_problem(AUTUMN_2026, AUTUMN_2026.due_by + timedelta(days=1))
    assert late is not None and late.code == "pep.meeting_outside_term"
    assert late.field == "meeting_on" and "Autumn 2026" in late.message


@pytest.mark.parametrize(
    ("outcome", "note", "code"),
    [
        ("met", "", None),
        ("partly", "", None),
        ("carried_forward", "Still settling in with new carers.", None),
        ("carried_forward", "  ", "pep.note_required"),
        ("", "", "pep.outcome_required"),
        ("lost", "", "pep.outcome_required"),
    ],
)
def test_review_rules(outcome: str, note: str, code: str | None) -> None:
    problem = review_problem(outcome, note)
    assert (problem.code if problem else None) == code
