"""Early warnings for many children at once: the lead's daily list and a key adult's children.

The rules are ``domain/early_warning.evaluate``, one pupil at a time; this module only fetches
the marks. It reads the year's session marks for every child concerned in one query (and their
lesson marks in one more), in pupil order, and hands each child's slice to the rules.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from itertools import groupby

from django.db.models import QuerySet

from attune.attendance.domain.calculations import summarise
from attune.attendance.domain.early_warning import (
    EarlyWarning,
    LessonMark,
    Session,
    SessionMark,
    Severity,
    evaluate,
)
from attune.attendance.models import LessonMark as LessonMarkRow
from attune.attendance.models import SessionMark as SessionMarkRow
from attune.attendance.school import PUPIL_FIELDS, PupilFigures, pupil_figures, school_year
from attune.people.models import Pupil

SEVERITY_RANK = {Severity.HIGH: 3, Severity.MEDIUM: 2, Severity.LOW: 1}


@dataclass(frozen=True, slots=True)
class ChildWarnings:
    pupil: PupilFigures  # with the year's summary
    warnings: tuple[EarlyWarning, ...]  # most severe first

    @property
    def top_severity(self) -> Severity:
        return self.warnings[0].severity


def _order(warnings: list[EarlyWarning]) -> tuple[EarlyWarning, ...]:
    return tuple(sorted(warnings, key=lambda w: -SEVERITY_RANK[w.severity]))


def children_needing_attention(pupils: QuerySet[Pupil], *, today: date) -> list[ChildWarnings]:
    """Children among ``pupils`` with at least one warning this school year, most urgent first.

    Most urgent: the highest severity, then the most high and medium warnings, then the lowest
    attendance. Three queries (terms, session marks, lesson marks) plus the pupils.
    """
    year = school_year(today)
    rows = {row["id"]: row for row in pupils.values(*PUPIL_FIELDS)}
    if not rows:
        return []
    ids = pupils.values("id")
    session_rows = (
        SessionMarkRow.objects.filter(pupil_id__in=ids, date__range=(year.starts_on, today))
        .order_by("pupil_id")
        .values_list("pupil_id", "date", "session", "code")
    )
    lesson_rows = (
        LessonMarkRow.objects.filter(pupil_id__in=ids, date__range=(year.starts_on, today))
        .order_by("pupil_id")
        .values_list("pupil_id", "date", "subject", "code")
    )
    lessons: dict[uuid.UUID, list[LessonMark]] = {}
    for pupil_id, group in groupby(lesson_rows.iterator(chunk_size=5000), key=lambda r: r[0]):
        lessons[pupil_id] = [LessonMark(day, subject, code) for _, day, subject, code in group]
    out = []
    for pupil_id, group in groupby(session_rows.iterator(chunk_size=5000), key=lambda r: r[0]):
        marks = [SessionMark(day, Session(session), code) for _, day, session, code in group]
        warnings = evaluate(
            marks, today=today, term_starts=year.term_starts, lessons=lessons.get(pupil_id, ())
        )
        if warnings and pupil_id in rows:
            summary = summarise(mark.code for mark in marks)
            out.append(ChildWarnings(pupil_figures(rows[pupil_id], summary), _order(warnings)))
    out.sort(key=_urgency)
    return out


def _urgency(child: ChildWarnings) -> tuple[int, int, float, str]:
    weight = sum(SEVERITY_RANK[w.severity] for w in child.warnings)
    pct = child.pupil.summary.attendance_pct
    return (
        -SEVERITY_RANK[child.top_severity],
        -weight,
        100.0 if pct is None else pct,
        child.pupil.sort_name,
    )
