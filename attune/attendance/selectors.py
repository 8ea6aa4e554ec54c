"""Reads for attendance: marks and the counts behind every figure, summed by the database."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Max, Min, QuerySet

from attune.attendance.domain.calculations import (
    AttendanceSummary,
    lessons_missed_by_subject,
    summarise,
)
from attune.attendance.domain.codes import CODES, RegisterCode
from attune.attendance.domain.early_warning import (
    EarlyWarning,
    Session,
    evaluate,
    school_year_start,
)
from attune.attendance.domain.early_warning import LessonMark as LessonMark_
from attune.attendance.domain.early_warning import SessionMark as SessionMark_
from attune.attendance.models import LessonMark, MarkChange, SessionMark
from attune.attendance.week_counts import pupil_summaries
from attune.people.models import Pupil


@dataclass(frozen=True, slots=True)
class PupilAttendance:
    pupil_id: uuid.UUID
    upn: str
    summary: AttendanceSummary


def _in_range(
    marks: QuerySet[SessionMark], date_from: date | None, date_to: date | None
) -> QuerySet[SessionMark]:
    if date_from is not None:
        marks = marks.filter(date__gte=date_from)
    if date_to is not None:
        marks = marks.filter(date__lte=date_to)
    return marks


def school_attendance(
    *, date_from: date | None = None, date_to: date | None = None
) -> list[PupilAttendance]:
    """Every pupil of the open school, by UPN, with their counts over the range (a few queries).

    The counts come from ``week_counts`` (the pure module's sums over the marks); an open end
    of the range stops at the school's first or last mark.
    """
    if date_from is None or date_to is None:
        bounds = SessionMark.objects.aggregate(first=Min("date"), last=Max("date"))
        date_from = date_from or bounds["first"]
        date_to = date_to or bounds["last"]
    summaries = (
        {}
        if date_from is None or date_to is None
        else pupil_summaries(date_from=date_from, date_to=date_to)
    )
    pupils = Pupil.objects.order_by("upn").values_list("id", "upn")
    return [
        PupilAttendance(pupil_id, upn, summaries.get(pupil_id, AttendanceSummary()))
        for pupil_id, upn in pupils
    ]


def pupil_marks(
    pupil: Pupil, *, date_from: date | None = None, date_to: date | None = None
) -> QuerySet[SessionMark]:
    """One pupil's session marks in date order (the unique index serves this read)."""
    return _in_range(SessionMark.objects.filter(pupil=pupil), date_from, date_to).order_by(
        "date", "session"
    )


def pupil_lessons(pupil: Pupil, *, date_from: date, date_to: date) -> QuerySet[LessonMark]:
    return LessonMark.objects.filter(pupil=pupil, date__range=(date_from, date_to)).order_by(
        "date", "period"
    )


def pupil_mark_changes(pupil: Pupil, *, date_from: date, date_to: date) -> QuerySet[MarkChange]:
    return (
        MarkChange.objects.filter(pupil=pupil, date__range=(date_from, date_to))
        .select_related("source")
        .order_by("-changed_at", "date", "session")
    )


@dataclass(frozen=True, slots=True)
class Day:
    day: date
    am: str
    pm: str


@dataclass(frozen=True, slots=True)
class Week:
    monday: date
    days: tuple[Day, ...]


@dataclass(frozen=True, slots=True)
class PupilAttendancePage:
    date_from: date
    date_to: date
    summary: AttendanceSummary
    weeks: tuple[Week, ...]
    warnings: tuple[EarlyWarning, ...]
    lessons_missed: dict[str, int]
    codes_used: tuple[RegisterCode, ...]
    changes: tuple[MarkChange, ...]


def _weeks(marks: dict[tuple[date, str], str]) -> tuple[Week, ...]:
    """Monday-to-Friday rows from the first week with a mark to the last, newest first."""
    if not marks:
        return ()
    days = [day for day, _ in marks]
    first = min(days) - timedelta(days=min(days).weekday())
    weeks = []
    monday = first
    while monday <= max(days):
        week = tuple(
            Day(d, marks.get((d, "AM"), ""), marks.get((d, "PM"), ""))
            for d in (monday + timedelta(days=n) for n in range(5))
        )
        if any(day.am or day.pm for day in week):
            weeks.append(Week(monday, week))
        monday += timedelta(days=7)
    return tuple(reversed(weeks))


def pupil_attendance_page(
    pupil: Pupil, *, today: date, term_starts: Sequence[date] = ()
) -> PupilAttendancePage:
    """A child's school year so far: totals, register by week, early warnings (3 queries)."""
    start = school_year_start(today, term_starts)
    rows = list(
        pupil_marks(pupil, date_from=start, date_to=today).values_list("date", "session", "code")
    )
    lessons = list(pupil_lessons(pupil, date_from=start, date_to=today))
    marks = {(day, session): code for day, session, code in rows}
    session_marks = [SessionMark_(day, Session(session), code) for day, session, code in rows]
    warnings = evaluate(
        session_marks,
        today=today,
        term_starts=term_starts,
        lessons=[LessonMark_(lesson.date, lesson.subject, lesson.code) for lesson in lessons],
    )
    used = sorted({code for _, _, code in rows}, key=list(CODES).index)
    return PupilAttendancePage(
        date_from=start,
        date_to=today,
        summary=summarise(code for _, _, code in rows),
        weeks=_weeks(marks),
        warnings=tuple(warnings),
        lessons_missed=lessons_missed_by_subject(lessons),
        codes_used=tuple(CODES[code] for code in used),
        changes=tuple(pupil_mark_changes(pupil, date_from=start, date_to=today)[:20]),
    )
