"""Reads for the key adult's day, joined to avoid a query a row (the lead's school-wide page
is ``across_school.py``)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Protocol

from django.db.models import Prefetch, Q, QuerySet

from attune.attendance.models import SessionMark, SessionName
from attune.checkins.domain import attunement, schedule
from attune.checkins.domain.arrival import ARRIVAL_TEXT, NOON, Arrival, arrival, mark_to_read
from attune.checkins.domain.today import STATE_TEXT, SlotState, slot_key, slot_state
from attune.checkins.models import (
    AttunementRecord,
    Checkin,
    CheckinPlan,
    DeliveryStatus,
    EmailHome,
    KeepInTouchContact,
    KeepInTouchRoutine,
    Noticing,
    Outcome,
    SchoolClosure,
    StaffAbsence,
)
from attune.people.models import Pupil, Staff
from attune.relationships.models import KeyAdultRelationship

SEEN = (Outcome.HAPPENED, Outcome.COVERED)


# ---------------------------------------------------------------------------------------------
# Relationships, with the people on them (the views open them through ``attune.access``)


def _with_people() -> QuerySet[KeyAdultRelationship]:
    return KeyAdultRelationship.objects.select_related(
        "pupil", "pupil__school", "key_adult", "co_worker"
    )


def relationship_by_id(
    relationship_id: uuid.UUID, *, current: bool = False
) -> KeyAdultRelationship | None:
    """One relationship (only a current one if ``current``), or None."""
    found = _with_people().filter(pk=relationship_id)
    if current:
        found = found.filter(ended_on__isnull=True)
    return found.first()


def current_relationship_of(pupil: Pupil) -> KeyAdultRelationship | None:
    return _with_people().filter(pupil=pupil, ended_on__isnull=True).first()


def current_relationships_of(staff: Staff) -> list[KeyAdultRelationship]:
    """The relationships where ``staff`` is the key adult or co-worker now, by child's name."""
    return list(
        _with_people()
        .filter(ended_on__isnull=True)
        .filter(Q(key_adult=staff) | Q(co_worker=staff))
        .order_by("pupil__legal_surname", "pupil__legal_forename")
    )


def domain_plan(plan: CheckinPlan) -> schedule.CheckinPlan:
    """The stored plan as the pure rules see it (one slot per agreed time of day)."""
    whens: list[schedule.Moment | time] = []
    if plan.at_start_of_day:
        whens.append(schedule.Moment.START_OF_DAY)
    if plan.at_time is not None:
        whens.append(plan.at_time)
    if plan.at_end_of_day:
        whens.append(schedule.Moment.END_OF_DAY)
    days = frozenset(int(d) for d in plan.weekdays)
    slots = tuple(
        schedule.Slot(w, weekdays=days, duration_minutes=plan.duration_minutes, place=plan.place)
        for w in whens
    )
    return schedule.CheckinPlan(slots, starts_on=plan.starts_on, ends_on=plan.ends_on)


def calendar_between(start: date, end: date) -> schedule.SchoolCalendar:
    closures = SchoolClosure.objects.filter(on__range=(start, end)).values_list("on", flat=True)
    return schedule.SchoolCalendar(closures=frozenset(closures))


def staff_away_on(day: date) -> set[object]:
    return set(StaffAbsence.objects.filter(on=day).values_list("staff_id", flat=True))


class HasAdults(Protocol):
    """A relationship, or a row standing for one: its key adult and co-worker."""

    @property
    def key_adult_id(self) -> uuid.UUID: ...
    @property
    def co_worker_id(self) -> uuid.UUID | None: ...


def cover_for(relationship: HasAdults, away: set[object]) -> schedule.Cover:
    return schedule.Cover(
        key_adult=str(relationship.key_adult_id),
        key_adult_away=relationship.key_adult_id in away,
        co_worker=str(relationship.co_worker_id) if relationship.co_worker_id else None,
        co_worker_away=relationship.co_worker_id in away,
    )


def plan_of(relationship: KeyAdultRelationship) -> CheckinPlan | None:
    """The plan, from the caller's prefetch of ``checkin_plans`` if it made one."""
    plans = relationship.checkin_plans.all()
    return plans[0] if plans else None  # at most one, by constraint


@dataclass(frozen=True, slots=True)
class DueSlot:
    key: str
    label: str
    duration_minutes: int
    place: str
    done_by: schedule.DoneBy


