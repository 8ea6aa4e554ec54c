"""Reads for early years pages: each a fixed number of queries, however big the setting."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time

from django.db.models import Q, QuerySet

from attune.access.children import visible_pupils
from attune.accounts.models import Membership
from attune.checkins.models import StaffAbsence
from attune.earlyyears.domain import day as rules
from attune.earlyyears.domain.ratios import (
    Child,
    Level,
    Provision,
    RatioStatus,
    RoomAssessment,
    StaffMember,
    assess_room,
)
from attune.earlyyears.models import (
    CareEntry,
    CareKind,
    ChildVisit,
    DevelopmentEntry,
    Room,
    StaffVisit,
    VisitAmendment,
)
from attune.people.models import Pupil, Staff, staff_full_name
from attune.relationships.models import KeyAdultRelationship


@dataclass
class VisitLine:
    """A visit as first recorded, and as it stands after any amendments."""

    visit: ChildVisit
    amendments: list[VisitAmendment]

    @property
    def latest(self) -> VisitAmendment | None:
        return self.amendments[-1] if self.amendments else None

    @property
    def signed_in_at(self) -> time:
        latest = self.latest
        return latest.signed_in_at if latest else self.visit.signed_in_at

    @property
    def signed_out_at(self) -> time | None:
        latest = self.latest
        return latest.signed_out_at if latest else self.visit.signed_out_at

    @property
    def collected_by(self) -> str:
        latest = self.latest
        return latest.collected_by if latest else self.visit.collected_by

    def as_rule(self) -> rules.Visit:
        return rules.Visit(self.signed_in_at, self.signed_out_at)


@dataclass
class ChildDay:
    pupil: Pupil
    visits: list[VisitLine]
    key: rules.KeyPersonToday
    minutes: int
    problems: list[rules.Problem] = field(default_factory=list)
    error: rules.Problem | None = None  # a sign-in or sign-out just refused, for the register
    posted: dict[str, str] = field(default_factory=dict)  # what was typed, so nothing is lost

    @property
    def hours(self) -> str:
        return rules.hours_label(self.minutes)

    @property
    def is_in(self) -> bool:
        return any(v.signed_out_at is None for v in self.visits)

    @property
    def open_visit(self) -> VisitLine | None:
        return next((v for v in self.visits if v.signed_out_at is None), None)


NURSERY_YEARS = (-3, -2, -1)  # under threes, nursery 1 and 2; reception is not in ratios


def setting_pupils(membership: Membership) -> QuerySet[Pupil]:
    """The children on the early years register: all of a setting's, or a school's nursery."""
    pupils = visible_pupils(membership).select_related("ey_placement")
    if not membership.school.is_early_years:
        pupils = pupils.filter(year_group__in=NURSERY_YEARS)
    return pupils


@dataclass(frozen=True, slots=True)
class KeyPair:
    key_adult_id: object
    key_person: str
    co_worker: str | None


def key_relationships_on(day: date) -> dict[object, KeyPair]:
    """Each child's key person and co-worker as they stood on ``day`` (names only, so a
    setting of a hundred children costs one light query)."""
    found = (
        KeyAdultRelationship.objects.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=day), started_on__lte=day
        )
        .order_by("started_on")
        .values_list(
            "pupil_id",
            "key_adult_id",
            "key_adult__first_name",
            "key_adult__last_name",
            "co_worker__first_name",
            "co_worker__last_name",
        )
    )
    return {
        pupil_id: KeyPair(
            key_id, staff_full_name(first, last), staff_full_name(cfirst, clast) if cfirst else None
        )
        for pupil_id, key_id, first, last, cfirst, clast in found
    }


def away_on(day: date) -> set[object]:
    return set(StaffAbsence.objects.filter(on=day).values_list("staff_id", flat=True))


def unassigned_children(membership: Membership) -> QuerySet[Pupil]:
    """Children of the setting with no current key person: shown at the top of every page."""
    current = KeyAdultRelationship.objects.filter(ended_on__isnull=True).values("pupil_id")
    return setting_pupils(membership).exclude(pk__in=current)


def _visit_lines(visits: QuerySet[ChildVisit], *, people: bool) -> dict[object, list[VisitLine]]:
    amended: dict[object, list[VisitAmendment]] = defaultdict(list)
    # One query, grouped here: a prefetch builds a queryset for each of a hundred visits.
    for amendment in (
        VisitAmendment.objects.filter(visit__in=visits.values("pk"))
        .select_related("amended_by")
        .order_by("amended_at")
    ):
        amended[amendment.visit_id].append(amendment)
    lines: dict[object, list[VisitLine]] = defaultdict(list)
    if people:
        users = ("signed_in_by__full_name", "signed_out_by__full_name")
        columns = [f.name for f in ChildVisit._meta.concrete_fields] + ["room__name", *users]
        visits = visits.select_related("signed_in_by", "signed_out_by", "room").only(*columns)
    for visit in visits:
        lines[visit.pupil_id].append(VisitLine(visit, amended.get(visit.pk, [])))
    return lines


def _key_today(pair: KeyPair | None, away: set[object]) -> rules.KeyPersonToday:
    if pair is None:
        return rules.key_person_today(None, None, away=False)
    return rules.key_person_today(pair.key_person, pair.co_worker, away=pair.key_adult_id in away)


def day_record(
    pupils: QuerySet[Pupil],
    day: date,
    *,
    today: date,
    now: time,
    present_only: bool,
    people: bool = True,
) -> list[ChildDay]:
    """Each child's day: visits as recorded and amended, hours, key person and cover.

    ``people``: each visit's room and the adults who signed it in and out, loaded with it.
    The register shows none of them: without, it builds three fewer model instances a visit."""
    visits = _visit_lines(ChildVisit.objects.filter(on=day, pupil__in=pupils), people=people)
    keys = key_relationships_on(day)
    away = away_on(day)
    sleeps: dict[object, list[rules.Sleep]] = defaultdict(list)
    for pupil_id, down, woke in CareEntry.objects.filter(
        on=day, kind=CareKind.SLEEP, pupil__in=pupils
    ).values_list("pupil_id", "at", "woke_at"):
        sleeps[pupil_id].append(rules.Sleep(down, woke))
    day_over = day < today
    until = now if day == today else None
    rows: list[ChildDay] = []
    for pupil in pupils:
        lines = visits.get(pupil.pk, [])
        if present_only and not lines:
            continue
        as_rules = [line.as_rule() for line in lines]
        rows.append(
            ChildDay(
                pupil=pupil,
                visits=lines,
                key=_key_today(keys.get(pupil.pk), away),
                minutes=rules.minutes_attended(as_rules, until=until),
                problems=rules.day_problems(as_rules, sleeps[pupil.pk], day_over=day_over),
            )
        )
    return rows


def child_day(pupil: Pupil, day: date, *, today: date, now: time) -> ChildDay:
    pupils = Pupil.objects.filter(pk=pupil.pk).select_related("ey_placement")
    [row] = day_record(pupils, day, today=today, now=now, present_only=False)
    return row


def care_entries(pupil: Pupil, day: date) -> QuerySet[CareEntry]:
    return (
        CareEntry.objects.filter(pupil=pupil, on=day)
        .select_related("done_by", "recorded_by")
        .prefetch_related("checks")
    )


def development_entries(pupil: Pupil) -> QuerySet[DevelopmentEntry]:
    return DevelopmentEntry.objects.filter(pupil=pupil).select_related("written_by")


# --- rooms and ratios ---------------------------------------------------------------------


@dataclass
class RoomPanel:
    room: Room
    children: list[Pupil]
    staff: list[StaffVisit]
    assessment: RoomAssessment
    # The adults whose leaving now would take the room out of ratio: warned before sign-out.
    needed: set[object] = field(default_factory=set)

    @property
    def breached(self) -> bool:
        return self.assessment.status == RatioStatus.OUT_OF_RATIO


def room_panels(
    day: date,
    now: time,
    *,
    rooms: QuerySet[Room] | None = None,
    provision: Provision,
    known: Mapping[uuid.UUID, Pupil] | None = None,
) -> list[RoomPanel]:
    """Who is in each room now, and whether the room is in ratio.

    ``known``: children the caller has already loaded, by id (the register has every child
    of the setting), so that only a child it lacks is loaded again.
    """
    chosen = list(rooms if rooms is not None else Room.objects.all())
    present = list(
        ChildVisit.objects.filter(on=day, signed_out_at__isnull=True, room__in=chosen).values_list(
            "room_id", "pupil_id"
        )
    )
    loaded = dict(known or {})
    missing = {pupil_id for _, pupil_id in present} - loaded.keys()
    if missing:
        loaded |= Pupil.objects.in_bulk(missing)
    children: dict[object, list[Pupil]] = defaultdict(list)
    for room_id, pupil_id in present:
        children[room_id].append(loaded[pupil_id])
    staff: dict[object, list[StaffVisit]] = defaultdict(list)
    for staff_visit in StaffVisit.objects.filter(
        on=day, signed_out_at__isnull=True, room__in=chosen
    ).select_related("staff__ey_qualification"):
        staff[staff_visit.room_id].append(staff_visit)
    panels = []
    for room in chosen:
        kids = [Child(str(p.pk), date_of_birth=p.date_of_birth) for p in children[room.pk]]
        adults = [StaffMember(str(s.staff_id), level=_level(s.staff)) for s in staff[room.pk]]
        assessment = assess_room(kids, adults, on=day, at=now, provision=provision)
        needed: set[object] = set()
        if assessment.status != RatioStatus.OUT_OF_RATIO:
            for adult_visit, adult in zip(staff[room.pk], adults, strict=True):
                rest = [a for a in adults if a is not adult]
                without = assess_room(kids, rest, on=day, at=now, provision=provision)
                if without.status == RatioStatus.OUT_OF_RATIO:
                    needed.add(adult_visit.pk)
        panels.append(RoomPanel(room, children[room.pk], staff[room.pk], assessment, needed))
    return panels


@dataclass
class RoomGroup:
    """A room on the register: its ratio now, and its children to sign in and out."""

    panel: RoomPanel | None  # None for children not yet placed in a room
    rows: list[ChildDay]


def register_by_room(rows: list[ChildDay], panels: list[RoomPanel]) -> list[RoomGroup]:
    by_room: dict[object, list[ChildDay]] = defaultdict(list)
    for row in rows:
        placement = getattr(row.pupil, "ey_placement", None)
        by_room[placement.room_id if placement else None].append(row)
    groups = [RoomGroup(panel, by_room.pop(panel.room.pk, [])) for panel in panels]
    if by_room.get(None):
        groups.append(RoomGroup(None, by_room[None]))
    return groups


def _level(staff: Staff) -> Level:
    qualification = getattr(staff, "ey_qualification", None)
    return Level(qualification.level) if qualification is not None else Level.NONE


@dataclass(frozen=True)
class Caseload:
    name: str
    children: int
    without_co_worker: int
    over_limit: bool


def key_person_caseloads(limit: int) -> list[Caseload]:
    """Each key person's number of key children, against the setting's small-caseload limit."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for first, last, co_worker in KeyAdultRelationship.objects.filter(
        ended_on__isnull=True
    ).values_list("key_adult__first_name", "key_adult__last_name", "co_worker_id"):
        tally = counts[f"{first} {last}"]
        tally[0] += 1
        tally[1] += co_worker is None
    return [Caseload(name, n, missing, n > limit) for name, (n, missing) in sorted(counts.items())]
