"""The chronology as dates only: how many entries there are, and how far back a page reaches.

A page of the chronology needs the newest entries, not all of them. Each source of entries
that makes one entry per row (or per start and per end) is read here as one column of dates,
cut exactly as the source is cut (the dates asked for, and the reader's note filter for
meetings and contacts), so a hidden meeting is neither counted nor pushes a page short. The
sources that make entries from groups of rows (a week of check-ins, a run of absence, the
marks one import changed) are counted here by aggregate, and left out of the reach: leaving
entries out only moves the reach further back, never past an entry the page needs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import Case, Count, F, Q, QuerySet, Value, When
from django.db.models.functions import TruncWeek

from attune.attendance.domain.codes import ALL_CODES
from attune.attendance.models import MarkChange, SessionMark
from attune.checkins.models import Checkin
from attune.dates import within
from attune.incidents.selectors import chronology_dates as incident_dates
from attune.interventions.selectors import chronology_dates as intervention_dates
from attune.people.models import Pupil
from attune.plans.domain.chronology import RUN_SESSIONS
from attune.plans.models import ContactLogEntry, Meeting, Plan, PlanReview, YouSaid
from attune.relationships.models import CloseTeamMember, KeyAdultRelationship, WiderTeamMember

Dates = QuerySet[Any, Any]  # one column, ``on``, or one count

POSSIBLE = sorted(code for code, known in ALL_CODES.items() if known.possible)
ABSENT = sorted(code for code, known in ALL_CODES.items() if known.possible and known.is_absence)


def _dated(rows: QuerySet[Any], field: str, since: date | None, until: date | None) -> Dates:
    """One entry per row with ``field`` set and in range, as a column named ``on``."""
    kept = rows.filter(**{f"{field}__isnull": False}, **within(field, since, until))
    dates: Dates = kept.order_by().annotate(on=F(field)).values_list("on")
    return dates


def _spans(
    model: type, start: str, end: str, pupil: Pupil, since: date | None, until: date | None
) -> list[Dates]:
    rows = model.objects.filter(pupil=pupil)  # type: ignore[attr-defined]
    return [_dated(rows, start, since, until), _dated(rows, end, since, until)]


def dated_entries(
    pupil: Pupil, wanted: Iterable[str], since: date | None, until: date | None, notes: Q
) -> list[Dates]:
    """A date for each entry of the one-entry-a-row sources wanted, a queryset a source."""
    kinds = set(wanted)
    parts: list[Dates] = []
    if "key_adult" in kinds:
        parts += _spans(KeyAdultRelationship, "started_on", "ended_on", pupil, since, until)
    if "team" in kinds:
        parts += _spans(CloseTeamMember, "joined_on", "left_on", pupil, since, until)
        parts += _spans(WiderTeamMember, "started_on", "ended_on", pupil, since, until)
    if "plan" in kinds:
        parts += _spans(Plan, "started_on", "ended_on", pupil, since, until)
    if "review" in kinds:
        parts.append(_dated(PlanReview.objects.filter(plan__pupil=pupil), "held_on", since, until))
    if "meeting" in kinds:
        meetings = Meeting.objects.filter(notes, pupil=pupil)
        parts.append(_dated(meetings, "held_on", since, until))
    if "contact" in kinds:
        contacts = ContactLogEntry.objects.filter(notes, pupil=pupil)
        parts.append(_dated(contacts, "contacted_on", since, until))
    if "you_said" in kinds:
        parts += _spans(YouSaid, "raised_on", "done_on", pupil, since, until)
    if "incident" in kinds:
        parts.append(incident_dates(pupil.pk, since=since, until=until))
    if "intervention" in kinds:
        parts += intervention_dates(pupil.pk, since=since, until=until)
    return parts


def total(
    pupil: Pupil, wanted: Iterable[str], since: date | None, until: date | None, notes: Q
) -> int:
    """How many entries the chronology holds for these choices, counted, not read."""
    return locate(pupil, wanted, since, until, notes).total


@dataclass(frozen=True, slots=True)
class Place:
    """Where a page stands in the chronology."""

    total: int  # entries in all
    # The date of the ``newest``-th newest one-entry-a-row entry asked for, None if there are
    # fewer: every entry on or after it takes in at least the newest ``newest``.
    reach: date | None


def locate(
    pupil: Pupil,
    wanted: Iterable[str],
    since: date | None,
    until: date | None,
    notes: Q,
    newest: int = 0,
) -> Place:
    """The entries counted and, with ``newest``, how far back they reach, in one query.

    A page needs both. Asked apart, the dates of every one-entry-a-row source were read
    twice, once to count and once to sort; here the database reads them once and does both,
    and adds the sources counted by aggregate and the runs of absence."""
    kinds = set(wanted)
    parts = dated_entries(pupil, kinds, since, until, notes)
    counted: list[tuple[str, list[Any]]] = []
    if "checkin" in kinds:
        checkins = Checkin.objects.filter(pupil=pupil, **within("on", since, until))
        counted.append(_sql(_count(checkins, Count(TruncWeek("on"), distinct=True))))
    if "attendance" in kinds:
        changes = MarkChange.objects.filter(pupil=pupil, **within("changed_at__date", since, until))
        by_hand = Count("changed_at", distinct=True, filter=Q(source__isnull=True))
        counted.append(_sql(_count(changes, Count("source_id", distinct=True) + by_hand)))
        counted.append(_absence_runs_sql(pupil, since, until))
    dated: tuple[str, list[Any]] = ("SELECT NULL WHERE 1 = 0", [])
    if parts:
        first, *rest = parts
        dated = _sql((first.union(*rest, all=True) if rest else first).order_by())
    # An aggregate over no rows is no row at all here (it is grouped), so each counts 0 then.
    sums = " + ".join(
        ["(SELECT COUNT(*) FROM dated)", *(f"COALESCE(({sql}), 0)" for sql, _ in counted)]
    )
    # ``dated``'s one column is named by its first part ("on"); it is read by position here.
    statement = (
        f"WITH dated (on_) AS ({dated[0]}) SELECT {sums}, "  # noqa: S608 (Django's own SQL)
        "(SELECT on_ FROM dated ORDER BY on_ DESC LIMIT 1 OFFSET %s)"
    )
    params = [*dated[1], *(p for _, ps in counted for p in ps), max(newest - 1, 0)]
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        found, reached = cursor.fetchone()
    if isinstance(reached, str):  # SQLite hands a date back as text
        reached = date.fromisoformat(reached)
    return Place(int(found), reached if newest >= 1 else None)


def _sql(rows: QuerySet[Any]) -> tuple[str, list[Any]]:
    sql, params = rows.query.sql_with_params()
    return sql, list(params)


def _count(rows: QuerySet[Any], counted: Any) -> Dates:
    """One row, one column: ``counted`` over all of ``rows`` (ready to join a union)."""
    whole = rows.order_by().annotate(whole=Value(1)).values("whole")
    counts: Dates = whole.annotate(n=counted).order_by().values_list("n")
    return counts


def _absence_runs_sql(
    pupil: Pupil, since: date | None, until: date | None
) -> tuple[str, list[Any]]:
    """How many entries ``domain.chronology.absence_runs`` makes from the register, as SQL:
    possible sessions in register order, absences numbered apart from the rest, so each
    unbroken run of absences shares one difference of row numbers."""
    possible = SessionMark.objects.filter(
        pupil=pupil, code__in=POSSIBLE, **within("date", since, until)
    ).order_by()
    marks = possible.annotate(
        absent=Case(When(code__in=ABSENT, then=Value(1)), default=Value(0))
    ).values("date", "session", "absent")
    inner, params = _sql(marks)
    order = 'ORDER BY m."date", m."session"'
    # The inner query is Django's own, its values passed as parameters.
    sql = (
        "SELECT COUNT(*) FROM (SELECT r FROM ("  # noqa: S608
        f"SELECT m.absent, ROW_NUMBER() OVER ({order})"
        f" - ROW_NUMBER() OVER (PARTITION BY m.absent {order}) AS r FROM ({inner}) m"
        ") w WHERE w.absent = 1 GROUP BY w.r HAVING COUNT(*) >= %s) runs"
    )
    return sql, [*params, RUN_SESSIONS]
