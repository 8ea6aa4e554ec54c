"""Check-ins across the school: the lead's page, and the figures the head's and lead's homes
take from it (warnings, completion per child and per key adult, plans still to agree).

A 2,000-pupil school has about 270 current relationships and 9,000 check-ins in the four
weeks counted. Both are read as plain rows, never as model instances: the relationships with
their child's and adults' names in one query (model instances of the relationship, child
and two adults were a quarter of the page), and the check-ins as one line of text a
relationship, split here.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

from django.db.models import CharField, Max, StringAgg, Value
from django.db.models.functions import Cast, Concat

from attune.checkins.domain import schedule, warnings
from attune.checkins.domain.today import slot_key
from attune.checkins.models import Checkin, CheckinPlan, Outcome
from attune.checkins.selectors import SEEN, calendar_between, cover_for, domain_plan, staff_away_on
from attune.people.models import Staff, pupil_display_name, staff_full_name
from attune.relationships.models import KeyAdultRelationship
from attune.relationships.selectors import staff_with_caseloads

COMPLETION_DAYS = 28  # completion is counted over the last four weeks
NOT_HAPPENING = (Outcome.MISSED, Outcome.DECLINED)
_OUTCOMES = {o.value: o for o in warnings.Outcome}
_SEEN = frozenset(o.value for o in SEEN)  # as the check-ins are read: plain text
_NOT_HAPPENING = frozenset(o.value for o in NOT_HAPPENING)


@dataclass(frozen=True, slots=True)
class ChildName:
    pk: uuid.UUID
    display_name: str


@dataclass(frozen=True, slots=True)
class AdultName:
    pk: uuid.UUID
    first_name: str
    last_name: str

    @property
    def full_name(self) -> str:
        return staff_full_name(self.first_name, self.last_name)


@dataclass(frozen=True, slots=True)
class CurrentRelationship:
    """A current relationship as the school-wide figures use it: who, since when, and the
    plan agreed (None until one is)."""

    pk: uuid.UUID
    started_on: date
    pupil: ChildName
    key_adult: AdultName
    co_worker: AdultName | None
    plan: CheckinPlan | None

    @property
    def pupil_id(self) -> uuid.UUID:
        return self.pupil.pk

    @property
    def key_adult_id(self) -> uuid.UUID:
        return self.key_adult.pk

    @property
    def co_worker_id(self) -> uuid.UUID | None:
        return self.co_worker.pk if self.co_worker else None


@dataclass
class Completion:
    due: int = 0
    happened: int = 0
    not_happening: int = 0  # missed or declined

    @property
    def not_logged(self) -> int:
        return max(self.due - self.happened - self.not_happening, 0)

    @property
    def percent(self) -> int | None:
        return round(100 * self.happened / self.due) if self.due else None

    def add(self, other: Completion) -> None:
        self.due += other.due
        self.happened += other.happened
        self.not_happening += other.not_happening


@dataclass
class ChildRow:
    relationship: CurrentRelationship
    completion: Completion
    last_seen: date | None
    plan: CheckinPlan


@dataclass
class AdultRow:
    staff: AdultName
    completion: Completion
    children: int


@dataclass(frozen=True, slots=True)
class RaisedWarning:
    relationship: CurrentRelationship
    warning: warnings.CheckinWarning


@dataclass
class AcrossSchool:
    since: date
    until: date
    children: list[ChildRow]
    adults: list[AdultRow]
    without_plan: list[CurrentRelationship]
    _every_warning: Callable[[], list[RaisedWarning]] = field(repr=False, compare=False)

    @cached_property
    def warnings(self) -> list[RaisedWarning]:
        """Each child's warnings in turn: no cover today, check-ins missed in a row, not seen
        lately. Worked out when first asked: the head's chart of completion never asks."""
        return self._every_warning()

    def caseloads(self) -> list[Staff]:
        """Staff with key children or cover: only the page itself shows them (the head's
        chart of completion shares these figures and never draws the table), so they are
        read when the page asks."""
        return [
            s
            for s in staff_with_caseloads()
            if s.caseload or s.covering  # type: ignore[attr-defined]
        ]


