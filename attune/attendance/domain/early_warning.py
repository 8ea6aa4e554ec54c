"""Early-warning rules over one pupil's register marks.

Each rule takes the pupil's dated marks, ``today`` and the school's term start dates, and
returns zero or more ``EarlyWarning``s whose ``reason`` says in plain words what was seen,
with the numbers behind it. The rules look only at the current school year up to and
including ``today``: the year starts on the earliest term start on or after 1 August before
``today`` (or on 1 August if no term start is given). "The last N weeks" means the 7N days
ending with ``today``.

Only possible sessions are looked at (see ``codes``): a closure, a session the pupil was not
required to attend, or one they could not attend never counts for or against them.

The thresholds live in ``Thresholds``; ``DEFAULT_THRESHOLDS`` documents the defaults.
Comparisons use exact fractions, so "exactly at the threshold" behaves predictably.
The 10-school-day and 15-day checks echo the points at which schools in England usually
involve the local authority (School Attendance (Pupil Registration) (England) Regulations
2024; section 19 of the Education Act 1996); they prompt a check, they do not decide it.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from fractions import Fraction

from attune.attendance.domain.codes import Category, counted_as

__all__ = [
    "DEFAULT_THRESHOLDS",
    "EarlyWarning",
    "LessonMark",
    "Session",
    "SessionMark",
    "Severity",
    "Thresholds",
    "WarningKind",
    "absence_lines",
    "continuous_absence",
    "evaluate",
    "falling_trend",
    "fifteen_days_missed",
    "monday_friday_pattern",
    "repeated_lateness",
    "same_lessons_missed",
    "school_year_start",
    "start_of_term_pattern",
]


class Session(StrEnum):
    AM = "AM"
    PM = "PM"


@dataclass(frozen=True, slots=True)
class SessionMark:
    day: date
    session: Session
    code: str  # current or retired register code


@dataclass(frozen=True, slots=True)
class LessonMark:
    day: date
    subject: str
    code: str


class WarningKind(StrEnum):
    FALLING_TREND = "falling_trend"
    MONDAY_FRIDAY = "monday_friday"
    START_OF_TERM = "start_of_term"
    REPEATED_LATENESS = "repeated_lateness"
    SAME_LESSONS_MISSED = "same_lessons_missed"
    CONTINUOUS_ABSENCE = "continuous_absence"
    FIFTEEN_DAYS_MISSED = "fifteen_days_missed"
    APPROACHING_PERSISTENT = "approaching_persistent"
    PERSISTENT_ABSENCE = "persistent_absence"
    APPROACHING_SEVERE = "approaching_severe"
    SEVERE_ABSENCE = "severe_absence"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


@dataclass(frozen=True, slots=True)
class EarlyWarning:
    kind: WarningKind
    reason: str
    severity: Severity
    numbers: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """When each rule speaks up. Defaults, and why:

    - Falling trend: attendance over the last ``trend_recent_weeks`` (4) weeks is at least
      ``trend_drop_points`` (10) percentage points below the year so far (20 or more is
      high severity), once there are ``trend_min_recent_sessions`` (10, one week) recent
      sessions and some earlier ones to compare with.
    - Monday/Friday: Mondays (or Fridays) have at least ``weekday_min_absences`` (3) missed
      sessions and an absence rate at least ``weekday_ratio`` (2) times that of Tuesday to
      Thursday, and higher than it. A rule of thumb, not a statistical test.
    - Start of term: the first ``restart_school_days`` (2) school days after each term start
      or break (school days ``holiday_gap_days`` (7) or more calendar days apart) were
      missed at least ``restart_ratio`` (2) times as often as other days, and above them,
      with some absence after at least ``restart_min_affected`` (2) of those restarts.
    - Lateness: ``lateness_count`` (5) or more L or U marks in ``lateness_weeks`` (4) weeks,
      i.e. more than once a week.
    - Same lessons: over ``lesson_weeks`` (6) weeks a subject missed ``lesson_min_missed`` (3)
      or more times, at ``lesson_ratio`` (2) times the rate of other lessons and above it.
    - Continuous absence: ``continuous_days`` (10) school days in a row with every session
      missed.
    - Days missed: ``days_missed_notify`` (15) days (30 sessions) missed this school year.
    - Lines: once there are ``lines_min_possible`` (20) possible sessions, warn within
      ``persistent_margin_points`` (2) points below 10% and ``severe_margin_points`` (5) points
      below 50%, and when either line is reached.
    """

    trend_recent_weeks: int = 4
    trend_drop_points: float = 10.0
    trend_min_recent_sessions: int = 10
    weekday_min_absences: int = 3
    weekday_ratio: float = 2.0
    restart_school_days: int = 2
    holiday_gap_days: int = 7
    restart_min_affected: int = 2
    restart_ratio: float = 2.0
    lateness_count: int = 5
    lateness_weeks: int = 4
    lesson_weeks: int = 6
    lesson_min_missed: int = 3
    lesson_ratio: float = 2.0
    continuous_days: int = 10
    days_missed_notify: int = 15
    lines_min_possible: int = 20
    persistent_margin_points: float = 2.0
    severe_margin_points: float = 5.0


DEFAULT_THRESHOLDS = Thresholds()
PERSISTENT_LINE = Fraction(1, 10)
SEVERE_LINE = Fraction(1, 2)


# --- shared helpers -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Counted:
    """A possible session reduced to what the rules need."""

    day: date
    absent: bool
    unauthorised: bool
    late: bool
    late_after_close: bool


def school_year_start(today: date, term_starts: Iterable[date]) -> date:
    """Start of the school year containing ``today`` (English years begin in August/September)."""
    august_first = date(today.year if today.month >= 8 else today.year - 1, 8, 1)
    this_year = [d for d in term_starts if august_first <= d <= today]
    return min(this_year, default=august_first)


@functools.cache
def _facts(code: str) -> tuple[bool, bool, bool, bool, bool]:
    """(possible, absent, unauthorised, late, late after close) for one code: a school's
    year has hundreds of thousands of marks but only a few dozen codes."""
    entry = counted_as(code)  # stored codes already carry the meaning of their date
    return (
        entry.possible,
        entry.is_absence,
        entry.category is Category.UNAUTHORISED,
        code in ("L", "U"),
        code == "U",
    )


def _counted(marks: Iterable[SessionMark | LessonMark], start: date, end: date) -> list[_Counted]:
    """Possible sessions (or lessons) dated from ``start`` to ``end`` inclusive, in date order."""
    out = []
    for mark in marks:
        if not start <= mark.day <= end:
            continue
        possible, absent, unauthorised, late, after_close = _facts(mark.code)
        if possible:
            out.append(_Counted(mark.day, absent, unauthorised, late, after_close))
    out.sort(key=lambda c: c.day)
    return out


@dataclass(frozen=True, slots=True)
class CountedYear:
    """One pupil's marks already reduced to this school year's possible sessions, so the
    rules run by :func:`evaluate` share one pass over the marks instead of one each."""

    rows: list[_Counted]
    today: date
    year_start: date


Marks = Iterable[SessionMark] | CountedYear


def _this_year(marks: Marks, today: date, term_starts: Iterable[date]) -> list[_Counted]:
    start = school_year_start(today, term_starts)
    if isinstance(marks, CountedYear) and (marks.today, marks.year_start) == (today, start):
        return marks.rows
    if isinstance(marks, CountedYear):
        raise ValueError("these marks were counted for another day or school year")
    return _counted(marks, start, today)


def _since(rows: list[_Counted], today: date, weeks: int) -> list[_Counted]:
    first = today - timedelta(weeks=weeks) + timedelta(days=1)
    return [r for r in rows if r.day >= first]


def _absence(rows: Sequence[_Counted]) -> Fraction:
    return Fraction(sum(r.absent for r in rows), len(rows)) if rows else Fraction(0)


def _exact(value: float) -> Fraction:
    # Through str so 0.1 means one tenth, not the nearest binary float.
    return Fraction(str(value))


def _pct(share: Fraction) -> str:
    return f"{float(share * 100):.0f}%"


def _pct_floor(share: Fraction) -> str:
    # One decimal, rounded down, so 9.96% never shows as "10.0%" below the line.
    return f"{math.floor(share * 1000) / 10:.1f}%"


def _date_text(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _stands_out(part: Fraction, rest: Fraction, ratio: float) -> bool:
    """``part`` is above ``rest`` and at least ``ratio`` times it."""
    return part > rest and part >= _exact(ratio) * rest


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


# --- rules --------------------------------------------------------------------------------


def falling_trend(
    marks: Marks,
    *,
    today: date,
    term_starts: Iterable[date],
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> list[EarlyWarning]:
    """Recent attendance well below the year so far."""
    t = thresholds
    year = _this_year(marks, today, term_starts)
    recent = _since(year, today, t.trend_recent_weeks)
    if len(recent) < t.trend_min_recent_sessions or len(recent) == len(year):
        return []
    recent_pct = (1 - _absence(recent)) * 100
    year_pct = (1 - _absence(year)) * 100
    drop = year_pct - recent_pct
    if drop < _exact(t.trend_drop_points):
        return []
    severity = Severity.HIGH if drop >= 2 * _exact(t.trend_drop_points) else Severity.MEDIUM
    reason = (
        f"Attended {float(recent_pct):.0f}% over the last {t.trend_recent_weeks} weeks "
        f"against {float(year_pct):.0f}% for the school year so far."
    )
    numbers = {
        "recent_attendance_pct": float(recent_pct),
        "year_attendance_pct": float(year_pct),
        "drop_points": float(drop),
        "recent_weeks": t.trend_recent_weeks,
    }
    return [EarlyWarning(WarningKind.FALLING_TREND, reason, severity, numbers)]


def monday_friday_pattern(
    marks: Marks,
    *,
    today: date,
    term_starts: Iterable[date],
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> list[EarlyWarning]:
    """Absence concentrated on Mondays and/or Fridays compared with midweek."""
    t = thresholds
    by_day: dict[int, list[_Counted]] = defaultdict(list)
    for row in _this_year(marks, today, term_starts):
        by_day[row.day.weekday()].append(row)
    midweek = by_day[1] + by_day[2] + by_day[3]
    mid_rate = _absence(midweek)
    parts: list[str] = []
    numbers: dict[str, float] = {}
    for weekday, name in ((0, "Monday"), (4, "Friday")):
        rows = by_day[weekday]
        missed = sum(r.absent for r in rows)
        if missed < t.weekday_min_absences or not _stands_out(
            _absence(rows), mid_rate, t.weekday_ratio
        ):
            continue
        parts.append(f"{missed} of {len(rows)} {name} sessions ({_pct(_absence(rows))})")
        key = name.lower()
        numbers |= {f"{key}_missed": missed, f"{key}_possible": len(rows)}
        numbers[f"{key}_absence_pct"] = float(_absence(rows) * 100)
    if not parts:
        return []
    mid_missed = sum(r.absent for r in midweek)
    numbers |= {"midweek_missed": mid_missed, "midweek_possible": len(midweek)}
    numbers["midweek_absence_pct"] = float(mid_rate * 100)
    reason = (
        f"Missed {' and '.join(parts)} this school year, against {mid_missed} of "
        f"{len(midweek)} sessions ({_pct(mid_rate)}) from Tuesday to Thursday."
    )
    return [EarlyWarning(WarningKind.MONDAY_FRIDAY, reason, Severity.MEDIUM, numbers)]


def _restart_days(school_days: list[date], term_starts: Iterable[date], gap: int) -> list[date]:
    """First school day on or after each term start, and after each break of ``gap``+ days."""
    restarts = set()
    for start in term_starts:
        first = next((d for d in school_days if d >= start), None)
        if first is not None:
            restarts.add(first)
    for before, after in itertools.pairwise(school_days):
        if (after - before).days >= gap:
            restarts.add(after)
    return sorted(restarts)


def start_of_term_pattern(
    marks: Marks,
    *,
    today: date,
    term_starts: Sequence[date],
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> list[EarlyWarning]:
    """Absence bunched in the first days back after a term start or a break."""
    t = thresholds
    year = _this_year(marks, today, term_starts)
    school_days = sorted({r.day for r in year})
    start = school_year_start(today, term_starts)
    starts = [d for d in term_starts if d >= start]
    restarts = _restart_days(school_days, starts, t.holiday_gap_days)
    window: set[date] = set()
    affected = 0
    for restart in restarts:
        i = school_days.index(restart)
        days = set(school_days[i : i + t.restart_school_days])
        window |= days
        affected += any(r.absent for r in year if r.day in days)
    inside = [r for r in year if r.day in window]
    outside = [r for r in year if r.day not in window]
    if affected < t.restart_min_affected or not _stands_out(
        _absence(inside), _absence(outside), t.restart_ratio
    ):
        return []
    reason = (
        f"Missed time in the first {t.restart_school_days} days back after {affected} of "
        f"{len(restarts)} term starts or breaks: {_pct(_absence(inside))} of those sessions "
        f"missed against {_pct(_absence(outside))} on other days."
    )
    numbers = {
        "restarts": len(restarts),
        "restarts_with_absence": affected,
        "first_days_absence_pct": float(_absence(inside) * 100),
        "other_days_absence_pct": float(_absence(outside) * 100),
    }
    return [EarlyWarning(WarningKind.START_OF_TERM, reason, Severity.MEDIUM, numbers)]


def repeated_lateness(
    marks: Marks,
    *,
    today: date,
    term_starts: Iterable[date],
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> list[EarlyWarning]:
    """Late (L or U) again and again in recent weeks."""
    t = thresholds
    recent = _since(_this_year(marks, today, term_starts), today, t.lateness_weeks)
    lates = sum(r.late for r in recent)
    after_close = sum(r.late_after_close for r in recent)
    if lates < t.lateness_count:
        return []
    reason = (
        f"Late {lates} times in the last {t.lateness_weeks} weeks: "
        f"{lates - after_close} before the register closed and {after_close} after it closed."
    )
    severity = Severity.MEDIUM if after_close else Severity.LOW
    numbers = {
        "lates": lates,
        "late_before_close": lates - after_close,
        "late_after_close": after_close,
        "weeks": t.lateness_weeks,
    }
    return [EarlyWarning(WarningKind.REPEATED_LATENESS, reason, severity, numbers)]


def same_lessons_missed(
    lessons: Iterable[LessonMark],
    *,
    today: date,
    term_starts: Iterable[date],
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> list[EarlyWarning]:
    """One warning per subject missed repeatedly and more than other lessons."""
    t = thresholds
    first = max(
        school_year_start(today, term_starts),
        today - timedelta(weeks=t.lesson_weeks) + timedelta(days=1),
    )
    by_subject: dict[str, list[bool]] = defaultdict(list)
    for lesson in lessons:
        if first <= lesson.day <= today:
            entry = counted_as(lesson.code)
            if entry.possible:
                by_subject[lesson.subject].append(entry.is_absence)
    warnings = []
    for subject, marks in sorted(by_subject.items()):
        missed = sum(marks)
        others = [m for s, ms in by_subject.items() if s != subject for m in ms]
        rate = Fraction(missed, len(marks))
        other_rate = Fraction(sum(others), len(others)) if others else Fraction(0)
        if missed < t.lesson_min_missed or not _stands_out(rate, other_rate, t.lesson_ratio):
            continue
        reason = (
            f"Missed {missed} of {len(marks)} {subject} lessons in the last {t.lesson_weeks} "
            f"weeks ({_pct(rate)}), against {sum(others)} of {len(others)} other lessons "
            f"({_pct(other_rate)})."
        )
        numbers = {
            "missed": missed,
            "lessons": len(marks),
            "absence_pct": float(rate * 100),
            "other_absence_pct": float(other_rate * 100),
        }
        warnings.append(
            EarlyWarning(WarningKind.SAME_LESSONS_MISSED, reason, Severity.MEDIUM, numbers)
        )
    return warnings


def _whole_days_absent(year: list[_Counted]) -> list[tuple[date, bool, int]]:
    """(day, every possible session missed, unauthorised sessions) for each school day."""
    days: dict[date, list[_Counted]] = defaultdict(list)
    for row in year:
        days[row.day].append(row)
    return [
        (day, all(r.absent for r in rows), sum(r.unauthorised for r in rows))
        for day, rows in sorted(days.items())
    ]


def continuous_absence(
    marks: Marks,
    *,
    today: date,
    term_starts: Iterable[date],
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> list[EarlyWarning]:
    """The longest run of whole school days missed this year, if it reaches the threshold.

    Weekends, holidays and closures are not school days, so they neither break nor extend a
    run; a day with any session attended does break it.
    """
    days = _whole_days_absent(_this_year(marks, today, term_starts))
    best: list[tuple[date, bool, int]] = []
    run: list[tuple[date, bool, int]] = []
    for entry in days:
        run = [*run, entry] if entry[1] else []
        if run and len(run) >= len(best):  # the latest of equally long runs
            best = run
    if not best or len(best) < thresholds.continuous_days:
        return []
    ongoing = best[-1][0] == days[-1][0]
    unauthorised = sum(e[2] for e in best)
    reason = (
        f"Absent for {len(best)} school days in a row, from {_date_text(best[0][0])} to "
        f"{_date_text(best[-1][0])}{' and still absent' if ongoing else ''}, with "
        f"{_plural(unauthorised, 'unauthorised session')}. "
        f"Check whether the local authority needs to be told."
    )
    numbers = {"days": len(best), "unauthorised_sessions": unauthorised, "ongoing": int(ongoing)}
    return [EarlyWarning(WarningKind.CONTINUOUS_ABSENCE, reason, Severity.HIGH, numbers)]


def fifteen_days_missed(
    marks: Marks,
    *,
    today: date,
    term_starts: Iterable[date],
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> list[EarlyWarning]:
    """Days missed this school year (any absence, together or apart) reach the threshold."""
    sessions = sum(r.absent for r in _this_year(marks, today, term_starts))
    if sessions < 2 * thresholds.days_missed_notify:
        return []
    days = sessions / 2
    reason = (
        f"Missed {days:g} days of school ({sessions} sessions) this school year. At "
        f"{thresholds.days_missed_notify} days, check whether the local authority needs to "
        f"know, for example to arrange education during a long illness."
    )
    numbers = {"days_missed": days, "sessions_missed": sessions}
    return [EarlyWarning(WarningKind.FIFTEEN_DAYS_MISSED, reason, Severity.HIGH, numbers)]


def _sessions_to_reach(missed: int, possible: int, line: Fraction) -> int:
    """How many more missed sessions would take the absence rate to ``line``."""
    # (missed + k) / (possible + k) >= line  <=>  k >= (line * possible - missed) / (1 - line)
    return max(0, math.ceil((line * possible - missed) / (1 - line)))


def absence_lines(
    marks: Marks,
    *,
    today: date,
    term_starts: Iterable[date],
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> list[EarlyWarning]:
    """Approaching or past the persistent (10%) and severe (50%) absence lines; the worst only."""
    t = thresholds
    year = _this_year(marks, today, term_starts)
    if len(year) < t.lines_min_possible:
        return []
    missed, possible = sum(r.absent for r in year), len(year)
    share = Fraction(missed, possible)
    so_far = f"Missed {missed} of {possible} sessions this school year ({_pct_floor(share)})"
    numbers = {"missed": missed, "possible": possible, "absence_pct": float(share * 100)}
    if share >= SEVERE_LINE:
        reason = f"{so_far}, which is severe absence (50% or more)."
        return [EarlyWarning(WarningKind.SEVERE_ABSENCE, reason, Severity.HIGH, numbers)]
    if share >= SEVERE_LINE - _exact(t.severe_margin_points) / 100:
        return [
            _approaching(
                WarningKind.APPROACHING_SEVERE,
                so_far,
                numbers,
                SEVERE_LINE,
                "severe",
                Severity.HIGH,
            )
        ]
    if share >= PERSISTENT_LINE:
        reason = f"{so_far}, which is persistent absence (10% or more)."
        return [EarlyWarning(WarningKind.PERSISTENT_ABSENCE, reason, Severity.MEDIUM, numbers)]
    if share >= PERSISTENT_LINE - _exact(t.persistent_margin_points) / 100:
        return [
            _approaching(
                WarningKind.APPROACHING_PERSISTENT,
                so_far,
                numbers,
                PERSISTENT_LINE,
                "persistent",
                Severity.LOW,
            )
        ]
    return []


def _approaching(
    kind: WarningKind,
    so_far: str,
    numbers: Mapping[str, float],
    line: Fraction,
    name: str,
    severity: Severity,
) -> EarlyWarning:
    more = _sessions_to_reach(int(numbers["missed"]), int(numbers["possible"]), line)
    reason = (
        f"{so_far}; {_plural(more, 'more missed session')} would reach the "
        f"{float(line * 100):.0f}% {name} absence line."
    )
    return EarlyWarning(kind, reason, severity, {**numbers, "sessions_to_line": more})


def evaluate(
    marks: Sequence[SessionMark],
    *,
    today: date,
    term_starts: Sequence[date],
    lessons: Sequence[LessonMark] = (),
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> list[EarlyWarning]:
    """Every rule for one pupil, in a fixed order."""
    t, starts = thresholds, term_starts
    session_rules = (
        falling_trend,
        monday_friday_pattern,
        start_of_term_pattern,
        repeated_lateness,
        continuous_absence,
        fifteen_days_missed,
        absence_lines,
    )
    year_start = school_year_start(today, starts)
    year = CountedYear(_counted(marks, year_start, today), today, year_start)
    warnings = [
        warning
        for rule in session_rules
        for warning in rule(year, today=today, term_starts=starts, thresholds=t)
    ]
    warnings += same_lessons_missed(lessons, today=today, term_starts=starts, thresholds=t)
    return warnings
