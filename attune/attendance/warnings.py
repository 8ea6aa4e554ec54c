"""Early warnings for many children at once: the lead's daily list and a key adult's children.

The rules are ``domain/early_warning.evaluate``, one pupil at a time; this module only fetches
the marks. It reads the year's session marks for every child concerned in one query (and their
lesson marks in one more), in pupil order, and hands each child's slice to the rules.

For a whole school that is seconds of work (2,000 pupils: ~6 s), so the day's answer is kept
(``AttentionEntry``, with what the list's order needs so a page of it is read in order):
worked out for the whole school by ``attune refresh_attention`` each night (or in the
background when someone opens a list that isn't today's: ``attention.py``), then kept up to
date by each import, which works out again only the children whose marks it changed, in its
own transaction (``keep_up_to_date``). So the list after an import reads kept rows, and nobody
waits. An import on a day with nothing kept yet leaves the whole school to a background task,
and so does a file too big to work in within its own transaction (a county's day: minutes of
work), whose schools' lists say they are catching up until the task has run
(``leave_to_background``).

A refresh and an import's update take turns on the school's ``AttentionRun`` row: each import
counts its change there (``version``), and a refresh that read the marks before a change
works them out again with the row locked, so it never overwrites an import's newer rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterator
from dataclasses import dataclass, fields
from datetime import date, datetime
from functools import cache
from itertools import groupby
from typing import Any

from django.db import connection, transaction
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

from attune.attendance.domain.calculations import AttendanceSummary, summarise
from attune.attendance.domain.early_warning import (
    EarlyWarning,
    LessonMark,
    Session,
    SessionMark,
    Severity,
    WarningKind,
    evaluate,
)
from attune.attendance.models import AttentionEntry, AttentionRun
from attune.attendance.models import LessonMark as LessonMarkRow
from attune.attendance.models import SessionMark as SessionMarkRow
from attune.attendance.school import PUPIL_FIELDS, PupilFigures, pupil_figures, school_year
from attune.bulk import analyse_if_mostly_new
from attune.tenancy import current_school_id, school_scope, scopes_disabled

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


# A child's warnings and the year's counts behind them.
Found = dict[uuid.UUID, tuple[tuple[EarlyWarning, ...], AttendanceSummary]]


def work_out(pupil_ids: list[uuid.UUID] | None, today: date) -> Found:
    """The warnings of these pupils (``None``: the whole open school) from their marks.

    Three queries: terms, session marks, lesson marks.
    """
    year = school_year(today)
    session_rows = SessionMarkRow.objects.filter(date__range=(year.starts_on, today))
    lesson_rows = LessonMarkRow.objects.filter(date__range=(year.starts_on, today))
    if pupil_ids is not None:
        session_rows = session_rows.filter(pupil_id__in=pupil_ids)
        lesson_rows = lesson_rows.filter(pupil_id__in=pupil_ids)
    lessons: dict[uuid.UUID, list[LessonMark]] = {}
    lesson_values = lesson_rows.order_by("pupil_id").values_list(
        "pupil_id", "date", "subject", "code"
    )
    for key, group in groupby(_raw(lesson_values), key=lambda r: r[0]):
        lessons[_uuid(key)] = [LessonMark(_day(d), subject, code) for _, d, subject, code in group]
    found: Found = {}
    by_pupil = session_rows.order_by("pupil_id").values_list("pupil_id", "date", "session", "code")
    for key, group in groupby(_raw(by_pupil), key=lambda r: r[0]):
        pupil_id = _uuid(key)
        marks = [SessionMark(_day(d), SESSIONS[session], code) for _, d, session, code in group]
        warnings = evaluate(
            marks, today=today, term_starts=year.term_starts, lessons=lessons.get(pupil_id, ())
        )
        if warnings:
            found[pupil_id] = (_order(warnings), summarise(mark.code for mark in marks))
    return found


SESSIONS = {session.value: session for session in Session}


def _raw(rows: QuerySet[Any, tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """The rows as the database sends them, a chunk at a time, without Django turning each
    value into Python: a school's year is 760,000 marks, and making a ``UUID`` of every mark's
    pupil id was most of the work. Pupil ids and dates are converted once each (``_uuid``,
    ``_day``)."""
    sql, params = rows.query.sql_with_params()
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(5000):
            yield from chunk


def _uuid(value: Any) -> uuid.UUID:
    """A pupil id as the database sent it (a ``UUID``, or 32 hex digits on SQLite)."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(value)


