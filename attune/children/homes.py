"""Each role's home: what needs them today first, each item a link to the act.

Reads only, through the other apps' selectors and the access rules: every child named here is
one the reader may see, and a child named for a fact from their sensitive record is noted as
read. A role's home is one function below, chosen by ``home_for``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.urls import reverse

from attune.access.children import Right, pupils_with, visible_pupils
from attune.accounts.models import Membership
from attune.accounts.roles import Permission, Role
from attune.attendance import school as attendance_reads
from attune.attendance.models import SessionMark
from attune.auditlog.context import note_read
from attune.checkins.across_school import ChildName, children_not_seen
from attune.checkins.domain.arrival import Arrival
from attune.checkins.models import KeepInTouchContact, KeepInTouchRoutine
from attune.checkins.selectors import arrivals_on, today_for
from attune.children.head_charts import TITLES, LaterChart, charts_of
from attune.children.selectors import needing_key_adult
from attune.earlyyears import selectors as early_years
from attune.earlyyears.domain.ratios import Provision
from attune.earlyyears.models import CareEntry, CareKind
from attune.people.models import Pupil
from attune.pep.domain.cycle import Standing
from attune.pep.selectors import looked_after_rows
from attune.plans.selectors import plans_overdue
from attune.training.domain.supervision import SupervisionStatus
from attune.training.selectors import formal_every_weeks, supervision_overview
from attune.wholeschool.models import (
    ActionStatus,
    RelationalAuditAction,
)

NAMED = 6  # children named under an item before "and N more"
UNEXPLAINED = "N"  # absent, reason not yet known: the office chases these


@dataclass(frozen=True)
class Named:
    name: str
    url: str
    detail: str = ""


@dataclass
class Need:
    """One thing that needs the reader: how many, in words, and the page where it is done."""

    count: int
    text: str
    url: str
    act: str
    named: list[Named] = field(default_factory=list)
    urgent: bool = False


@dataclass
class RoomNow:
    name: str
    children: int
    staff: int
    required: int
    in_ratio: bool
    next_hour_in_ratio: bool
    status: str


@dataclass
class Home:
    needs: list[Need] = field(default_factory=list)
    later: list[LaterChart] = field(default_factory=list)  # charts fetched once it is shown
    rooms: list[RoomNow] = field(default_factory=list)
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def waiting_on_you(self) -> list[Need]:
        return [n for n in self.needs if n.count]

    @property
    def all_clear(self) -> list[Need]:
        return [n for n in self.needs if not n.count]


def _url(name: str, urn: str, **kwargs: object) -> str:
    return reverse(name, kwargs={"urn": urn, **kwargs})


def _child(pupil: Pupil | ChildName, urn: str, detail: str = "") -> Named:
    return Named(pupil.display_name, _url("children:pupil", urn, pupil_id=pupil.pk), detail)


# --- pieces shared by several roles ----------------------------------------------------------


def waiting_need(membership: Membership) -> Need:
    urn = membership.school.urn
    waiting = needing_key_adult(visible_pupils(membership), membership)
    shown = list(waiting.order_by("legal_surname", "legal_forename")[:NAMED])
    early = membership.school.is_early_years
    return Need(
        count=waiting.count() if shown else 0,
        text="children without a key person" if early else "children waiting for a key adult",
        url=_url("children:pupils", urn) + "?key_adult=needs",
        act="Choose a key person" if early else "Choose their key adults",
        named=[
            Named(
                p.display_name,
                _url("relationships:assign", urn, pupil_id=p.pk),
                p.year_label,
            )
            for p in shown
        ],
        urgent=True,
    )


def checkins_need(membership: Membership, day: date, now: datetime) -> Need | None:
    staff = membership.staff
    if staff is None:
        return None
    page = today_for(staff, day, now)
    still = sum(1 for c in page.children for s in c.slots if s.checkin is None)
    return Need(
        count=page.due_now or still,
        text="check-ins due now" if page.due_now else "check-ins still to log today",
        url=_url("checkins:today", membership.school.urn),
        act="Open Today",
        named=[
            Named(c.pupil.display_name, _url("checkins:today", membership.school.urn), "")
            for c in page.children[:NAMED]
        ],
        urgent=bool(page.due_now),
    )


# --- each role -------------------------------------------------------------------------------


def key_adult_home(membership: Membership, today: date, now: datetime) -> Home:
    home = Home()
    need = checkins_need(membership, today, now)
    if need is not None:
        home.needs.append(need)
    if membership.school.is_early_years and membership.can(Permission.EARLY_YEARS_REGISTER):
        home.needs.append(_register_need(membership))
    return home


def _register_need(membership: Membership) -> Need:
    return Need(
        count=0,
        text="the register: sign children in and out",
        url=_url("earlyyears:register", membership.school.urn),
        act="Open the register",
    )


def lead_home(membership: Membership, today: date, now: datetime) -> Home:
    if membership.school.is_early_years:
        return nursery_home(membership, today, now)
    urn = membership.school.urn
    home = Home()
    home.needs.append(waiting_need(membership))
    home.needs.append(_unseen_need(membership, today))
    overdue = plans_overdue(membership, today)
    shown = list(overdue[:NAMED])
    for plan in shown:
        note_read(plan.school_id, plan.pupil_id)
    home.needs.append(
        Need(
            count=overdue.count() if shown else 0,
            text="plan reviews overdue",
            url=_url("plans:reviews_due", urn),
            act="Review the plans",
            named=[_child(p.pupil, urn, f"due {p.review_due_on:%-d %b}") for p in shown],  # type: ignore[attr-defined]
        )
    )
    due = [
        row
        for row in supervision_overview(today=today, every_weeks=formal_every_weeks())
        if row.state.status is not SupervisionStatus.UP_TO_DATE
    ]
    home.needs.append(
        Need(
            count=len(due),
            text="key adults due supervision",
            url=_url("training:supervision", urn),
            act="Plan supervision",
            named=[
                Named(r.staff.full_name, _url("training:supervision", urn), r.state.status.label)
                for r in due[:NAMED]
            ],
        )
    )
    actions = RelationalAuditAction.objects.filter(due_on__lte=today + timedelta(days=14)).exclude(
        status=ActionStatus.DONE
    )
    shown_actions = list(actions.select_related("owner", "run")[:NAMED])
    home.needs.append(
        Need(
            count=actions.count() if shown_actions else 0,
            text="audit actions due in the next fortnight",
            url=_url("wholeschool:relational_audit_list", urn),
            act="See the audit",
            named=[
                Named(
                    a.action[:80],
                    _url("wholeschool:relational_audit_edit", urn, run_id=a.run_id),
                    f"{a.owner.full_name}, by {a.due_on:%-d %b}",
                )
                for a in shown_actions
            ],
        )
    )
    return home


def _unseen_need(membership: Membership, today: date) -> Need:
    urn = membership.school.urn
    unseen = children_not_seen(today)  # these warnings alone, not the rest of the figures
    for w in unseen[:NAMED]:
        note_read(membership.school_id, w.relationship.pupil_id)
    return Need(
        count=len(unseen),
        text="children not seen by their adults lately",
        url=_url("checkins:across_school", urn),
        act="See check-ins across the school",
        named=[_child(w.relationship.pupil, urn, w.warning.message) for w in unseen[:NAMED]],
        urgent=True,
    )


def head_home(membership: Membership, today: date, now: datetime) -> Home:
    urn = membership.school.urn
    home = Home()
    home.needs.append(waiting_need(membership))
    home.needs.append(_unseen_need(membership, today))
    year = attendance_reads.school_year(today)
    figures = attendance_reads.cohort_figures(year.starts_on, today)
    everyone = figures[0].cohort if figures else None
    home.needs.append(
        Need(
            count=everyone.persistently_absent if everyone else 0,
            text="children persistently absent this year",
            url=_url("attendance:cohorts", urn),
            act="See attendance by cohort",
        )
    )
    home.later = [
        LaterChart(key, TITLES[key], _url("children:home_chart", urn, key=key))
        for key in charts_of(membership)
    ]
    return home


def office_home(membership: Membership, today: date, now: datetime) -> Home:
    urn = membership.school.urn
    home = Home()
    pupils = pupils_with(membership, Right.SEE_CHILD)
    session = "PM" if now.hour >= 12 else "AM"
    part_of_day = "afternoon" if session == "PM" else "morning"
    marked = SessionMark.objects.filter(date=today, session=session).values("pupil_id")
    gaps = pupils.exclude(pk__in=marked)
    shown_gaps = list(gaps.order_by("registration_group", "legal_surname")[:NAMED])
    home.needs.append(
        Need(
            count=gaps.count() if shown_gaps else 0,
            text=f"children with no register mark this {part_of_day}",
            url=_url("attendance:school", urn),
            act="See the register",
            named=[
                Named(p.display_name, _attendance_url(urn, p), p.registration_group)
                for p in shown_gaps
            ],
            urgent=True,
        )
    )
    # The week's marks read once, by the school's (school, day) index: joined through the
    # pupil for the names and again for the count, PostgreSQL read every mark the school has,
    # twice (25 ms each at 2,000 pupils).
    this_week = SessionMark.objects.filter(
        date__range=(today - timedelta(days=6), today), code=UNEXPLAINED
    )
    unexplained = pupils.filter(pk__in=set(this_week.values_list("pupil_id", flat=True)))
    shown = list(unexplained.order_by("legal_surname", "legal_forename")[:NAMED])
    home.needs.append(
        Need(
            count=unexplained.count() if shown else 0,
            text="absences with no reason yet this week",
            url=_url("attendance:school", urn),
            act="Chase the reasons",
            named=[Named(p.display_name, _attendance_url(urn, p), "") for p in shown],
            urgent=True,
        )
    )
    home.needs.append(_calls_need(membership, pupils, today, now))
    return home


def _attendance_url(urn: str, pupil: Pupil) -> str:
    return _url("attendance:pupil", urn, pupil_id=pupil.pk)


def _calls_need(membership: Membership, pupils: Any, today: date, now: datetime) -> Need:
    urn = membership.school.urn
    routines = list(
        KeepInTouchRoutine.objects.filter(pupil__in=pupils)
        .select_related("pupil", "staff")
        .order_by("at")
    )
    where = arrivals_on(today, [r.pupil_id for r in routines], afternoon=now.hour >= 12)
    called = set(
        KeepInTouchContact.objects.filter(
            on=today, pupil_id__in=[r.pupil_id for r in routines]
        ).values_list("pupil_id", flat=True)
    )
    due = [
        r for r in routines if where.get(r.pupil_id) is Arrival.ABSENT and r.pupil_id not in called
    ]
    return Need(
        count=len(due),
        text="keep-in-touch calls due today",
        url=_url("attendance:school", urn),
        act="See who to call",
        named=[
            Named(
                r.pupil.display_name,
                _attendance_url(urn, r.pupil),
                f"{r.at:%H:%M}, {r.staff.full_name}",
            )
            for r in due[:NAMED]
        ],
    )


def nursery_home(membership: Membership, today: date, now: datetime) -> Home:
    urn = membership.school.urn
    home = Home()
    clock = now.time().replace(second=0, microsecond=0)
    later = (now + timedelta(hours=1)).time().replace(second=0, microsecond=0)
    provision = Provision.REGISTERED
    panels = early_years.room_panels(today, clock, provision=provision)
    ahead = {p.room.pk: p for p in early_years.room_panels(today, later, provision=provision)}
    for p in panels:
        a = p.assessment
        home.rooms.append(
            RoomNow(
                p.room.name,
                len(p.children),
                a.staff_counted,
                a.required_staff,
                a.in_ratio,
                ahead[p.room.pk].assessment.in_ratio,
                a.status.value,
            )
        )
    out = [r for r in home.rooms if not r.in_ratio]
    register = _url("earlyyears:register", urn)
    home.needs.append(
        Need(
            count=len(out),
            text="rooms out of ratio now",
            url=register,
            act="Open the register",
            named=[Named(r.name, register, f"{r.staff} staff, {r.required} needed") for r in out],
            urgent=True,
        )
    )
    home.needs.append(waiting_need(membership))
    sleeping = list(
        CareEntry.objects.filter(on=today, kind=CareKind.SLEEP, woke_at__isnull=True)
        .select_related("pupil")
        .order_by("at")
    )
    home.needs.append(
        Need(
            count=len(sleeping),
            text="children asleep now",
            url=register,
            act="Check the sleepers",
            named=[
                Named(
                    c.pupil.display_name,
                    _url("earlyyears:child_day", urn, pupil_id=c.pupil_id, day=today.isoformat()),
                    f"down at {c.at:%H:%M}",
                )
                for c in sleeping[:NAMED]
            ],
        )
    )
    return home


def virtual_school_home(membership: Membership, today: date, now: datetime) -> Home:
    urn = membership.school.urn
    home = Home()
    rows = looked_after_rows(visible_pupils(membership), today)
    acting = [r for r in rows if r.standing in (Standing.DUE, Standing.OVERDUE)]
    for r in acting[:NAMED]:
        note_read(r.pupil.school_id, r.pupil.pk)
    home.needs.append(
        Need(
            count=len(acting),
            text="looked-after children whose PEP is due or overdue",
            url=_url("pep:school", urn),
            act="See their PEPs",
            named=[
                Named(
                    r.pupil.display_name,
                    _url("pep:pupil", urn, pupil_id=r.pupil.pk),
                    r.standing.label,
                )
                for r in acting[:NAMED]
            ],
            urgent=any(r.standing is Standing.OVERDUE for r in acting),
        )
    )
    return home


def general_home(membership: Membership, today: date, now: datetime) -> Home:
    home = Home()
    if membership.can(Permission.MANAGE_KEY_ADULTS):
        home.needs.append(waiting_need(membership))
    need = checkins_need(membership, today, now) if membership.can(Permission.CHECK_IN) else None
    if need is not None:
        home.needs.append(need)
    return home


HOMES: dict[Role, Callable[[Membership, date, datetime], Home]] = {
    Role.KEY_ADULT: key_adult_home,
    Role.TEACHER: key_adult_home,
    Role.ATTACHMENT_LEAD: lead_home,
    Role.HEADTEACHER: head_home,
    Role.OFFICE: office_home,
    Role.VIRTUAL_SCHOOL: virtual_school_home,
}


def home_for(membership: Membership, today: date, now: datetime) -> Home:
    return HOMES.get(Role(membership.role), general_home)(membership, today, now)