def checkins_across_school(
    today: date,
    *,
    missed_threshold: int = warnings.DEFAULT_MISSED_IN_A_ROW,
    not_seen_threshold: int = warnings.DEFAULT_NOT_SEEN_SCHOOL_DAYS,
) -> AcrossSchool:
    """Warnings, completion per child and per key adult, caseloads and plans still to agree."""
    since, until = today - timedelta(days=COMPLETION_DAYS), today - timedelta(days=1)
    relationships = current_relationships()
    checkins = _checkins_by_relationship(since, today)
    last_seen = _last_seen()
    calendar = calendar_between(today - timedelta(days=366), today)
    away = staff_away_on(today)
    children: list[ChildRow] = []
    for r in relationships:
        if r.plan is not None:
            done = _completion(
                r, domain_plan(r.plan), calendar, checkins.get(r.pk, {}), since, until
            )
            children.append(ChildRow(r, done, last_seen.get(r.pupil_id), r.plan))

    def every_warning() -> list[RaisedWarning]:
        raised: list[RaisedWarning] = []
        for r in relationships:
            raised += _no_cover(r, away, today)
            if r.plan is None:
                continue
            missed = _missed(checkins.get(r.pk, {}), missed_threshold)
            seen = last_seen.get(r.pupil_id)
            unseen = _not_seen(r, r.plan, seen, today, calendar, not_seen_threshold)
            raised += [RaisedWarning(r, w) for w in (missed, unseen) if w is not None]
        return raised

    return AcrossSchool(
        since=since,
        until=until,
        children=children,
        adults=_by_adult(children),
        without_plan=[r for r in relationships if r.plan is None],
        _every_warning=every_warning,
    )


def children_not_seen(
    today: date, *, threshold: int = warnings.DEFAULT_NOT_SEEN_SCHOOL_DAYS
) -> list[RaisedWarning]:
    """The "not seen lately" warnings of ``checkins_across_school``, in its order, without
    its four weeks of check-ins and completion: all the lead's home shows of it."""
    last_seen = _last_seen()
    calendar = calendar_between(today - timedelta(days=366), today)
    found = []
    for r in current_relationships():
        if r.plan is not None:
            warning = _not_seen(r, r.plan, last_seen.get(r.pupil_id), today, calendar, threshold)
            found += [RaisedWarning(r, warning)] if warning else []
    return found


def current_relationships() -> list[CurrentRelationship]:
    """Each current relationship of the school in scope, by the child's legal name."""
    plans = {p.relationship_id: p for p in CheckinPlan.objects.filter(relationship__ended_on=None)}
    rows = (
        KeyAdultRelationship.objects.filter(ended_on__isnull=True)
        .order_by("pupil__legal_surname", "pupil__legal_forename")
        .values_list(
            "pk",
            "started_on",
            "pupil_id",
            "pupil__preferred_name",
            "pupil__legal_forename",
            "pupil__legal_surname",
            "key_adult_id",
            "key_adult__first_name",
            "key_adult__last_name",
            "co_worker_id",
            "co_worker__first_name",
            "co_worker__last_name",
        )
    )
    found = []
    for row in rows:
        pk, started_on, pupil_id, preferred, forename, surname = row[:6]
        key_adult_id, key_first, key_last, co_worker_id, co_first, co_last = row[6:]
        found.append(
            CurrentRelationship(
                pk=pk,
                started_on=started_on,
                pupil=ChildName(pupil_id, pupil_display_name(preferred, forename, surname)),
                key_adult=AdultName(key_adult_id, key_first, key_last),
                co_worker=AdultName(co_worker_id, co_first, co_last) if co_worker_id else None,
                plan=plans.get(pk),
            )
        )
    return found


def _last_seen() -> dict[object, date]:
    """Each child's latest check-in that happened, by pupil."""
    return dict(
        Checkin.objects.filter(outcome__in=SEEN)
        .values("pupil_id")
        .annotate(last=Max("on"))
        .values_list("pupil_id", "last")
    )


