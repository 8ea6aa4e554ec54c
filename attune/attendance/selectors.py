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
from attune.attendance.domain.codes import ALL_CODES, RegisterCode
from attune.attendance.domain.ctf import summarise_marks
from attune.attendance.domain.early_warning import (
    EarlyWarning,
    Session,
    evaluate,
    school_year_start,
)
from attune.attendance.domain.early_warning import LessonMark as LessonMark_
from attune.attendance.domain.early_warning import SessionMark as SessionMark_
from attune.attendance.models import LessonMark, MarkChange, PriorAttendance, SessionMark
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
    """A school day's two marks as the register wrote them, and (when it reads differently)
    the code each is counted as: a retired code shows both."""

    day: date
    am: str
    pm: str
    am_read: str = ""
    pm_read: str = ""


@dataclass(frozen=True, slots=True)
class PriorYear:
    """A year of attendance kept from a CTF and never counted here (``PriorAttendance``)."""

    school: str
    year: str
    at_this_school: bool
    summary: AttendanceSummary | None  # from the marks the file gave, read by their dates
    totals: tuple[int, int, int, int] | None  # possible, attended, authorised, unauthorised


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
    prior: tuple[PriorYear, ...] = ()


Written = tuple[str, str]  # the code as the register wrote it, and as it is counted


def _weeks(marks: dict[tuple[date, str], Written]) -> tuple[Week, ...]:
    """Monday-to-Friday rows from the first week with a mark to the last, newest first."""
    if not marks:
        return ()
    days = [day for day, _ in marks]
    first = min(days) - timedelta(days=min(days).weekday())
    weeks = []
    monday = first
    while monday <= max(days):
        week = tuple(
            _day(d, marks.get((d, "AM"), ("", "")), marks.get((d, "PM"), ("", "")))
            for d in (monday + timedelta(days=n) for n in range(5))
        )
        if any(day.am or day.pm for day in week):
            weeks.append(Week(monday, week))
        monday += timedelta(days=7)
    return tuple(reversed(weeks))


def _day(day: date, am: Written, pm: Written) -> Day:
    def read(written: Written) -> str:
        return "" if written[0] == written[1] else written[1]

    return Day(day, am[0], pm[0], read(am), read(pm))


def prior_attendance(pupil: Pupil) -> tuple[PriorYear, ...]:
    """The child's years kept from Common Transfer Files: shown, never counted (one query)."""
    return tuple(
        PriorYear(
            school=row.school_name or f"LA {row.lea}, establishment {row.estab}",
            year=row.year,
            at_this_school=row.at_this_school,
            summary=summarise_marks(row.start_date, row.marks)
            if row.marks and row.start_date
            else None,
            totals=None
            if row.sessions_possible is None
            else (
                row.sessions_possible,
                row.sessions_attended or 0,
                row.sessions_authorised or 0,
                row.sessions_unauthorised or 0,
            ),
        )
        for row in PriorAttendance.objects.filter(pupil=pupil).order_by("-year", "school_name")
    )


def pupil_attendance_page(
    pupil: Pupil, *, today: date, term_starts: Sequence[date] = ()
) -> PupilAttendancePage:
    """A child's school year so far: totals, register by week (each mark as written, and what
    it counts as where that differs), early warnings, and years kept from before joining."""
    start = school_year_start(today, term_starts)
    written = list(
        pupil_marks(pupil, date_from=start, date_to=today).values_list(
            "date", "session", "code", "original_code"
        )
    )
    rows = [(day, session, code) for day, session, code, _ in written]
    lessons = list(pupil_lessons(pupil, date_from=start, date_to=today))
    marks = {(day, session): (original.upper(), code) for day, session, code, original in written}
    session_marks = [SessionMark_(day, Session(session), code) for day, session, code in rows]
    warnings = evaluate(
        session_marks,
        today=today,
        term_starts=term_starts,
        lessons=[LessonMark_(lesson.date, lesson.subject, lesson.code) for lesson in lessons],
    )
    used = sorted({code for _, _, code in rows}, key=list(ALL_CODES).index)
    return PupilAttendancePage(
        date_from=start,
        date_to=today,
        summary=summarise(code for _, _, code in rows),
        weeks=_weeks(marks),
        warnings=tuple(warnings),
        lessons_missed=lessons_missed_by_subject(lessons),
        codes_used=tuple(ALL_CODES[code] for code in used),
        changes=tuple(pupil_mark_changes(pupil, date_from=start, date_to=today)[:20]),
        prior=prior_attendance(pupil),
    )
