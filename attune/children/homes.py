"""Each role's home: what needs them today first, each item a link to the act.

Reads only, through the other apps' selectors and the access rules: every child named here is
one the reader may see, and a child named for a fact from their sensitive record is noted as
read. A role's home is one function below, chosen by ``home_for``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Q, Sum
from django.urls import reverse

from attune.access.children import Right, pupils_with, visible_pupils
from attune.accounts.models import Membership
from attune.accounts.roles import Permission, Role
from attune.attendance import school as attendance_reads
from attune.attendance.domain.calculations import summarise_counts, week_of
from attune.attendance.models import SessionMark, WeekCounts
from attune.auditlog.context import note_read
from attune.checkins.across_school import ChildName, checkins_across_school, children_not_seen
from attune.checkins.domain.arrival import Arrival
from attune.checkins.models import KeepInTouchContact, KeepInTouchRoutine
from attune.checkins.selectors import arrivals_on, today_for
from attune.children.selectors import needing_key_adult
from attune.earlyyears import selectors as early_years
from attune.earlyyears.domain.ratios import Provision
from attune.earlyyears.models import CareEntry, CareKind
from attune.incidents.selectors import school_trend
from attune.people.models import Pupil
from attune.pep.domain.cycle import Standing
from attune.pep.selectors import looked_after_rows
from attune.plans.selectors import plans_overdue
from attune.training.domain.supervision import SupervisionStatus
from attune.training.selectors import formal_every_weeks, supervision_overview
from attune.wholeschool.models import (
    ActionStatus,
    RelationalAuditAction,
    RelationalAuditRating,
    RelationalAuditRun,
    RelationalAuditStatus,
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
class Chart:
    """A bar chart and the table that carries the same figures."""

    key: str
    title: str
    caption: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    labels: list[str]
    values: Sequence[float | int | None]
    # More than one set of figures (this year and last; red, amber and green), drawn together.
    series: list[tuple[str, Sequence[float | int | None]]] = field(default_factory=list)
    kind: str = "bar"  # or "line"
    horizontal: bool = True
    stacked: bool = False

    @property
    def data_id(self) -> str:
        return f"{self.key}-data"

    @property
    def data(self) -> dict[str, object]:
        series = [{"label": label, "values": values} for label, values in self.series]
        return {
            "label": self.title,
            "labels": self.labels,
            "values": self.values,
            "series": series,
            "kind": self.kind,
            "stacked": self.stacked,
        }


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
    charts: list[Chart] = field(default_factory=list)
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


def _unseen_need(membership: Membership, today: date, across: Any = None) -> Need:
    urn = membership.school.urn
    # The lead's home works out only these warnings, not the rest of the figures.
    unseen = children_not_seen(today) if across is None else across.not_seen
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
    across = checkins_across_school(today)
    home.needs.append(_unseen_need(membership, today, across))
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
    home.charts.append(_attendance_weeks_chart(year.starts_on, today))
    home.charts.append(_absence_chart(figures))
    home.charts.append(_coverage_chart(membership))
    home.charts.append(_completion_chart(across))
    home.charts.append(_incidents_chart(today))
    home.charts.append(_audit_chart())
    return home


LAST_YEAR = timedelta(days=364)  # 52 weeks: the same weekday a year earlier
WEEK = timedelta(days=7)


def _weekly_attendance(since: date, until: date) -> dict[int, float | None]:
    """Attendance % in each week from ``since`` (week 1 holds ``since``), to ``until``.

    Whole weeks come from the weekly counts (a row a pupil a week) and a part week at either
    end from its marks, so the chart adds up thousands of rows rather than a year of marks
    (760,000 at 2,000 pupils: 1.5 s on SQLite to group by week). The same weekday a year
    earlier still cuts last year's week where this year's ends. A part week with no marks
    on its days outside the range is read from its counts too: most are (35 of the 45 ms
    the two years' chart took at 2,000 pupils was reading the first week's marks).
    """
    first_monday = week_of(since)
    possible: dict[date, int] = defaultdict(int)
    present: dict[date, int] = defaultdict(int)
    whole_from = first_monday if _whole(first_monday, since, until) else first_monday + WEEK
    whole_to = week_of(until) if _whole(week_of(until), since, until) else week_of(until) - WEEK
    weeks = (
        WeekCounts.objects.filter(week__range=(whole_from, whole_to))
        .values_list("week")
        .annotate(possible=Sum("possible"), present=Sum("present"))
    )
    for week, week_possible, week_present in weeks:
        possible[week] += week_possible
        present[week] += week_present
    odd_days = [(since, until)]  # within one week: no whole week at all
    if whole_from <= whole_to:
        ends = ((since, whole_from - timedelta(days=1)), (whole_to + WEEK, until))
        odd_days = [(start, end) for start, end in ends if start <= end]
    if odd_days:
        counts: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        where = Q()
        for start, end in odd_days:
            where |= Q(date__range=(start, end))
        marks = (
            SessionMark.objects.filter(where).values_list("date", "code").annotate(n=Count("pk"))
        )
        for day, code, n in marks:
            counts[week_of(_as_date(day))][code] += n
        for week, by_code in counts.items():
            summary = summarise_counts(by_code)
            possible[week] += summary.possible
            present[week] += summary.present
    return {
        (week - first_monday).days // 7 + 1: (
            _pct(present[week] * 100 / possible[week]) if possible[week] else None
        )
        for week in possible
    }


def _whole(monday: date, since: date, until: date) -> bool:
    """Whether the week's counts are what its days from ``since`` to ``until`` hold: the
    week lies inside them, or its days outside them have no marks (a school year starting
    on a Wednesday, today with nothing marked ahead), so its marks need not be read."""
    before, after = since - timedelta(days=1), until + timedelta(days=1)
    if monday >= since and monday + timedelta(days=6) <= until:
        return True
    outside = Q(date__range=(monday, before)) | Q(date__range=(after, monday + timedelta(days=6)))
    return not SessionMark.objects.filter(outside).exists()


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _attendance_weeks_chart(year_start: date, today: date) -> Chart:
    this_year = _weekly_attendance(year_start, today)
    last_start = attendance_reads.school_year(today - LAST_YEAR).starts_on
    last_year = _weekly_attendance(last_start, today - LAST_YEAR)
    weeks = sorted(this_year)

    def shown(value: float | None) -> str:
        return "-" if value is None else f"{value}%"

    return Chart(
        key="chart-attendance-weeks",
        title="Attendance each week, this year and last (%)",
        caption="Attendance by week of the school year, against the same week last year",
        columns=("Week", "This year", "Last year"),
        rows=[(f"Week {w}", shown(this_year[w]), shown(last_year.get(w))) for w in weeks],
        labels=[f"Week {w}" for w in weeks],
        values=[this_year[w] for w in weeks],
        series=[
            ("This year", [this_year[w] for w in weeks]),
            ("Last year", [last_year.get(w) for w in weeks]),
        ],
        kind="line",
        horizontal=False,
    )


def _completion_chart(across: Any) -> Chart:
    adults = [a for a in across.adults if a.completion.due]
    rows = [
        (
            a.staff.full_name,
            a.completion.due,
            a.completion.happened,
            a.completion.not_happening,
            a.completion.not_logged,
            f"{a.completion.percent}%",
        )
        for a in adults
    ]
    return Chart(
        key="chart-completion",
        title="Check-ins that happened, by key adult (%)",
        caption=f"Check-ins due from {across.since:%-d %B} to {across.until:%-d %B}",
        columns=("Key adult", "Due", "Happened", "Missed or declined", "Not logged", "Happened %"),
        rows=rows,
        labels=[a.staff.full_name for a in adults],
        values=[a.completion.percent for a in adults],
    )


def _audit_chart() -> Chart:
    runs = list(
        RelationalAuditRun.objects.filter(status=RelationalAuditStatus.COMPLETED).order_by(
            "completed_on"
        )
    )
    counts: dict[object, dict[str, int]] = {}
    for run_id, rating, n in (
        RelationalAuditRating.objects.filter(run__in=runs)
        .values_list("run_id", "rating")
        .annotate(n=Count("pk"))
    ):
        counts.setdefault(run_id, {})[rating or "unrated"] = n
    labels = [f"{r.completed_on:%-d %b %Y}" for r in runs]
    by = {
        key: [counts.get(r.pk, {}).get(key, 0) for r in runs] for key in ("red", "amber", "green")
    }
    return Chart(
        key="chart-audit",
        title="Relational audit ratings over time",
        caption="Statements rated red, amber and green in each completed audit",
        columns=("Audit completed", "Red", "Amber", "Green"),
        rows=[(labels[i], by["red"][i], by["amber"][i], by["green"][i]) for i in range(len(runs))],
        labels=labels,
        values=by["green"],
        series=[(name.title(), values) for name, values in by.items()],
        stacked=True,
    )


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _absence_chart(figures: list[Any]) -> Chart:
    rows = [
        (
            f.label,
            f.cohort.pupils,
            f"{_pct(f.attendance_pct)}%" if f.attendance_pct is not None else "-",
            f.cohort.persistently_absent,
            f.cohort.severely_absent,
        )
        for f in figures
    ]
    return Chart(
        key="chart-absence",
        title="Persistent absence by cohort (%)",
        caption="Attendance and absence this school year, by cohort",
        columns=("Cohort", "Pupils", "Attendance", "Persistently absent", "Severely absent"),
        rows=rows,
        labels=[f.label for f in figures],
        values=[_pct(f.cohort.persistent_absence_pct) for f in figures],
    )


def _coverage_chart(membership: Membership) -> Chart:
    counts = visible_pupils(membership).aggregate(
        needs=Count("pk", filter=Q(needs_key_adult=True)),
    )
    waiting = needing_key_adult(visible_pupils(membership), membership).count()
    needs = counts["needs"] or 0
    has = max(needs - waiting, 0)
    return Chart(
        key="chart-coverage",
        title="Key-adult coverage (children)",
        caption="Children who need a key adult",
        columns=("Key adult", "Children"),
        rows=[("With a key adult", has), ("Still waiting", waiting)],
        labels=["With a key adult", "Still waiting"],
        values=[has, waiting],
    )


def _incidents_chart(today: date) -> Chart:
    trend = school_trend(today=today, by_half_term=False)
    rows = [
        (
            s.period.label,
            s.incidents,
            "-" if s.median_minutes is None else f"{s.median_minutes:g} min",
        )
        for s in trend.summaries
    ]
    return Chart(
        key="chart-incidents",
        title="Incidents each week",
        caption="Incidents and the middle time to regulate, by week",
        columns=("Week", "Incidents", "Middle time to regulate"),
        rows=rows,
        labels=[s.period.label for s in trend.summaries],
        values=[s.incidents for s in trend.summaries],
    )


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
    unexplained = pupils.filter(
        session_marks__date__range=(today - timedelta(days=6), today),
        session_marks__code=UNEXPLAINED,
    ).distinct()
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