def slots_due_for(relationship: KeyAdultRelationship, day: date) -> list[DueSlot]:
    """The check-ins due for this relationship on ``day`` (empty when none are)."""
    plan = CheckinPlan.objects.filter(relationship=relationship).first()
    if plan is None:
        return []
    due = schedule.due_on(
        day, domain_plan(plan), calendar_between(day, day), cover_for(relationship, set())
    )
    return [_due_slot(d) for d in due.due]


def _due_slot(due: schedule.DueCheckin) -> DueSlot:
    slot = due.slot
    return DueSlot(slot_key(slot), slot.label, slot.duration_minutes, slot.place, due.done_by)


# ---------------------------------------------------------------------------------------------
# Today


@dataclass
class SlotRow:
    due: DueSlot
    state: SlotState
    checkin: Checkin | None

    @property
    def state_text(self) -> str:
        return STATE_TEXT[self.state]


@dataclass
class ChildDay:
    relationship: KeyAdultRelationship
    plan: CheckinPlan | None
    covering: bool  # the signed-in adult is covering for an absent key adult
    key_adult_away: bool
    slots: list[SlotRow]
    none_due: str
    arrival: Arrival = Arrival.NO_MARK
    noticed: int = 0  # positives recorded for this child on the day

    @property
    def pupil(self) -> Pupil:
        return self.relationship.pupil

    @property
    def arrival_text(self) -> str:
        return ARRIVAL_TEXT[self.arrival]

    @property
    def later_slots(self) -> list[SlotRow]:
        """Slots not yet due today: Today folds them away until they are wanted."""
        return [s for s in self.slots if s.state is SlotState.LATER]


@dataclass
class KeepInTouchRow:
    routine: KeepInTouchRoutine
    arrival: Arrival
    contacts: list[KeepInTouchContact]

    @property
    def pupil(self) -> Pupil:
        return self.routine.pupil


@dataclass
class TodayPage:
    day: date
    staff: Staff
    away: bool
    closed: str
    children: list[ChildDay] = field(default_factory=list)
    keeping_in_touch: list[KeepInTouchRow] = field(default_factory=list)

    def _count(self, which: Arrival) -> int:
        return sum(1 for c in self.children if c.arrival is which)

    @property
    def in_school(self) -> int:
        return self._count(Arrival.IN_SCHOOL)

    @property
    def absent(self) -> int:
        return self._count(Arrival.ABSENT)

    @property
    def no_mark(self) -> int:
        return self._count(Arrival.NO_MARK)

    @property
    def due_now(self) -> int:
        return sum(1 for c in self.children for s in c.slots if s.state is SlotState.DUE_NOW)

    @property
    def logged(self) -> int:
        return sum(1 for c in self.children for s in c.slots if s.checkin is not None)


def _today_relationships(day: date) -> QuerySet[KeyAdultRelationship]:
    return (
        KeyAdultRelationship.objects.filter(ended_on__isnull=True)
        .select_related("pupil", "key_adult", "co_worker")
        .prefetch_related(
            "checkin_plans",
            Prefetch(
                "checkins",
                queryset=Checkin.objects.filter(on=day).select_related("done_by"),
                to_attr="day_checkins",
            ),
            Prefetch(
                "noticings", queryset=Noticing.objects.filter(on=day), to_attr="day_noticings"
            ),
        )
        .order_by("pupil__legal_surname", "pupil__legal_forename")
    )


def today_for(staff: Staff, day: date, now: datetime) -> TodayPage:
    """The adult's key children and, when their key adults are away, the children they cover."""
    away = staff_away_on(day)
    calendar = calendar_between(day, day)
    mine = Q(key_adult=staff) | Q(co_worker=staff, key_adult_id__in=away)
    relationships = list(_today_relationships(day).filter(mine))
    routines = list(
        KeepInTouchRoutine.objects.filter(staff=staff).select_related("pupil").order_by("at")
    )
    pupils = {r.pupil_id for r in relationships} | {r.pupil_id for r in routines}
    where = arrivals_on(day, pupils, afternoon=_afternoon(day, now))
    children = [
        _child_day(r, staff, day, now, away, calendar, where.get(r.pupil_id, Arrival.NO_MARK))
        for r in relationships
    ]
    closure = SchoolClosure.objects.filter(on=day).first()
    page = TodayPage(day, staff, staff.pk in away, closure.reason if closure else "", children)
    page.children.sort(key=lambda c: c.covering)  # own key children first, then cover
    page.keeping_in_touch = _keeping_in_touch(routines, where, day)
    return page


def _afternoon(day: date, now: datetime) -> bool:
    return day < now.date() or now.time() >= NOON


