"""The chronology as dates only: how many entries there are, and which dates a page spans.

A page of the chronology needs its own entries, not all of them. Every entry is read here as
one date in one column, cut exactly as its source is cut (the dates asked for, and the
reader's note filter for meetings and contacts), so a hidden meeting is neither counted nor
moves a page. A source that makes one entry per row (or per start and per end) gives a date
a row; one that makes an entry from a group of rows gives the date that entry carries: a
week of check-ins its first check-in, a run of absence its first absent session, the marks
one import changed (or one change by hand) the day of its first change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import Case, F, Min, Q, QuerySet, Value, When
from django.db.models.functions import TruncDate, TruncWeek

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
PRESENT = sorted(set(POSSIBLE) - set(ABSENT))  # a possible session not missed ends a run


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


def _checkin_weeks(pupil: Pupil, since: date | None, until: date | None) -> Dates:
    """A week of check-ins is one entry, dated its first check-in in the range."""
    checkins = Checkin.objects.filter(pupil=pupil, **within("on", since, until)).order_by()
    weeks = checkins.values(week=TruncWeek("on")).annotate(first=Min("on"))
    dates: Dates = weeks.values_list("first")
    return dates


def _imports(pupil: Pupil, since: date | None, until: date | None) -> list[Dates]:
    """The marks one import changed are one entry, and so is each change by hand (one
    moment); each is dated the local day of its first change in the range."""
    changes = MarkChange.objects.filter(
        pupil=pupil, **within("changed_at__date", since, until)
    ).order_by()
    first = Min(TruncDate("changed_at"))
    by_import = changes.filter(source__isnull=False).values("source_id").annotate(first=first)
    by_hand = changes.filter(source__isnull=True).values("changed_at").annotate(first=first)
    return [by_import.values_list("first"), by_hand.values_list("first")]


def total(
    pupil: Pupil, wanted: Iterable[str], since: date | None, until: date | None, notes: Q
) -> int:
    """How many entries the chronology holds for these choices, counted, not read."""
    return locate(pupil, wanted, since, until, notes).total


@dataclass(frozen=True, slots=True)
class Place:
    """Where a page stands in the chronology. The entries after the ``skip`` newest, up to
    the ``newest``-th, are all dated from ``reach`` to ``ceiling``; ``newer`` entries are
    dated after ``ceiling``, so the page starts ``skip - newer`` entries into those dated up
    to it."""

    total: int  # entries in all
    reach: date | None  # the ``newest``-th newest entry's date; None if there are fewer
    ceiling: date | None = None  # the date of the entry after the ``skip`` newest, if any
    newer: int = 0  # entries dated after ``ceiling``


def locate(
    pupil: Pupil,
    wanted: Iterable[str],
    since: date | None,
    until: date | None,
    notes: Q,
    newest: int = 0,
    skip: int = 0,
) -> Place:
    """The entries counted and the dates a page spans (from the entry after the ``skip``
    newest back to the ``newest``-th newest), in one query: the database reads every
    source's dates once, numbers them newest first, and picks out both ends."""
    kinds = set(wanted)
    parts = [_sql(dates) for dates in dated_entries(pupil, kinds, since, until, notes)]
    if "checkin" in kinds:
        parts.append(_sql(_checkin_weeks(pupil, since, until)))
    if "attendance" in kinds:
        parts += [_sql(dates) for dates in _imports(pupil, since, until)]
        parts.append(_absence_runs_sql(pupil, since, until))
    if not parts:
        return Place(0, None)
    # Each part's one column is read by position; wrapped, a part may group or order. The
    # parts are Django's own SQL, their values passed as parameters.
    dated = " UNION ALL ".join(
        f"SELECT * FROM ({sql}) part{n}"  # noqa: S608
        for n, (sql, _) in enumerate(parts)
    )
    newest_first = "ORDER BY on_ DESC"
    statement = (
        f"WITH dated (on_) AS ({dated}) "  # noqa: S608
        "SELECT COUNT(*), MAX(CASE WHEN n = %s THEN on_ END),"
        " MAX(CASE WHEN n = %s THEN on_ END), MAX(CASE WHEN n = %s THEN r END)"
        f" FROM (SELECT on_, ROW_NUMBER() OVER ({newest_first}) AS n,"
        f" RANK() OVER ({newest_first}) AS r FROM dated) numbered"
    )
    params = [*(p for _, ps in parts for p in ps), newest, skip + 1, skip + 1]
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        found, reached, ceiling, rank = cursor.fetchone()
    if ceiling is None or skip < 1:
        return Place(int(found), _day(reached))
    return Place(int(found), _day(reached), _day(ceiling), int(rank) - 1)


def _day(found: date | str | None) -> date | None:
    if isinstance(found, str):  # SQLite hands a date back as text
        return date.fromisoformat(found)
    return found


def _sql(rows: QuerySet[Any]) -> tuple[str, list[Any]]:
    sql, params = rows.query.sql_with_params()
    return sql, list(params)


def _absence_runs_sql(
    pupil: Pupil, since: date | None, until: date | None
) -> tuple[str, list[Any]]:
    """The dates of the entries ``domain.chronology.absence_runs`` makes from the register,
    as SQL: possible sessions in register order, absences numbered apart from the rest, so
    each unbroken run of absences shares one difference of row numbers, and is dated its
    first."""
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
        'SELECT MIN(w."date") FROM ('  # noqa: S608
        f'SELECT m."date", m.absent, ROW_NUMBER() OVER ({order})'
        f" - ROW_NUMBER() OVER (PARTITION BY m.absent {order}) AS r FROM ({inner}) m"
        ") w WHERE w.absent = 1 GROUP BY w.r HAVING COUNT(*) >= %s"
    )
    return sql, [*params, RUN_SESSIONS]
