"""Who needs attention: the school's kept list read a page at a time, and a key adult's few.

The warnings themselves are worked out and kept in ``warnings.py``. Here they are read: the
lead's list (``attention_list``) counts the kept rows by severity and reads only the page
shown, in order, from the database; a key adult's handful (``children_needing_attention``)
reads its own rows, or works them out on the spot when there is nothing kept for today.

Nobody waits for the whole school to be worked out on the first opening of a day: the list
kept last (usually yesterday's) is shown, labelled with its day, and today's is queued on the
background worker. Only a school that has never had a list kept has it worked out there and
then, once: there is nothing older to show, and a page saying "come back later" would be no
use to someone who opened it to act today (and would never fill in without a worker running).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from typing import overload

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from attune.attendance import tasks, warnings
from attune.attendance.models import AttentionEntry, AttentionRun
from attune.attendance.school import PUPIL_FIELDS, pupil_figures
from attune.attendance.warnings import ChildWarnings, kept_children, urgency
from attune.people.models import Pupil
from attune.tenancy import current_school_id

SMALL_GROUP = 60  # up to this many children are quick enough to work out on the spot
QUEUED_FOR = timedelta(hours=1)  # an old list's refresh queued this recently is not queued again


@dataclass(frozen=True, slots=True)
class SeverityCounts:
    high: int
    medium: int
    low: int

    @property
    def total(self) -> int:
        return self.high + self.medium + self.low


@dataclass(frozen=True, slots=True)
class AttentionList:
    """The kept list for the children someone may see, most urgent first. A sequence the
    paginator can page: its length is the count, and a slice reads that page alone."""

    day: date  # the day it was worked out for
    worked_out_at: datetime
    is_today: bool
    marks_waiting_since: datetime | None  # a big import's marks, not yet worked in
    counts: SeverityCounts
    entries: QuerySet[AttentionEntry]  # in order

    def __len__(self) -> int:
        return self.counts.total

    @overload
    def __getitem__(self, index: int) -> ChildWarnings: ...
    @overload
    def __getitem__(self, index: slice) -> list[ChildWarnings]: ...
    def __getitem__(self, index: int | slice) -> ChildWarnings | list[ChildWarnings]:
        if isinstance(index, slice):
            return kept_children(self.entries[index])
        return kept_children(self.entries[index : index + 1])[0]

    def __iter__(self) -> Iterator[ChildWarnings]:
        return iter(self[:])


def attention_list(pupils: QuerySet[Pupil], *, today: date) -> AttentionList:
    """The latest kept list, narrowed to ``pupils``. If it isn't today's, today's is queued
    in the background (once an hour at most); if there has never been one, it is worked out
    now. Two queries when today's is kept: the run and the counts (then one a page)."""
    run = AttentionRun.objects.first()
    if run is None:
        warnings.refresh(today)
        run = AttentionRun.objects.get()
    elif run.day != today:
        _queue_refresh(run, timezone.now())
    entries = AttentionEntry.objects.filter(day=run.day, pupil__in=pupils.values("pk"))
    counts = entries.aggregate(
        high=Count("pk", filter=Q(rank=3)),
        medium=Count("pk", filter=Q(rank=2)),
        low=Count("pk", filter=Q(rank=1)),
    )
    return AttentionList(
        day=run.day,
        worked_out_at=run.worked_out_at,
        is_today=run.day == today,
        marks_waiting_since=run.marks_waiting_since,
        counts=SeverityCounts(**counts),
        entries=entries.order_by(*warnings.URGENCY),
    )


def _queue_refresh(run: AttentionRun, now: datetime) -> None:
    """Queue the whole school's refresh unless someone queued it lately: the first to claim
    the run's ``refresh_queued_at`` queues it, after this request's transaction commits."""
    claimed = (
        AttentionRun.objects.filter(pk=run.pk, day=run.day)
        .filter(Q(refresh_queued_at__isnull=True) | Q(refresh_queued_at__lt=now - QUEUED_FOR))
        .update(refresh_queued_at=now)
    )
    if claimed:
        transaction.on_commit(partial(tasks.refresh_attention.enqueue, current_school_id()))


def children_needing_attention(pupils: QuerySet[Pupil], *, today: date) -> list[ChildWarnings]:
    """Children among ``pupils`` with at least one warning this school year, most urgent first
    (a key adult's own children: a handful). Reads today's kept rows for them when they are up
    to date; otherwise (nothing kept for today, or a big import's marks not yet worked in)
    works out up to ``SMALL_GROUP`` children on the spot, and a bigger group reads the latest
    kept list (``attention_list``)."""
    run = AttentionRun.objects.filter(day=today).only("marks_waiting_since").first()
    if run is not None and run.marks_waiting_since is None:
        entries = AttentionEntry.objects.filter(day=today, pupil__in=pupils.values("pk"))
        return kept_children(entries.order_by(*warnings.URGENCY))
    rows = {row["id"]: row for row in pupils.values(*PUPIL_FIELDS)[: SMALL_GROUP + 1]}
    if len(rows) > SMALL_GROUP:
        return list(attention_list(pupils, today=today)[:])
    found = warnings.work_out(list(rows), today) if rows else {}
    children = [
        ChildWarnings(pupil_figures(rows[pupil_id], summary), found_warnings)
        for pupil_id, (found_warnings, summary) in found.items()
    ]
    return sorted(children, key=urgency)
