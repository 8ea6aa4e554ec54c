"""Pure chronology sources: check-ins a week to a line, runs of absence, "you said" rules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attune.plans.domain.chronology import absence_runs, checkin_weeks, mood_words
from attune.plans.domain.rules import you_said_problem

MONDAY = date(2026, 11, 2)


def test_a_week_of_checkins_makes_one_line() -> None:
    rows = [
        (MONDAY, "happened", 4),
        (MONDAY + timedelta(days=1), "covered", 4),
        (MONDAY + timedelta(days=2), "missed", None),
        (MONDAY + timedelta(days=3), "happened", 5),
        (MONDAY + timedelta(days=4), "happened", 3),
    ]

    [entry] = checkin_weeks(rows)

    assert entry.on == MONDAY and entry.kind == "checkin"
    assert entry.title == "Check-ins, week of 2 Nov 2026"
    assert entry.detail == "4 of 5 check-ins happened; seemed mostly settled."


def test_declines_are_named_and_weeks_kept_apart() -> None:
    rows = [
        (MONDAY + timedelta(days=2), "declined", None),
        (MONDAY + timedelta(days=7), "happened", 1),
    ]

    first, second = checkin_weeks(rows)

    assert first.on == MONDAY + timedelta(days=2)  # the first check-in, so date filters keep it
    assert first.detail == "0 of 1 check-in happened; 1 declined."
    assert second.detail == "1 of 1 check-in happened; seemed very unsettled."


@pytest.mark.parametrize(
    ("moods", "words"),
    [
        ([1], "very unsettled"),
        ([2, 3], "mostly unsettled"),
        ([3], "mostly okay"),
        ([5, 5], "bright and settled"),
    ],
)
def test_mood_words(moods: list[int], words: str) -> None:
    assert mood_words(moods) == words


def register(codes: str, start: date = MONDAY) -> list[tuple[date, str, str]]:
    """Two characters a day (morning, afternoon); "p" is present."""
    marks = []
    for i, code in enumerate(codes):
        day = start + timedelta(days=i // 2)
        present = "/" if i % 2 == 0 else "\\"
        marks.append((day, "AM" if i % 2 == 0 else "PM", present if code == "p" else code))
    return marks


@pytest.mark.parametrize(
    ("codes", "found"),
    [
        ("ppIIIIpp", ["4 sessions missed over 2 days."]),
        ("ppIIIpp", []),  # three sessions: not yet a run
        ("IIOO##OOpp", ["6 sessions missed over 3 days, 4 unauthorised."]),  # closure skipped
        ("IIppIIpp", []),
        ("ppppIIII", ["4 sessions missed over 2 days."]),  # a run still going today
    ],
)
def test_runs_of_absence(codes: str, found: list[str]) -> None:
    assert [e.detail for e in absence_runs(register(codes))] == found


def test_a_run_is_dated_by_its_first_day() -> None:
    [run] = absence_runs(register("ppIIII"))

    assert run.on == MONDAY + timedelta(days=1)
    assert run.title == "Absent from 3 Nov to 4 Nov 2026"


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)  # a busy CI box
@given(st.text(alphabet="pIO#", max_size=60))
def test_runs_never_overlap_and_each_is_long_enough(codes: str) -> None:
    runs = absence_runs(register(codes))
    absent = sum(c in "IO" for c in codes)

    assert sum(int(e.detail.split()[0]) for e in runs) <= absent
    assert all(int(e.detail.split()[0]) >= 4 for e in runs)
    assert [e.on for e in runs] == sorted(e.on for e in runs)


@pytest.mark.parametrize(
    ("status", "did", "by", "on", "reason", "field"),
    [
        ("open", "", False, None, "", None),
        ("in_hand", "", False, None, "", "what_we_did"),
        ("in_hand", "Asked the cook", False, None, "", None),
        ("done", "Quiet table at lunch", False, MONDAY, "", "done_by"),
        ("done", "Quiet table at lunch", True, None, "", "done_on"),
        ("done", "Quiet table at lunch", True, MONDAY, "", None),
        ("not_taken_forward", "", False, MONDAY, " ", "not_forward_reason"),
        ("not_taken_forward", "", False, None, "Too costly", "done_on"),
        ("not_taken_forward", "", False, MONDAY, "Too costly", None),
    ],
)
def test_you_said_response_rules(
    status: str, did: str, by: bool, on: date | None, reason: str, field: str | None
) -> None:
    problem = you_said_problem(status, did, by, on, reason)

    assert (problem.field if problem else None) == field
