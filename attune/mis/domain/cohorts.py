"""Bringing a child's cohort memberships into line with what the MIS says: pure rules.

The MIS may give a cohort's whole history as date ranges (``sen_date_ranges`` and friends), or
only whether the child belongs today (a flag in ``extended_details``). Either way a stored
membership is changed or ended, never deleted, and a membership the MIS knows nothing about
is left as it is unless it is still open and the MIS says the child is not in the cohort.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from attune.mis.domain.wonde import Span


@dataclass(frozen=True, slots=True)
class Stored:
    """A stored membership: ``key`` is whatever the caller uses to find it again."""

    key: Hashable
    start: date
    end: date | None

    def open_on(self, day: date) -> bool:
        return self.end is None or self.end >= day


@dataclass
class Plan:
    """What to write: memberships to add, stored ones to change (key -> new start and end),
    and spans that were left out (with why)."""

    add: list[Span] = field(default_factory=list)
    change: dict[Hashable, tuple[date, date | None]] = field(default_factory=dict)
    left_out: list[tuple[Span, str]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.add or self.change)


def _end_before(stored: Stored, today: date) -> date:
    """The last day of a membership the MIS says is over: yesterday, or its first day if it
    began today (an end before the start would make no sense). As the pupils CSV does."""
    return max(today - timedelta(days=1), stored.start)


def from_spans(stored: Sequence[Stored], spans: Sequence[Span], today: date) -> Plan:
    """Make the stored memberships match the MIS's ranges for one child and cohort.

    A range matches a stored membership with the same start; an open range with no such
    match takes over the stored open membership (whose start was only the day a file said so);
    any other range is added. A stored membership still open that no range matches is ended.
    Only one range may be open: a second open range is left out and reported.
    """
    plan = Plan()
    ordered = sorted(spans, key=lambda s: s.start)
    opens = [s for s in ordered if s.end is None]
    for extra in opens[:-1]:
        plan.left_out.append((extra, "another open range starts later"))
    wanted = [s for s in ordered if s.end is not None or s is (opens[-1] if opens else None)]
    unmatched = list(stored)
    pairs: list[tuple[Stored, Span]] = []
    rest: list[Span] = []
    for span in wanted:
        same = next((s for s in unmatched if s.start == span.start), None)
        if same is None:
            rest.append(span)
        else:
            unmatched.remove(same)
            pairs.append((same, span))
    for span in rest:
        current = next((s for s in unmatched if s.end is None), None) if span.end is None else None
        if current is None:
            plan.add.append(span)
        else:
            unmatched.remove(current)
            pairs.append((current, span))
    for old, span in pairs:
        if (old.start, old.end) != (span.start, span.end):
            plan.change[old.key] = (span.start, span.end)
    for old in unmatched:
        if old.open_on(today):
            plan.change[old.key] = (old.start, _end_before(old, today))
    return plan


def from_flag(stored: Sequence[Stored], belongs: bool, today: date) -> Plan:
    """The MIS says only whether the child belongs today: start a membership today if they do
    and none is open, end the open ones if they do not (the pupils CSV's rule)."""
    plan = Plan()
    still_open = [s for s in stored if s.open_on(today)]
    if belongs and not still_open:
        plan.add.append(Span(today, None))
    elif not belongs:
        for old in still_open:
            plan.change[old.key] = (old.start, _end_before(old, today))
    return plan