@cache
def _day(value: Any) -> date:
    """A date as the database sent it (a ``date``, or ISO text on SQLite)."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def keep_up_to_date(
    school_id: int, pupil_ids: Collection[uuid.UUID], *, today: date, imported_at: datetime
) -> bool:
    """After an import changed these pupils' marks, work out their warnings again and replace
    their kept rows, so the school's list for ``today`` stays right without working out the
    whole school. Call it inside the import's transaction. Returns ``False`` (and changes no
    warnings) when the school has no warnings kept for ``today`` to keep up to date.

    It locks the school's run, so a whole-school refresh waits for the import to commit, and
    counts the change, so a refresh that read the marks before it works them out again.
    Queries: the run, terms, session marks, lesson marks, the delete, the inserts and the run's
    update; the cost is the touched children's marks, a few milliseconds a child.
    """
    with school_scope(school_id):
        run = AttentionRun.objects.select_for_update().first()
        if run is None:
            return False
        run.version += 1
        if run.day != today:
            run.save(update_fields=["version"])
            return False
        ids = list(pupil_ids)
        found = work_out(ids, today) if ids else {}
        AttentionEntry.objects.filter(day=today, pupil_id__in=ids).delete()
        AttentionEntry.objects.bulk_create(_entries(school_id, today, found), batch_size=1000)
        run.worked_out_at = max(run.worked_out_at, imported_at)
        run.save(update_fields=["version", "worked_out_at"])
    return True


def leave_to_background(school_ids: Collection[int], *, imported_at: datetime) -> None:
    """After an import too big to work in itself changed marks at these schools: count the
    change on each school's run, so a refresh that read the marks before it works them out
    again, and note since when marks have waited, so the list says it is catching up. The
    caller queues each school's refresh once the import commits."""
    with scopes_disabled():
        AttentionRun.objects.filter(school_id__in=school_ids).update(
            version=F("version") + 1,
            marks_waiting_since=Coalesce("marks_waiting_since", Value(imported_at)),
        )


def refresh(today: date) -> Found:
    """Work out the whole open school's warnings for ``today`` and keep them (earlier days'
    are dropped: they were only ever a cache of what the marks say).

    The marks are read without holding anything (seconds of work); then, with the school's
    run locked, the rows are replaced. If an import kept rows up to date meanwhile, the marks
    are read again under the lock first, so its newer rows are not overwritten.
    """
    school = current_school_id()
    seen = AttentionRun.objects.values_list("version", flat=True).first() or 0
    started = timezone.now()
    found = work_out(None, today)
    with transaction.atomic():
        run, _ = AttentionRun.objects.select_for_update().get_or_create(
            school_id=school, defaults={"day": today, "worked_out_at": started}
        )
        if run.version != seen:  # an import changed the kept rows since the marks were read
            started = timezone.now()
            found = work_out(None, today)
        AttentionEntry.objects.all().delete()
        AttentionEntry.objects.bulk_create(_entries(school, today, found), batch_size=1000)
        # Every row now has a new day: planning on statistics from before, the first read
        # after it (or after the next import) expected one row and read them all (see
        # ``analyse_if_mostly_new``).
        analyse_if_mostly_new(AttentionEntry._meta.db_table, len(found), len(found))
        run.day, run.worked_out_at, run.version = today, started, run.version + 1
        run.refresh_queued_at = run.marks_waiting_since = None
        run.save()
    return found


def _entries(school_id: int, today: date, found: Found) -> Iterator[AttentionEntry]:
    for pupil_id, (warnings, summary) in found.items():
        pct = summary.attendance_pct
        yield AttentionEntry(
            school_id=school_id,
            pupil_id=pupil_id,
            day=today,
            warnings=[_warning_json(w) for w in warnings],
            summary={f.name: getattr(summary, f.name) for f in fields(summary)},
            rank=SEVERITY_RANK[warnings[0].severity],
            weight=_weight(warnings),
            attendance=100.0 if pct is None else pct,
        )


# The list's order in the database, as ``urgency`` orders children worked out on the spot.
URGENCY = (
    F("rank").desc(),
    F("weight").desc(),
    F("attendance").asc(),
    Lower("pupil__legal_surname").asc(),
    Lower("pupil__legal_forename").asc(),
    F("pupil_id").asc(),
)


def kept_children(entries: QuerySet[AttentionEntry]) -> list[ChildWarnings]:
    """These kept rows (a page of the list, already ordered) as children with their warnings:
    one query, the pupils' names joined in."""
    pupil_fields = [f"pupil__{name}" for name in PUPIL_FIELDS]
    return [
        ChildWarnings(
            pupil_figures(
                {name: row[f"pupil__{name}"] for name in PUPIL_FIELDS},
                AttendanceSummary(**row["summary"]),
            ),
            tuple(_warning(w) for w in row["warnings"]),
        )
        for row in entries.values("warnings", "summary", *pupil_fields)
    ]


def _warning_json(warning: EarlyWarning) -> dict[str, object]:
    return {
        "kind": warning.kind.value,
        "reason": warning.reason,
        "severity": warning.severity.value,
        "numbers": dict(warning.numbers),
    }


def _warning(data: dict[str, Any]) -> EarlyWarning:
    return EarlyWarning(
        WarningKind(data["kind"]), data["reason"], Severity(data["severity"]), data["numbers"]
    )


def _weight(warnings: tuple[EarlyWarning, ...]) -> int:
    return sum(SEVERITY_RANK[w.severity] for w in warnings)


def urgency(child: ChildWarnings) -> tuple[int, int, float, str]:
    """Most urgent first: the highest severity, then the most high and medium warnings, then
    the lowest attendance."""
    pct = child.pupil.summary.attendance_pct
    return (
        -SEVERITY_RANK[child.top_severity],
        -_weight(child.warnings),
        100.0 if pct is None else pct,
        child.pupil.sort_name,
    )
