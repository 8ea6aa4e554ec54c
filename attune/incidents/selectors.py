"""Reads for incidents: a child's incidents, the trends, and entries for the chronology."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from attune.access.children import visible_pupils
from attune.accounts.models import Membership
from attune.incidents.domain.trends import (
    IncidentPoint,
    Period,
    PeriodSummary,
    Trend,
    periods_ending,
    summarise,
    trend,
)
from attune.incidents.models import Incident
from attune.people.models import Pupil, pupil_display_name

PERIODS_SHOWN = 6


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _joined(incidents: QuerySet[Incident]) -> QuerySet[Incident]:
    return incidents.select_related("pupil", "regulated_by", "recorded_by")


def for_pupil(pupil: Pupil) -> QuerySet[Incident]:
    """All of one child's incidents: the caller cuts them to what the reader may see."""
    return Incident.objects.filter(pupil=pupil)


def recorded_by(membership: Membership, *, limit: int = 50) -> list[Incident]:
    """The entries this person wrote, newest first (what teachers and office staff see)."""
    mine = Incident.objects.filter(recorded_by_id=membership.user_id)
    return list(_joined(mine)[:limit])


def recent(*, limit: int = 20) -> list[Incident]:
    return list(_joined(Incident.objects.all())[:limit])


@dataclass(frozen=True, slots=True)
class TrendPage:
    summaries: list[PeriodSummary]
    trend: Trend
    by_half_term: bool


def _window(today: date, by_half_term: bool) -> list[Period]:
    return periods_ending(today, PERIODS_SHOWN, by_half_term=by_half_term)


def _points(rows: Iterable[tuple[datetime, int | None]]) -> list[IncidentPoint]:
    return [IncidentPoint(local_day(at), minutes) for at, minutes in rows]


def _since(day: date) -> datetime:
    """The start of ``day`` in school time, so the database compares plain timestamps."""
    return timezone.make_aware(datetime.combine(day, time.min))


def trend_page(incidents: QuerySet[Incident], *, today: date, by_half_term: bool) -> TrendPage:
    """Counts and median time to calm for the last few periods of these incidents."""
    periods = _window(today, by_half_term)
    rows = incidents.filter(occurred_at__gte=_since(periods[0].starts_on)).values_list(
        "occurred_at", "minutes_to_calm"
    )
    summaries = summarise(_points(rows), periods, today=today)
    return TrendPage(summaries, trend(summaries), by_half_term)


@dataclass(frozen=True, slots=True)
class ChildTrend:
    pupil: Pupil
    incidents: int  # in the periods shown
    trend: Trend


def school_trend(*, today: date, by_half_term: bool) -> TrendPage:
    """The whole school's trend alone, for a page that names no children (the head's home:
    reading the children it would not show was half the time)."""
    periods = _window(today, by_half_term)
    rows = Incident.objects.filter(occurred_at__gte=_since(periods[0].starts_on)).values_list(
        "occurred_at", "minutes_to_calm"
    )
    summaries = summarise([IncidentPoint(local_day(at), m) for at, m in rows], periods, today=today)
    return TrendPage(summaries, trend(summaries), by_half_term)


def school_trends(*, today: date, by_half_term: bool) -> tuple[TrendPage, list[ChildTrend]]:
    """The whole school's trend, and each child with incidents (most first), from one query."""
    periods = _window(today, by_half_term)
    rows = Incident.objects.filter(occurred_at__gte=_since(periods[0].starts_on)).values_list(
        "pupil_id", "occurred_at", "minutes_to_calm"
    )
    everyone: list[IncidentPoint] = []
    by_child: dict[uuid.UUID, list[IncidentPoint]] = defaultdict(list)
    for pupil_id, at, minutes in rows:
        point = IncidentPoint(local_day(at), minutes)
        everyone.append(point)
        by_child[pupil_id].append(point)
    summaries = summarise(everyone, periods, today=today)
    pupils = Pupil.objects.in_bulk(list(by_child))
    children = [
        ChildTrend(pupils[pk], len(points), trend(summarise(points, periods, today=today)))
        for pk, points in by_child.items()
        if pk in pupils
    ]
    children.sort(key=lambda c: (-c.incidents, c.pupil.legal_surname, c.pupil.legal_forename))
    return TrendPage(summaries, trend(summaries), by_half_term), children


@dataclass(frozen=True, slots=True)
class ChronologyEntry:
    """One line for a child's chronology. ``detail`` holds no more than the title needs."""

    pupil_id: uuid.UUID
    on: date
    kind: str
    title: str
    detail: str
    incident_id: uuid.UUID


def chronology_entries(
    pupil_ids: Iterable[uuid.UUID], *, since: date | None = None, until: date | None = None
) -> list[ChronologyEntry]:
    """Incidents of these children, oldest first, for the plans app's chronology.

    The caller must check ``Right.SEE_ALL_INCIDENTS`` (``attune.access``) for each child
    first: these are sensitive, and teachers or office staff see only their own entries.
    """
    incidents = Incident.objects.filter(pupil_id__in=list(pupil_ids))
    if since is not None:
        incidents = incidents.filter(occurred_at__date__gte=since)
    if until is not None:
        incidents = incidents.filter(occurred_at__date__lte=until)
    rows = incidents.order_by("occurred_at", "pk").values_list(
        "pk", "pupil_id", "occurred_at", "place", "minutes_to_calm"
    )
    return [
        ChronologyEntry(
            pupil_id=pupil_id,
            on=local_day(at),
            kind="incident",
            title=f"Incident in {place}",
            detail=(
                f"Calm after {minutes} minutes."
                if minutes is not None
                else "Time to calm not noted."
            ),
            incident_id=pk,
        )
        for pk, pupil_id, at, place, minutes in rows
    ]


def chronology_dates(
    pupil_id: uuid.UUID, *, since: date | None = None, until: date | None = None
) -> QuerySet[Incident, tuple[date]]:
    """The day of each of the child's incidents that ``chronology_entries`` would give, as
    rows of one ``on`` column, for counting the chronology and finding where a page reaches
    back to without reading the incidents. The same check as there comes first."""
    incidents = Incident.objects.filter(pupil_id=pupil_id)
    if since is not None:
        incidents = incidents.filter(occurred_at__date__gte=since)
    if until is not None:
        incidents = incidents.filter(occurred_at__date__lte=until)
    return incidents.order_by().annotate(on=TruncDate("occurred_at")).values_list("on")


def pupil_options(membership: Membership) -> list[tuple[uuid.UUID, str]]:
    """(id, name) of each child this person may record about, for a plain, fast select."""
    rows = (
        visible_pupils(membership)
        .order_by("legal_surname", "legal_forename")
        .values_list("pk", "preferred_name", "legal_forename", "legal_surname")
    )
    return [(pk, pupil_display_name(*names)) for pk, *names in rows]