def arrivals_on(
    day: date, pupil_ids: Iterable[object], *, afternoon: bool
) -> dict[object, Arrival]:
    """Where each child is on ``day`` by the register: one query, read-only."""
    marks: dict[object, dict[str, str]] = defaultdict(dict)
    rows = SessionMark.objects.filter(date=day, pupil_id__in=list(pupil_ids)).values_list(
        "pupil_id", "session", "code"
    )
    for pupil_id, session, code in rows:
        marks[pupil_id][session] = code
    return {
        pupil_id: arrival(
            mark_to_read(found.get(SessionName.AM), found.get(SessionName.PM), afternoon=afternoon)
        )
        for pupil_id, found in marks.items()
    }


def _keeping_in_touch(
    routines: list[KeepInTouchRoutine], where: dict[object, Arrival], day: date
) -> list[KeepInTouchRow]:
    """The children this adult keeps in touch with who are not in school on ``day``."""
    absent = [r for r in routines if where.get(r.pupil_id) is Arrival.ABSENT]
    if not absent:
        return []
    contacts: dict[object, list[KeepInTouchContact]] = defaultdict(list)
    for c in KeepInTouchContact.objects.filter(on=day, pupil_id__in=[r.pupil_id for r in absent]):
        contacts[c.pupil_id].append(c)
    return [KeepInTouchRow(r, Arrival.ABSENT, contacts[r.pupil_id]) for r in absent]


def child_day_for(
    relationship: KeyAdultRelationship, staff: Staff, day: date, now: datetime
) -> ChildDay:
    """One child's row of Today, for re-drawing it after a check-in is logged."""
    fresh = _today_relationships(day).get(pk=relationship.pk)
    where = arrivals_on(day, [fresh.pupil_id], afternoon=_afternoon(day, now))
    return _child_day(
        fresh,
        staff,
        day,
        now,
        staff_away_on(day),
        calendar_between(day, day),
        where.get(fresh.pupil_id, Arrival.NO_MARK),
    )


def _child_day(
    relationship: KeyAdultRelationship,
    staff: Staff,
    day: date,
    now: datetime,
    away: set[object],
    calendar: schedule.SchoolCalendar,
    where: Arrival = Arrival.NO_MARK,
) -> ChildDay:
    plan = plan_of(relationship)
    covering = relationship.key_adult_id != staff.pk
    noticed = len(relationship.day_noticings)  # type: ignore[attr-defined]
    key_adult_away = relationship.key_adult_id in away
    if plan is None:
        return ChildDay(relationship, None, covering, key_adult_away, [], "", where, noticed)
    due = schedule.due_on(
        day,
        domain_plan(plan),
        calendar,
        cover_for(relationship, away),
        child_absent=where is Arrival.ABSENT,
    )
    logged = {c.slot: c for c in relationship.day_checkins}  # type: ignore[attr-defined]
    rows = [
        SlotRow(
            _due_slot(d),
            slot_state(d.slot, logged=slot_key(d.slot) in logged, day=day, now=now),
            logged.get(slot_key(d.slot)),
        )
        for d in due.due
    ]
    return ChildDay(
        relationship, plan, covering, key_adult_away, rows, due.reason_text, where, noticed
    )


# ---------------------------------------------------------------------------------------------
# Attunement


def attunement_history(relationship: KeyAdultRelationship) -> list[AttunementRecord]:
    return list(
        AttunementRecord.objects.filter(relationship=relationship).select_related("recorded_by")
    )


def current_level(relationship: KeyAdultRelationship) -> attunement.Principle | None:
    latest = AttunementRecord.objects.filter(relationship=relationship).order_by("on", "pk").last()
    return latest.principle if latest else None


def attunement_progress(records: Iterable[AttunementRecord]) -> attunement.Progress:
    return attunement.progress(attunement.LevelRecord(r.on, r.principle) for r in records)


# ---------------------------------------------------------------------------------------------
# Messages home


@dataclass
class MessagesHome:
    waiting: list[EmailHome]  # not sent yet: queued, or failed and waiting for a retry
    sent: list[EmailHome]


def messages_home(recent: int = 20) -> MessagesHome:
    emails = EmailHome.objects.select_related("pupil", "noticing__recorded_by_staff")
    return MessagesHome(
        waiting=list(emails.exclude(status=DeliveryStatus.SENT).order_by("created_at")),
        sent=list(emails.filter(status=DeliveryStatus.SENT).order_by("-sent_at")[:recent]),
    )


def noticings_for(pupil: Pupil, limit: int = 10) -> list[Noticing]:
    return list(
        Noticing.objects.filter(pupil=pupil)
        .select_related("recorded_by_staff", "email")
        .order_by("-on", "-recorded_at")[:limit]
    )
