"""Tests for the attendance early-warning rules: each rule, each threshold edge, and the
properties that hold whatever the register looks like."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attune.attendance.domain.codes import UnknownCodeError
from attune.attendance.domain.early_warning import (
    DEFAULT_THRESHOLDS,
    EarlyWarning,
    LessonMark,
    Session,
    SessionMark,
    Severity,
    Thresholds,
    WarningKind,
    absence_lines,
    continuous_absence,
    evaluate,
    falling_trend,
    fifteen_days_missed,
    monday_friday_pattern,
    repeated_lateness,
    same_lessons_missed,
    school_year_start,
    start_of_term_pattern,
)

AM, PM = Session.AM, Session.PM
PRESENT = {AM: "/", PM: "\\"}
SEPT_1 = date(2025, 9, 1)  # a Monday
FRI_30_JAN = date(2026, 1, 30)
NOT_POSSIBLE = ("#", "Z", "X", "D", "Q", "Y1", "Y4", "Y7")

CodeFor = Callable[[date, Session], str]


def weekdays(first: date, last: date) -> list[date]:
    count = (last - first).days + 1
    days = (first + timedelta(days=n) for n in range(count))
    return [d for d in days if d.weekday() < 5]


def register(days: Iterable[date], code_for: CodeFor | None = None) -> list[SessionMark]:
    """Two marks a day; present unless ``code_for`` says otherwise."""
    pick = code_for or (lambda _day, session: PRESENT[session])
    return [SessionMark(day, s, pick(day, s)) for day in days for s in (AM, PM)]


def absent_on(absences: dict[tuple[date, Session], str]) -> CodeFor:
    return lambda day, s: absences.get((day, s), PRESENT[s])


def sessions(n: int, missed: int, first: date = SEPT_1, code: str = "I") -> list[SessionMark]:
    """``n`` possible sessions on consecutive weekdays, the first ``missed`` of them absent."""
    days = weekdays(first, first + timedelta(days=2 * n))[: math.ceil(n / 2)]
    slots = [(d, s) for d in days for s in (AM, PM)][:n]
    return [SessionMark(d, s, code if i < missed else PRESENT[s]) for i, (d, s) in enumerate(slots)]


def kinds(warnings: Sequence[EarlyWarning]) -> list[WarningKind]:
    return [w.kind for w in warnings]


# --- school year ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "term_starts", "expected"),
    [
        (date(2026, 3, 10), [date(2025, 9, 3), date(2026, 1, 5)], date(2025, 9, 3)),
        (date(2026, 3, 10), [], date(2025, 8, 1)),
        (date(2025, 8, 15), [], date(2025, 8, 1)),
        (date(2025, 7, 31), [], date(2024, 8, 1)),
        (date(2025, 9, 2), [date(2025, 9, 3)], date(2025, 8, 1)),  # term not started yet
        (date(2025, 9, 3), [date(2025, 9, 3)], date(2025, 9, 3)),  # the first day itself
        (date(2025, 10, 1), [date(2024, 9, 2), date(2025, 9, 4)], date(2025, 9, 4)),
    ],
)
def test_school_year_start(today: date, term_starts: list[date], expected: date) -> None:
    assert school_year_start(today, term_starts) == expected


def test_marks_from_last_school_year_are_ignored() -> None:
    last_year = sessions(60, 60, first=date(2025, 3, 2))  # all absent, before 1 August
    this_year = sessions(40, 0, first=SEPT_1)
    today = date(2025, 10, 31)
    assert evaluate(last_year + this_year, today=today, term_starts=[SEPT_1]) == []


def test_marks_after_today_are_ignored() -> None:
    marks = sessions(40, 0) + sessions(40, 40, first=date(2025, 11, 3))
    assert evaluate(marks, today=date(2025, 10, 31), term_starts=[SEPT_1]) == []


# --- falling trend -------------------------------------------------------------------------

# The last 20 weekdays up to Friday 27 March 2026 fill exactly the last 4 weeks (40 sessions);
# the 80 weekdays before them are the earlier part of the year (160 sessions). With k absences
# in the recent window the drop is k * 160 / (40 * 200) * 100 = 2k points.
TREND_TODAY = date(2026, 3, 27)
TREND_DAYS = weekdays(date(2025, 9, 1), TREND_TODAY)[-100:]
RECENT_DAYS, EARLIER_DAYS = TREND_DAYS[-20:], TREND_DAYS[:-20]


def trend_marks(recent_absent: int, earlier_absent: int = 0) -> list[SessionMark]:
    earlier = [(d, s) for d in EARLIER_DAYS for s in (AM, PM)][:earlier_absent]
    recent = [(d, s) for d in RECENT_DAYS for s in (AM, PM)][:recent_absent]
    return register(TREND_DAYS, absent_on(dict.fromkeys([*earlier, *recent], "N")))


def test_trend_window_is_what_the_table_assumes() -> None:
    assert RECENT_DAYS[0] == date(2026, 3, 2)
    assert EARLIER_DAYS[-1] == date(2026, 2, 27)


@pytest.mark.parametrize(
    ("recent_absent", "severity"),
    [
        (0, None),
        (4, None),  # 8 points
        (5, Severity.MEDIUM),  # exactly 10 points
        (9, Severity.MEDIUM),  # 18 points
        (10, Severity.HIGH),  # exactly 20 points
        (40, Severity.HIGH),
    ],
)
def test_falling_trend_threshold(recent_absent: int, severity: Severity | None) -> None:
    warnings = falling_trend(trend_marks(recent_absent), today=TREND_TODAY, term_starts=[])
    if severity is None:
        assert warnings == []
        return
    (warning,) = warnings
    assert warning.kind is WarningKind.FALLING_TREND
    assert warning.severity is severity
    assert warning.numbers["drop_points"] == pytest.approx(2 * recent_absent)
    recent_pct = 100 * (40 - recent_absent) / 40
    assert warning.numbers["recent_attendance_pct"] == pytest.approx(recent_pct)
    assert f"Attended {recent_pct:.0f}% over the last 4 weeks" in warning.reason


def test_falling_trend_needs_enough_recent_sessions() -> None:
    # Only 9 possible sessions in the last 4 weeks (the rest are closures): no judgement.
    recent = [(d, s) for d in RECENT_DAYS for s in (AM, PM)]
    closed = dict.fromkeys(recent[9:], "#")
    absences = closed | dict.fromkeys(recent[:9], "N")
    marks = register(TREND_DAYS, absent_on(absences))
    assert falling_trend(marks, today=TREND_TODAY, term_starts=[]) == []
    # With a tenth possible session, the fall shows.
    absences[recent[9]] = "N"
    marks = register(TREND_DAYS, absent_on(absences))
    assert kinds(falling_trend(marks, today=TREND_TODAY, term_starts=[])) == [
        WarningKind.FALLING_TREND
    ]


def test_falling_trend_needs_something_earlier_to_compare_with() -> None:
    marks = register(RECENT_DAYS, lambda _d, _s: "N")
    assert falling_trend(marks, today=TREND_TODAY, term_starts=[]) == []


def test_falling_trend_threshold_is_a_parameter() -> None:
    marks = trend_marks(4)  # 8 points
    low_bar = Thresholds(trend_drop_points=8)
    assert kinds(falling_trend(marks, today=TREND_TODAY, term_starts=[], thresholds=low_bar)) == [
        WarningKind.FALLING_TREND
    ]


@settings(max_examples=60, deadline=None)
@given(
    recent_absent=st.integers(0, 40),
    earlier_absent=st.integers(0, 160),
)
def test_falling_trend_fires_exactly_at_the_drop(recent_absent: int, earlier_absent: int) -> None:
    marks = trend_marks(recent_absent, earlier_absent)
    year_pct = Fraction(200 - recent_absent - earlier_absent, 200) * 100
    recent_pct = Fraction(40 - recent_absent, 40) * 100
    expected = year_pct - recent_pct >= 10
    warnings = falling_trend(marks, today=TREND_TODAY, term_starts=[])
    assert bool(warnings) is expected


# --- Monday / Friday -----------------------------------------------------------------------

TEN_WEEKS = weekdays(date(2025, 9, 1), date(2025, 11, 7))  # 10 Mondays, 60 midweek sessions
TEN_WEEKS_END = date(2025, 11, 7)


def weekday_marks(monday: int, friday: int, midweek: int) -> list[SessionMark]:
    def first(n: int, days: list[int]) -> list[tuple[date, Session]]:
        return [(d, s) for d in TEN_WEEKS if d.weekday() in days for s in (AM, PM)][:n]

    chosen = first(monday, [0]) + first(friday, [4]) + first(midweek, [1, 2, 3])
    return register(TEN_WEEKS, absent_on(dict.fromkeys(chosen, "O")))


@pytest.mark.parametrize(
    ("monday", "friday", "midweek", "expected_days"),
    [
        (0, 0, 0, []),
        (2, 0, 0, []),  # below the minimum of 3 missed
        (3, 0, 0, ["monday"]),
        (3, 0, 4, ["monday"]),  # 15% against 6.7%: 2.25 times
        (3, 0, 5, []),  # 15% against 8.3%: 1.8 times
        (4, 0, 6, ["monday"]),  # 20% against 10%: exactly twice
        (4, 0, 7, []),
        (0, 4, 6, ["friday"]),
        (4, 5, 6, ["monday", "friday"]),
        (20, 20, 60, []),  # absent every session: no pattern, just absence
    ],
)
def test_monday_friday_pattern(
    monday: int, friday: int, midweek: int, expected_days: list[str]
) -> None:
    marks = weekday_marks(monday, friday, midweek)
    warnings = monday_friday_pattern(marks, today=TEN_WEEKS_END, term_starts=[SEPT_1])
    if not expected_days:
        assert warnings == []
        return
    (warning,) = warnings
    assert warning.kind is WarningKind.MONDAY_FRIDAY
    for name in expected_days:
        assert warning.numbers[f"{name}_possible"] == 20
        assert f"{name.capitalize()} sessions" in warning.reason
    for name in {"monday", "friday"} - set(expected_days):
        assert f"{name}_missed" not in warning.numbers
    assert warning.numbers["midweek_missed"] == midweek
    assert f"against {midweek} of 60 sessions" in warning.reason


def test_monday_friday_must_be_higher_than_midweek_even_at_ratio_one() -> None:
    same_rate = weekday_marks(4, 0, 12)  # 20% and 20%
    above = weekday_marks(4, 0, 11)
    loose = Thresholds(weekday_ratio=1)

    def rule(marks: list[SessionMark]) -> list[EarlyWarning]:
        return monday_friday_pattern(
            marks, today=TEN_WEEKS_END, term_starts=[SEPT_1], thresholds=loose
        )

    assert rule(same_rate) == []
    assert len(rule(above)) == 1


# --- start of term -------------------------------------------------------------------------

# Autumn 1 to half term, Autumn 2 after a week off, then spring after Christmas.
AUTUMN_1 = weekdays(date(2025, 9, 1), date(2025, 10, 24))
AUTUMN_2 = weekdays(date(2025, 11, 3), date(2025, 12, 19))
SPRING = weekdays(date(2026, 1, 5), FRI_30_JAN)
TERM_DAYS = AUTUMN_1 + AUTUMN_2 + SPRING  # 95 days, 190 sessions
TERM_STARTS = [date(2025, 9, 1), date(2026, 1, 5)]  # half term found from the gap
WINDOW = {date(2025, 9, 1), date(2025, 9, 2), date(2025, 11, 3), date(2025, 11, 4)} | {
    date(2026, 1, 5),
    date(2026, 1, 6),
}
OUTSIDE = [(d, s) for d in TERM_DAYS if d not in WINDOW for s in (AM, PM)]


def restart_marks(inside: list[tuple[date, Session]], outside: int) -> list[SessionMark]:
    absences = dict.fromkeys([*inside, *OUTSIDE[:outside]], "I")
    return register(TERM_DAYS, absent_on(absences))


@pytest.mark.parametrize(
    ("inside", "outside", "fires"),
    [
        ([], 0, False),
        ([(date(2025, 9, 1), AM), (date(2025, 9, 1), PM)], 0, False),  # one restart only
        ([(date(2025, 9, 1), AM), (date(2025, 11, 3), AM)], 0, True),
        ([(date(2025, 9, 2), PM), (date(2026, 1, 6), AM)], 14, True),  # 16.7% vs 7.9%
        ([(date(2025, 9, 2), PM), (date(2026, 1, 6), AM)], 15, False),  # 16.7% vs 8.4%
    ],
)
def test_start_of_term_pattern(
    inside: list[tuple[date, Session]], outside: int, fires: bool
) -> None:
    warnings = start_of_term_pattern(
        restart_marks(inside, outside), today=FRI_30_JAN, term_starts=TERM_STARTS
    )
    assert bool(warnings) is fires
    if fires:
        (warning,) = warnings
        assert warning.kind is WarningKind.START_OF_TERM
        assert warning.numbers["restarts"] == 3  # September, after half term, January
        assert warning.numbers["restarts_with_absence"] == 2
        assert "after 2 of 3 term starts or breaks" in warning.reason


@pytest.mark.parametrize(("gap_days", "restarts"), [(6, 2), (7, 3), (10, 3)])
def test_a_break_is_a_gap_of_holiday_gap_days_or_more(gap_days: int, restarts: int) -> None:
    before = weekdays(date(2025, 9, 1), date(2025, 10, 22))  # ends on a Wednesday
    back = before[-1] + timedelta(days=gap_days)
    after = weekdays(back, date(2025, 12, 19))
    days = before + after + SPRING
    firsts = {date(2025, 9, 1), back, date(2026, 1, 5)}
    marks = register(days, lambda d, s: "N" if d in firsts and s is AM else PRESENT[s])
    (warning,) = start_of_term_pattern(marks, today=FRI_30_JAN, term_starts=TERM_STARTS)
    assert warning.numbers["restarts"] == restarts


# --- lateness ------------------------------------------------------------------------------

LATE_TODAY = date(2026, 1, 28)  # the last 4 weeks run from Thursday 1 January
LATE_DAYS = weekdays(date(2025, 12, 1), LATE_TODAY)


@pytest.mark.parametrize(
    ("lates", "expected"),
    [
        ({}, None),
        (dict.fromkeys([5, 6, 7, 8], "L"), None),
        (dict.fromkeys([5, 6, 7, 8, 11], "L"), Severity.LOW),
        ({5: "L", 6: "L", 7: "L", 8: "L", 11: "U"}, Severity.MEDIUM),
        ({**dict.fromkeys([5, 6, 7, 8], "L"), -1: "L"}, None),  # 31 Dec is outside the window
        ({**dict.fromkeys([5, 6, 7, 8], "L"), 0: "L"}, Severity.LOW),  # 1 Jan is inside
    ],
)
def test_repeated_lateness(lates: dict[int, str], expected: Severity | None) -> None:
    # Keys are days from Thursday 1 January 2026 (all weekdays); lateness is in the morning.
    late_days = {date(2026, 1, 1) + timedelta(days=k): code for k, code in lates.items()}
    assert all(d.weekday() < 5 for d in late_days)
    marks = register(LATE_DAYS, lambda d, s: late_days.get(d, "/") if s is AM else "\\")
    warnings = repeated_lateness(marks, today=LATE_TODAY, term_starts=[])
    if expected is None:
        assert warnings == []
        return
    (warning,) = warnings
    assert warning.severity is expected
    after_close = sum(code == "U" for code in lates.values())
    assert warning.numbers["late_after_close"] == after_close
    assert warning.reason.startswith(f"Late {len(lates)} times in the last 4 weeks")


# --- same lessons --------------------------------------------------------------------------

LESSON_TODAY = date(2025, 11, 7)
LESSON_DAYS = weekdays(LESSON_TODAY - timedelta(days=41), LESSON_TODAY)  # exactly 6 weeks


def lessons(missed: dict[str, int], per_subject: int = 12) -> list[LessonMark]:
    out = []
    for subject in ("English", "Maths", "Science"):
        days = LESSON_DAYS[::2][:per_subject]
        out += [
            LessonMark(d, subject, "N" if i < missed.get(subject, 0) else "/")
            for i, d in enumerate(days)
        ]
    return out


@pytest.mark.parametrize(
    ("missed", "flagged"),
    [
        ({}, []),
        ({"Maths": 2}, []),
        ({"Maths": 3}, ["Maths"]),
        ({"Maths": 4, "English": 4}, ["English", "Maths"]),  # 33% vs 16.7%: exactly twice
        ({"Maths": 4, "English": 5}, ["English"]),  # Maths 33% vs 20.8%
        ({"Maths": 6, "English": 6}, ["English", "Maths"]),
        ({"Maths": 12, "English": 12, "Science": 12}, []),
    ],
)
def test_same_lessons_missed(missed: dict[str, int], flagged: list[str]) -> None:
    warnings = same_lessons_missed(lessons(missed), today=LESSON_TODAY, term_starts=[SEPT_1])
    assert [w.reason.split(" lessons")[0].split()[-1] for w in warnings] == flagged
    for warning in warnings:
        assert warning.kind is WarningKind.SAME_LESSONS_MISSED
        assert warning.numbers["lessons"] == 12


def test_lessons_outside_six_weeks_or_not_possible_are_ignored() -> None:
    the_day_before = LESSON_TODAY - timedelta(weeks=6)  # the window starts the day after
    old = [LessonMark(the_day_before, "Maths", "N") for _ in range(5)]
    closed = [LessonMark(d, "Maths", "#") for d in LESSON_DAYS[:5]]
    marks = old + closed + lessons({"Maths": 2})
    assert same_lessons_missed(marks, today=LESSON_TODAY, term_starts=[SEPT_1]) == []
    # One more missed lesson inside the window tips it over.
    marks += [LessonMark(LESSON_DAYS[0], "Maths", "N")]
    (warning,) = same_lessons_missed(marks, today=LESSON_TODAY, term_starts=[SEPT_1])
    assert warning.numbers == {
        "missed": 3,
        "lessons": 13,
        "absence_pct": pytest.approx(300 / 13),
        "other_absence_pct": 0.0,
    }


def test_lessons_before_the_school_year_are_ignored() -> None:
    july = [LessonMark(date(2025, 7, 14 + n), "Maths", "N") for n in range(5)]
    assert same_lessons_missed(july, today=date(2025, 9, 5), term_starts=[SEPT_1]) == []


# --- continuous absence --------------------------------------------------------------------

RUN_DAYS = weekdays(date(2025, 9, 1), date(2025, 10, 31))  # 45 school days


def run_marks(absent_days: Iterable[date], code: str = "I") -> list[SessionMark]:
    absent = set(absent_days)
    return register(RUN_DAYS, lambda d, s: code if d in absent else PRESENT[s])


@pytest.mark.parametrize(("length", "fires"), [(0, False), (9, False), (10, True), (15, True)])
def test_continuous_absence_threshold(length: int, fires: bool) -> None:
    marks = run_marks(RUN_DAYS[5 : 5 + length])
    warnings = continuous_absence(marks, today=date(2025, 10, 31), term_starts=[SEPT_1])
    assert bool(warnings) is fires
    if fires:
        (warning,) = warnings
        assert warning.severity is Severity.HIGH
        assert warning.numbers["days"] == length
        assert warning.numbers["ongoing"] == 0
        assert "from 8 September 2025" in warning.reason
        assert "still absent" not in warning.reason


def test_weekends_and_closures_neither_break_nor_extend_a_run() -> None:
    run = RUN_DAYS[10:21]  # 11 school days, Monday 15 to Monday 29 September
    closed = run[5]
    marks = [m for m in run_marks(run, code="N") if m.day != closed]
    marks += register([closed], lambda _d, _s: "#")
    (warning,) = continuous_absence(marks, today=date(2025, 10, 31), term_starts=[SEPT_1])
    assert warning.numbers == {"days": 10, "unauthorised_sessions": 20, "ongoing": 0}
    assert "with 20 unauthorised sessions" in warning.reason


def test_one_session_attended_breaks_a_run() -> None:
    run = RUN_DAYS[:12]
    marks = run_marks(run)
    marks = [
        SessionMark(m.day, m.session, "/") if m.day == run[6] and m.session is AM else m
        for m in marks
    ]
    assert continuous_absence(marks, today=date(2025, 10, 31), term_starts=[SEPT_1]) == []


def test_a_day_with_one_possible_session_missed_is_a_whole_day_missed() -> None:
    run = RUN_DAYS[:10]
    marks = register(run, lambda _d, s: "I" if s is AM else "Y1")  # afternoons: no transport
    marks += register(RUN_DAYS[10:])
    (warning,) = continuous_absence(marks, today=date(2025, 10, 31), term_starts=[SEPT_1])
    assert warning.numbers["days"] == 10


def test_an_ongoing_run_says_so_and_the_latest_equal_run_is_reported() -> None:
    first, second = RUN_DAYS[:10], RUN_DAYS[-10:]
    (warning,) = continuous_absence(
        run_marks([*first, *second]), today=date(2025, 10, 31), term_starts=[SEPT_1]
    )
    assert warning.numbers["ongoing"] == 1
    assert "from 20 October 2025 to 31 October 2025 and still absent" in warning.reason


# --- fifteen days --------------------------------------------------------------------------


@pytest.mark.parametrize(("missed", "fires"), [(0, False), (29, False), (30, True), (45, True)])
def test_fifteen_days_missed(missed: int, fires: bool) -> None:
    # Spread over the year, not in a row: every other session from the start.
    marks = sessions(200, 0)
    absent = {(m.day, m.session) for m in marks[0 : 2 * missed : 2]}
    marks = [
        SessionMark(m.day, m.session, "M" if (m.day, m.session) in absent else m.code)
        for m in marks
    ]
    warnings = fifteen_days_missed(marks, today=date(2026, 7, 1), term_starts=[SEPT_1])
    assert bool(warnings) is fires
    if fires:
        (warning,) = warnings
        assert warning.numbers == {"days_missed": missed / 2, "sessions_missed": missed}
        assert f"Missed {missed / 2:g} days of school ({missed} sessions)" in warning.reason


# --- persistent and severe absence lines ---------------------------------------------------


@pytest.mark.parametrize(
    ("possible", "missed", "kind", "to_line"),
    [
        (19, 19, None, None),  # too few sessions to judge
        (20, 0, None, None),
        (100, 7, None, None),
        (100, 8, WarningKind.APPROACHING_PERSISTENT, 3),  # 11/103 >= 10% > 10/102
        (100, 9, WarningKind.APPROACHING_PERSISTENT, 2),
        (100, 10, WarningKind.PERSISTENT_ABSENCE, None),
        (100, 44, WarningKind.PERSISTENT_ABSENCE, None),
        (100, 45, WarningKind.APPROACHING_SEVERE, 10),  # 55/110 is exactly 50%
        (100, 49, WarningKind.APPROACHING_SEVERE, 2),
        (100, 50, WarningKind.SEVERE_ABSENCE, None),
        (100, 100, WarningKind.SEVERE_ABSENCE, None),
        (20, 2, WarningKind.PERSISTENT_ABSENCE, None),
    ],
)
def test_absence_lines(
    possible: int, missed: int, kind: WarningKind | None, to_line: int | None
) -> None:
    warnings = absence_lines(sessions(possible, missed), today=date(2026, 7, 1), term_starts=[])
    assert kinds(warnings) == ([kind] if kind else [])
    if kind is None:
        return
    (warning,) = warnings
    assert warning.numbers["missed"] == missed
    assert warning.numbers["possible"] == possible
    assert warning.numbers.get("sessions_to_line") == to_line
    assert warning.reason.startswith(f"Missed {missed} of {possible} sessions this school year")


@pytest.mark.parametrize(
    ("kind", "severity"),
    [
        (WarningKind.APPROACHING_PERSISTENT, Severity.LOW),
        (WarningKind.PERSISTENT_ABSENCE, Severity.MEDIUM),
        (WarningKind.APPROACHING_SEVERE, Severity.HIGH),
        (WarningKind.SEVERE_ABSENCE, Severity.HIGH),
    ],
)
def test_absence_line_severities(kind: WarningKind, severity: Severity) -> None:
    missed = {
        WarningKind.APPROACHING_PERSISTENT: 9,
        WarningKind.PERSISTENT_ABSENCE: 12,
        WarningKind.APPROACHING_SEVERE: 46,
        WarningKind.SEVERE_ABSENCE: 60,
    }[kind]
    (warning,) = absence_lines(sessions(100, missed), today=date(2026, 7, 1), term_starts=[])
    assert (warning.kind, warning.severity) == (kind, severity)


def test_percentage_just_below_the_line_never_shows_as_the_line() -> None:
    # 39 of 391 is 9.97%: rounding would print "10.0%" for a pupil who is not yet over it.
    (warning,) = absence_lines(sessions(391, 39), today=date(2026, 7, 1), term_starts=[])
    assert warning.kind is WarningKind.APPROACHING_PERSISTENT
    assert "(9.9%)" in warning.reason
    assert "1 more missed session would reach the 10% persistent absence line" in warning.reason


def test_margins_are_parameters() -> None:
    no_margin = Thresholds(persistent_margin_points=0, severe_margin_points=0)
    marks = sessions(100, 9)
    assert absence_lines(marks, today=date(2026, 7, 1), term_starts=[], thresholds=no_margin) == []


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_absence_lines_match_exact_fractions(data: st.DataObject) -> None:
    possible = data.draw(st.integers(20, 240))
    missed = data.draw(st.integers(0, possible))
    share = Fraction(missed, possible)
    (expected,) = [
        kind
        for kind, applies in (
            (WarningKind.SEVERE_ABSENCE, share >= Fraction(1, 2)),
            (WarningKind.APPROACHING_SEVERE, share >= Fraction(45, 100)),
            (WarningKind.PERSISTENT_ABSENCE, share >= Fraction(1, 10)),
            (WarningKind.APPROACHING_PERSISTENT, share >= Fraction(8, 100)),
            (None, True),
        )
        if applies
    ][:1]
    warnings = absence_lines(sessions(possible, missed), today=date(2026, 7, 1), term_starts=[])
    assert kinds(warnings) == ([expected] if expected else [])
    if expected in (WarningKind.APPROACHING_SEVERE, WarningKind.APPROACHING_PERSISTENT):
        line = Fraction(1, 2) if expected is WarningKind.APPROACHING_SEVERE else Fraction(1, 10)
        k = int(warnings[0].numbers["sessions_to_line"])
        assert k >= 1
        # k more missed sessions reach the line; one fewer would not.
        assert Fraction(missed + k, possible + k) >= line
        assert Fraction(missed + k - 1, possible + k - 1) < line


# --- everything together -------------------------------------------------------------------


def test_evaluate_runs_every_rule_in_a_fixed_order() -> None:
    # Mondays off all autumn, late every morning in January, and nothing since 16 January.
    def code(day: date, s: Session) -> str:
        if day >= date(2026, 1, 16):
            return "N"
        if day.weekday() == 0:
            return "O"
        if day >= date(2026, 1, 5) and s is AM:
            return "L"
        return PRESENT[s]

    marks = register(TERM_DAYS, code)
    maths = [LessonMark(d, "Maths", "N") for d in SPRING[:4]] + [
        LessonMark(d, "Art", "/") for d in SPRING[:8]
    ]
    warnings = evaluate(marks, today=FRI_30_JAN, term_starts=TERM_STARTS, lessons=maths)
    assert kinds(warnings) == [
        WarningKind.FALLING_TREND,
        WarningKind.MONDAY_FRIDAY,
        WarningKind.REPEATED_LATENESS,
        WarningKind.CONTINUOUS_ABSENCE,
        WarningKind.FIFTEEN_DAYS_MISSED,
        WarningKind.PERSISTENT_ABSENCE,
        WarningKind.SAME_LESSONS_MISSED,
    ]


def test_no_marks_no_warnings() -> None:
    assert evaluate([], today=FRI_30_JAN, term_starts=TERM_STARTS) == []
    assert evaluate(register(TERM_DAYS), today=FRI_30_JAN, term_starts=TERM_STARTS) == []


def test_retired_codes_count_as_their_current_code() -> None:
    # H (agreed holiday, before August 2024) is authorised absence now: 30 sessions of it.
    marks = sessions(100, 30, code="H")
    assert WarningKind.FIFTEEN_DAYS_MISSED in kinds(
        evaluate(marks, today=date(2026, 7, 1), term_starts=[])
    )


def test_an_unknown_code_is_an_error_not_a_guess() -> None:
    marks = [*sessions(30, 0), SessionMark(SEPT_1, AM, "?")]
    with pytest.raises(UnknownCodeError) as caught:
        evaluate(marks, today=date(2026, 7, 1), term_starts=[])
    assert caught.value.code == "attendance.unknown_code"


def test_defaults_are_documented_values() -> None:
    assert Thresholds() == DEFAULT_THRESHOLDS
    assert (DEFAULT_THRESHOLDS.continuous_days, DEFAULT_THRESHOLDS.days_missed_notify) == (10, 15)


def evaluate_term(marks: list[SessionMark]) -> list[EarlyWarning]:
    return evaluate(marks, today=FRI_30_JAN, term_starts=TERM_STARTS)


register_codes = st.sampled_from(["/", "\\", "L", "V", "I", "M", "C", "N", "O", "U", "G", "E"])


@st.composite
def registers(draw: st.DrawFn) -> list[SessionMark]:
    codes = draw(st.lists(register_codes, min_size=0, max_size=2 * len(TERM_DAYS)))
    slots = [(d, s) for d in TERM_DAYS for s in (AM, PM)]
    return [SessionMark(d, s, c) for (d, s), c in zip(slots, codes, strict=False)]


@settings(max_examples=40, deadline=None)
@given(marks=registers(), seed=st.integers(0, 2**32))
def test_order_of_marks_does_not_matter(marks: list[SessionMark], seed: int) -> None:
    shuffled = list(marks)
    random.Random(seed).shuffle(shuffled)
    assert evaluate_term(shuffled) == evaluate_term(marks)


@settings(max_examples=40, deadline=None)
@given(marks=registers(), extra=st.lists(st.sampled_from(NOT_POSSIBLE), max_size=40))
def test_sessions_that_are_not_possible_change_nothing(
    marks: list[SessionMark], extra: list[str]
) -> None:
    # Closures and not-required sessions on days with no other mark, in and out of term.
    spare = [d for d in weekdays(date(2025, 8, 4), FRI_30_JAN) if d not in set(TERM_DAYS)]
    slots = [(d, s) for d in spare for s in (AM, PM)]
    assert len(slots) >= 40  # room for every extra mark hypothesis may draw
    padded = marks + [SessionMark(d, s, code) for (d, s), code in zip(slots, extra, strict=False)]
    assert evaluate_term(padded) == evaluate_term(marks)


@settings(max_examples=40, deadline=None)
@given(marks=registers())
def test_every_warning_explains_itself(marks: list[SessionMark]) -> None:
    for warning in evaluate(marks, today=FRI_30_JAN, term_starts=TERM_STARTS):
        assert warning.reason[0].isupper()
        assert warning.reason.endswith(".")
        assert "None" not in warning.reason
        assert warning.numbers
        assert all(isinstance(v, int | float) for v in warning.numbers.values())


CODES_SEEN = ["/", "\\", "I", "M", "O", "G", "N", "L", "U", "B", "#", "C1", "E"]


@settings(max_examples=60, deadline=None)
@given(
    codes=st.lists(st.sampled_from(CODES_SEEN), min_size=0, max_size=200),
    today_offset=st.integers(min_value=0, max_value=150),
)
def test_evaluate_counts_once_and_agrees_with_each_rule_run_on_its_own(
    codes: list[str], today_offset: int
) -> None:
    """evaluate shares one pass over the marks between rules; that must change nothing."""
    days = weekdays(SEPT_1, SEPT_1 + timedelta(days=200))
    marks = [
        SessionMark(day, session, code)
        for (day, session), code in zip(
            ((d, s) for d in days for s in (AM, PM)), codes, strict=False
        )
    ]
    today = SEPT_1 + timedelta(days=today_offset)
    one_by_one = [
        warning
        for rule in (
            falling_trend,
            monday_friday_pattern,
            start_of_term_pattern,
            repeated_lateness,
            continuous_absence,
            fifteen_days_missed,
            absence_lines,
        )
        for warning in rule(marks, today=today, term_starts=TERM_STARTS)
    ]
    assert evaluate(marks, today=today, term_starts=TERM_STARTS) == one_by_one


def test_interviews_before_august_2024_are_attended_in_the_warnings_too() -> None:
    """A 2023-24 register stored by ``codes.read_code``: J (interview, attended then) raises
    no absence line where J1 (leave for an interview, from 19 August 2024) would."""
    days = weekdays(date(2023, 9, 4), date(2023, 9, 22))  # 30 sessions, 6 of them interviews
    interviews = set(days[:3])

    def code_for(code: str) -> CodeFor:
        return lambda day, s: code if day in interviews else PRESENT[s]

    before = absence_lines(register(days, code_for("J")), today=date(2023, 9, 22), term_starts=[])
    as_leave = absence_lines(
        register(days, code_for("J1")), today=date(2023, 9, 22), term_starts=[]
    )
    assert before == []
    assert kinds(as_leave) == [WarningKind.PERSISTENT_ABSENCE]
