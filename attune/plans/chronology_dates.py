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


def reach(parts: list[Dates], newest: int) -> date | None:
    """The date of the ``newest``-th newest of these entries, or None if there are fewer:
    every entry on or after it takes in at least the newest ``newest`` of the chronology."""
    if not parts or newest < 1:
        return None
    first, *rest = parts
    dates = first.union(*rest, all=True) if rest else first
    found = list(dates.order_by("-on")[newest - 1 : newest])
    return found[0][0] if found else None


def total(
    pupil: Pupil, wanted: Iterable[str], since: date | None, until: date | None, notes: Q
) -> int:
    """How many entries the chronology holds for these choices, counted, not read: one query
    for every source, and one more for runs of absence."""
    kinds = set(wanted)
    counts = [_count(part, Count("*")) for part in dated_entries(pupil, kinds, since, until, notes)]
    if "checkin" in kinds:
        checkins = Checkin.objects.filter(pupil=pupil, **within("on", since, until))
        counts.append(_count(checkins, Count(TruncWeek("on"), distinct=True)))
    if "attendance" in kinds:
        changes = MarkChange.objects.filter(pupil=pupil, **within("changed_at__date", since, until))
        by_hand = Count("changed_at", distinct=True, filter=Q(source__isnull=True))
        counts.append(_count(changes, Count("source_id", distinct=True) + by_hand))
    found = 0
    if counts:
        first, *rest = counts
        found = sum(n for (n,) in (first.union(*rest, all=True).order_by() if rest else first))
    if "attendance" in kinds:
        found += absence_run_count(pupil, since, until)
    return found


def _count(rows: QuerySet[Any], counted: Any) -> Dates:
    """One row, one column: ``counted`` over all of ``rows`` (ready to join a union)."""
    whole = rows.order_by().annotate(whole=Value(1)).values("whole")
    counts: Dates = whole.annotate(n=counted).order_by().values_list("n")
    return counts


def absence_run_count(pupil: Pupil, since: date | None, until: date | None) -> int:
    """How many entries ``domain.chronology.absence_runs`` makes from the register, counted in
    the database: possible sessions in register order, absences numbered apart from the rest,
    so each unbroken run of absences shares one difference of row numbers."""
    possible = SessionMark.objects.filter(
        pupil=pupil, code__in=POSSIBLE, **within("date", since, until)
    ).order_by()
    marks = possible.annotate(
        absent=Case(When(code__in=ABSENT, then=Value(1)), default=Value(0))
    ).values("date", "session", "absent")
    inner, params = marks.query.sql_with_params()
    order = 'ORDER BY m."date", m."session"'
    # The inner query is Django's own, its values passed as parameters.
    sql = (
        "SELECT COUNT(*) FROM (SELECT r FROM ("  # noqa: S608
        f"SELECT m.absent, ROW_NUMBER() OVER ({order})"
        f" - ROW_NUMBER() OVER (PARTITION BY m.absent {order}) AS r FROM ({inner}) m"
        ") w WHERE w.absent = 1 GROUP BY w.r HAVING COUNT(*) >= %s) runs"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, RUN_SESSIONS))
        (found,) = cursor.fetchone()
    return int(found)