# A relationship's check-ins as completion and the warnings read them: outcome by day and slot.
Logged = dict[tuple[date, str], str]

_FIELD, _ENTRY = " ", ";"  # neither is in a date, a slot ("start", "end", "12:30") or outcome


def _checkins_by_relationship(since: date, until: date) -> dict[uuid.UUID, Logged]:
    """The school's check-ins from ``since`` to ``until``, by relationship, in no order
    (SQLite before 3.44 cannot order them as it joins them; nothing here needs an order).

    Read as a line of text a relationship ("2026-11-09 start happened;..."), so the database
    hands over 270 rows rather than 9,000 at 2,000 pupils (half the time of reading them).
    """
    line = Concat(
        Cast("on", CharField()),
        Value(_FIELD),
        "slot",
        Value(_FIELD),
        "outcome",
        output_field=CharField(),
    )
    rows = (
        Checkin.objects.filter(on__range=(since, until))
        .order_by()
        .values("relationship_id")
        .annotate(logged=StringAgg(line, Value(_ENTRY)))
        .values_list("relationship_id", "logged")
    )
    days: dict[str, date] = {}
    found: dict[uuid.UUID, Logged] = {}
    for relationship_id, text in rows:
        logged = found[relationship_id] = {}
        for entry in text.split(_ENTRY):
            on, slot, outcome = entry.split(_FIELD)
            day = days.get(on) or days.setdefault(on, date.fromisoformat(on))
            logged[day, slot] = outcome
    return found


def _completion(
    relationship: CurrentRelationship,
    plan: schedule.CheckinPlan,
    calendar: schedule.SchoolCalendar,
    logged: Logged,
    since: date,
    until: date,
) -> Completion:
    """What was due from ``since`` to ``until`` under the plan, and how each went. Who was
    away changes who does a check-in, never whether it is due, so absences don't count."""
    key_of = {id(slot): slot_key(slot) for slot in plan.slots}  # a slot's hash is dear
    due = happened = not_happening = 0
    start = max(since, relationship.started_on)
    for day, slot in schedule.due_between(start, until, plan, calendar):
        outcome = logged.get((day, key_of[id(slot)]))
        due += 1
        happened += outcome in _SEEN
        not_happening += outcome in _NOT_HAPPENING
    return Completion(due, happened, not_happening)


def _missed(logged: Logged, threshold: int) -> warnings.CheckinWarning | None:
    """Check-ins not happening in a row, up to now. Only those from the day of the latest
    one that happened can be in that run, so the rest are not looked at."""
    seen = [on for (on, _), outcome in logged.items() if outcome in _SEEN]
    since = max(seen, default=date.min)
    records = [
        warnings.CheckinRecord(on, _OUTCOMES[outcome], order=_slot_order(slot))
        for (on, slot), outcome in logged.items()
        if on >= since
    ]
    return warnings.missed_in_a_row(records, threshold=threshold)


def _not_seen(
    relationship: CurrentRelationship,
    plan: CheckinPlan,
    last_seen: date | None,
    today: date,
    calendar: schedule.SchoolCalendar,
    threshold: int,
) -> warnings.CheckinWarning | None:
    return warnings.not_seen(
        last_seen=last_seen,
        known_since=max(plan.starts_on, relationship.started_on),
        today=today,
        calendar=calendar,
        threshold=threshold,
    )


def _slot_order(key: str) -> int:
    return 0 if key == "start" else 2 if key == "end" else 1


def _no_cover(
    relationship: CurrentRelationship, away: set[object], today: date
) -> list[RaisedWarning]:
    found = warnings.no_cover(cover_for(relationship, away), today=today)
    return [RaisedWarning(relationship, found)] if found else []


def _by_adult(children: list[ChildRow]) -> list[AdultRow]:
    adults: dict[object, AdultRow] = {}
    for row in children:
        staff = row.relationship.key_adult
        entry = adults.setdefault(staff.pk, AdultRow(staff, Completion(), 0))
        entry.completion.add(row.completion)
        entry.children += 1
    return sorted(adults.values(), key=lambda a: (a.staff.last_name, a.staff.first_name))
