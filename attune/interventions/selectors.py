"""Reads for interventions: the catalogue with impact, a child's interventions, chronology."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import F, QuerySet

from attune.dates import within
from attune.interventions.domain.impact import Impact, MeasurePair, impact
from attune.interventions.models import Allocation, Intervention, Measure
from attune.people.models import Pupil


def for_pupil(pupil: Pupil) -> QuerySet[Allocation]:
    """A child's interventions, newest first, with what the page needs joined in.

    Callers decide who may see them: a child's interventions say a lot about their needs, so
    the per-child page asks for ``Right.SEE_SENSITIVE`` (``attune.access``).
    """
    return Allocation.objects.filter(pupil=pupil).select_related("intervention", "measure", "staff")


def allocations_of(intervention: Intervention) -> QuerySet[Allocation]:
    return (
        Allocation.objects.filter(intervention=intervention)
        .select_related("pupil", "measure", "staff")
        .order_by("-started_on", "pupil__legal_surname")
    )


@dataclass(frozen=True, slots=True)
class MeasureImpact:
    measure: Measure
    impact: Impact


def _pair(allocation: Allocation) -> MeasurePair:
    return MeasurePair(
        None if allocation.baseline is None else float(allocation.baseline),
        None if allocation.follow_up is None else float(allocation.follow_up),
    )


def impact_by_measure(allocations: Iterable[Allocation]) -> list[MeasureImpact]:
    """Impact per scale: scores on different scales are never mixed."""
    groups: dict[uuid.UUID, list[Allocation]] = defaultdict(list)
    measures: dict[uuid.UUID, Measure] = {}
    for allocation in allocations:
        groups[allocation.measure_id].append(allocation)
        measures[allocation.measure_id] = allocation.measure
    return [
        MeasureImpact(
            measures[pk],
            impact((_pair(a) for a in group), higher_is_better=measures[pk].higher_is_better),
        )
        for pk, group in sorted(groups.items(), key=lambda item: measures[item[0]].name)
    ]


@dataclass(frozen=True, slots=True)
class CatalogueRow:
    intervention: Intervention
    current: int  # children taking part now
    impacts: list[MeasureImpact]


def catalogue(*, today: date) -> list[CatalogueRow]:
    """Every intervention with how many children take part now and its impact so far."""
    interventions = list(
        Intervention.objects.select_related("measure").order_by("-is_active", "name")
    )
    allocations = Allocation.objects.select_related("measure")
    by_intervention: dict[uuid.UUID, list[Allocation]] = defaultdict(list)
    for allocation in allocations:
        by_intervention[allocation.intervention_id].append(allocation)
    rows = []
    for intervention in interventions:
        mine = by_intervention[intervention.pk]
        current = sum(1 for a in mine if a.ended_on is None or a.ended_on >= today)
        rows.append(CatalogueRow(intervention, current, impact_by_measure(mine)))
    return rows


def chronology_dates(
    pupil_id: uuid.UUID, *, since: date | None = None, until: date | None = None
) -> list[QuerySet[Allocation, tuple[date]]]:
    """The days of the child's intervention starts and ends that ``chronology_entries`` would
    give, as querysets of one ``on`` column, for counting and paging the chronology."""
    allocations = Allocation.objects.filter(pupil_id=pupil_id).order_by()
    starts = allocations.filter(**within("started_on", since, until))
    ends = allocations.filter(ended_on__isnull=False, **within("ended_on", since, until))
    return [
        starts.annotate(on=F("started_on")).values_list("on"),
        ends.annotate(on=F("ended_on")).values_list("on"),
    ]


@dataclass(frozen=True, slots=True)
class ChronologyEntry:
    pupil_id: uuid.UUID
    on: date
    kind: str
    title: str
    detail: str
    allocation_id: uuid.UUID


def chronology_entries(
    pupil_ids: Iterable[uuid.UUID], *, since: date | None = None, until: date | None = None
) -> list[ChronologyEntry]:
    """Starts and ends of these children's interventions, oldest first, for the chronology."""
    rows = (
        Allocation.objects.filter(pupil_id__in=list(pupil_ids))
        .order_by("started_on", "pk")
        .values_list("pk", "pupil_id", "intervention__name", "started_on", "ended_on", "frequency")
    )
    entries = []
    for pk, pupil_id, name, started, ended, frequency in rows:
        entries.append(
            ChronologyEntry(pupil_id, started, "intervention", f"Started {name}", frequency, pk)
        )
        if ended is not None:
            entries.append(
                ChronologyEntry(pupil_id, ended, "intervention", f"Finished {name}", "", pk)
            )
    return sorted(
        (
            e
            for e in entries
            if (since is None or e.on >= since) and (until is None or e.on <= until)
        ),
        key=lambda e: e.on,
    )
