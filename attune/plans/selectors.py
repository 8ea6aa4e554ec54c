"""Reads for plans and the chronology, joined and prefetched so a page's queries stay fixed.

Meetings and contacts carry a level (``sensitivity``): every list of them is cut with the
reader's note filter from ``attune.access.children``, never by a level chosen here.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import DateField, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThan
from django.utils import timezone

from attune.access import rules
from attune.access.children import pupils_with, readable
from attune.access.rules import Level, Right
from attune.access.standing import standings
from attune.attendance.models import MarkChange, SessionMark
from attune.checkins.models import Checkin
from attune.dates import within
from attune.incidents.selectors import chronology_entries as incident_entries
from attune.interventions.selectors import chronology_entries as intervention_entries
from attune.people.models import CohortMembership, Pupil, PupilNeed, staff_full_name
from attune.plans import chronology_dates
from attune.plans.chronology_dates import POSSIBLE, PRESENT
from attune.plans.domain.chronology import KINDS, Entry, absence_runs, checkin_weeks, chronology
from attune.plans.domain.handover import RECIPIENTS, sections_for
from attune.plans.models import (
    ContactLogEntry,
    ContactMethod,
    Meeting,
    MeetingAction,
    MeetingKind,
    NextStep,
    Plan,
    PlanKind,
    PlanReview,
    PlanVersion,
    RaisedBy,
    Target,
    TargetProgress,
    YouSaid,
    YouSaidKind,
    YouSaidStatus,
)
from attune.relationships.models import (
    CloseTeamMember,
    KeyAdultRelationship,
    TeamRole,
    WiderTeamMember,
)

if TYPE_CHECKING:
    from attune.accounts.models import Membership

Link = Callable[[uuid.UUID], str]


def current_version(plan: Plan) -> PlanVersion:
    return plan.versions.order_by("-number")[:1].get()


def _latest(field: str) -> Subquery:
    latest = PlanVersion.objects.filter(plan=OuterRef("pk")).order_by("-number")
    return Subquery(latest.values(field)[:1])


def with_current(plans: QuerySet[Plan]) -> QuerySet[Plan]:
    """Plans annotated with their current version's number and next review date."""
    return plans.select_related("owner").annotate(
        version_number=_latest("number"), review_due_on=_latest("review_due_on")
    )


def plans_for(pupil: Pupil) -> QuerySet[Plan]:
    return with_current(Plan.objects.filter(pupil=pupil)).order_by("ended_on", "-started_on")


def plans_overdue(membership: Membership, today: date) -> QuerySet[Plan]:
    """Open plans whose current version's review date has passed, most overdue first: of the
    children whose plans this membership may read."""
    readers = pupils_with(membership, Right.SEE_SENSITIVE)
    return (
        with_current(Plan.objects.filter(ended_on__isnull=True, pupil__in=readers))
        .select_related("pupil")
        .filter(LessThan(_latest("review_due_on"), Value(today)))
        .order_by(F("review_due_on"), "pk")
    )


def plan_version(plan: Plan, number: int | None) -> PlanVersion | None:
    """One version (the current one by default) with its steps and targets and their owners."""
    versions = PlanVersion.objects.filter(plan=plan).select_related("created_by")
    versions = versions.prefetch_related(
        Prefetch("next_steps", NextStep.objects.select_related("owner_staff")),
        Prefetch("targets", Target.objects.select_related("owner_staff")),
    )
    if number is None:
        return versions.order_by("-number").first()
    return versions.filter(number=number).first()


def plan_versions(plan: Plan) -> QuerySet[PlanVersion]:
    return (
        PlanVersion.objects.filter(plan=plan)
        .order_by("-number")
        .only("number", "created_on", "plan_id", "school_id")
    )


def plan_reviews(plan: Plan) -> QuerySet[PlanReview]:
    return (
        PlanReview.objects.filter(plan=plan)
        .select_related("new_version", "reviewed_version", "created_by")
        .prefetch_related(Prefetch("progress", TargetProgress.objects.select_related("target")))
        .order_by("-held_on", "-pk")
    )


# The chronology: one query per source, whatever the number of entries. Each source turns its
# rows into plain entries; the pure ``chronology`` merges, filters and orders them.


def _key_adult_entries(pupil: Pupil, since: date | None, until: date | None) -> list[Entry]:
    rows = KeyAdultRelationship.objects.filter(
        _either_in_range("started_on", "ended_on", since, until), pupil=pupil
    ).values_list(
        "key_adult__first_name",
        "key_adult__last_name",
        "started_on",
        "ended_on",
        "reason",
        "chosen_by_child",
        "end_reason",
    )
    entries = []
    for first, last, started, ended, reason, chosen, end_reason in rows:
        name = staff_full_name(first, last)
        why = f"{reason} {pupil.known_as} chose them." if chosen else reason
        entries.append(Entry(started, "key_adult", f"{name} became key adult", why, order=1))
        if ended is not None:
            entries.append(Entry(ended, "key_adult", f"{name} stopped being key adult", end_reason))
    return entries


def _team_entries(pupil: Pupil, since: date | None, until: date | None) -> list[Entry]:
    entries = []
    close = CloseTeamMember.objects.filter(
        _either_in_range("joined_on", "left_on", since, until), pupil=pupil
    ).values_list("staff__first_name", "staff__last_name", "joined_on", "left_on", "child_words")
    for first, last, joined, left, words in close:
        name = staff_full_name(first, last)
        entries.append(
            Entry(joined, "team", f"{name} joined the close team", f"“{words}”", order=1)
        )
        if left is not None:
            entries.append(Entry(left, "team", f"{name} left the close team"))
    wider = WiderTeamMember.objects.filter(
        _either_in_range("started_on", "ended_on", since, until), pupil=pupil
    ).values_list("name", "role", "organisation", "started_on", "ended_on")
    roles = dict(TeamRole.choices)
    for name, role, organisation, started, ended in wider:
        where = f", {organisation}" if organisation else ""
        label = roles.get(role, role)
        entries.append(Entry(started, "team", f"{name} ({label}{where}) joined the team", order=1))
        if ended is not None:
            entries.append(Entry(ended, "team", f"{name} ({label}) left the team"))
    return entries


KIND_LABELS = dict(PlanKind.choices)


def _plan_entries(pupil: Pupil, since: date | None, until: date | None, link: Link) -> list[Entry]:
    plans = Plan.objects.filter(
        _either_in_range("started_on", "ended_on", since, until), pupil=pupil
    ).values_list(
        "public_id",
        "kind",
        "started_on",
        "owner__first_name",
        "owner__last_name",
        "ended_on",
        "end_reason",
    )
    entries = []
    for public_id, kind, started, first, last, ended, end_reason in plans:
        label = KIND_LABELS.get(kind, kind)
        url = link(public_id)
        led_by = f"Led by {staff_full_name(first, last)}."
        entries.append(Entry(started, "plan", f"{label} started", led_by, url, 2))
        if ended is not None:
            entries.append(Entry(ended, "plan", f"{label} closed", end_reason, url, order=8))
    return entries


def _review_entries(
    pupil: Pupil, since: date | None, until: date | None, link: Link
) -> list[Entry]:
    reviews = PlanReview.objects.filter(
        plan__pupil=pupil, **within("held_on", since, until)
    ).values_list(
        "held_on",
        "plan__public_id",
        "plan__kind",
        "new_version__number",
        "new_version__what_changed",
    )
    return [
        Entry(
            held_on,
            "review",
            f"{KIND_LABELS.get(kind, kind)} reviewed (version {number})",
            what_changed,
            link(plan_id),
            order=3,
        )
        for held_on, plan_id, kind, number, what_changed in reviews
    ]


MEETING_LABELS = dict(MeetingKind.choices)


def _meeting_entries(
    pupil: Pupil, since: date | None, until: date | None, link: Link, notes: Q
) -> list[Entry]:
    meetings = Meeting.objects.filter(notes, pupil=pupil, **within("held_on", since, until))
    return [
        Entry(held_on, "meeting", MEETING_LABELS.get(kind, kind), decisions, link(pk), order=4)
        for pk, held_on, kind, decisions in meetings.values_list(
            "public_id", "held_on", "kind", "decisions"
        )
    ]


def _contact_entries(
    pupil: Pupil, since: date | None, until: date | None, link: str, notes: Q
) -> list[Entry]:
    contacts = ContactLogEntry.objects.filter(
        notes, pupil=pupil, **within("contacted_on", since, until)
    )
    methods = dict(ContactMethod.choices)
    return [
        Entry(
            on,
            "contact",
            f"{methods.get(method, method)} with {name}",
            f"{summary} Agreed: {agreed}" if agreed else summary,
            link,
            order=5,
        )
        for on, method, name, summary, agreed in contacts.values_list(
            "contacted_on", "method", "with_name", "summary", "agreed"
        )
    ]


def contacts_for(pupil: Pupil, membership: Membership) -> QuerySet[ContactLogEntry]:
    """The child's contact log, cut to the levels of note this membership may read."""
    contacts = readable(ContactLogEntry.objects.filter(pupil=pupil), membership, pupil)
    return contacts.order_by("-contacted_on", "-pk")


def _either_in_range(start: str, end: str, since: date | None, until: date | None) -> Q:
    """Rows whose start or end falls in the range (each makes its own entry)."""
    return Q(**within(start, since, until)) | Q(**within(end, since, until))


def _checkin_entries(
    pupil: Pupil, since: date | None, until: date | None, reach: date | None, ceiling: date | None
) -> list[Entry]:
    """Weeks of check-ins. From a page's ``reach``, and up to its ``ceiling``, the whole of
    each end's week is read, so the week's line says what it would say on the page of every
    entry (and is dated the same)."""
    if reach is not None:
        monday = reach - timedelta(days=reach.weekday())
        since = monday if since is None else max(since, monday)
    if ceiling is not None:
        sunday = ceiling + timedelta(days=6 - ceiling.weekday())
        until = sunday if until is None else min(until, sunday)
    rows = Checkin.objects.filter(pupil=pupil, **within("on", since, until)).order_by()
    return checkin_weeks(rows.values_list("on", "outcome", "mood"))


def _attendance_entries(
    pupil: Pupil, since: date | None, until: date | None, reach: date | None, ceiling: date | None
) -> list[Entry]:
    """Runs of absence from the register, and marks changed (grouped by the import that
    changed them): two queries whatever the years of register.

    From a page's ``reach`` (three queries): the marks from then on, led by the last possible
    session before it, so a run already going at the reach starts before it (and is left for
    a later page) rather than seeming to start there; and the whole of each import that
    changed a mark from then on. Up to a page's ``ceiling``: the marks to the first session
    after it that ends a run, so a run going at the ceiling is read to its end; and the whole
    of each import that changed a mark up to then."""
    marks = SessionMark.objects.filter(pupil=pupil, **within("date", since, until))
    changes = MarkChange.objects.filter(pupil=pupil, **within("changed_at__date", since, until))
    if reach is not None:
        before = marks.filter(date__lt=reach, code__in=POSSIBLE).order_by("-date", "-session")
        marks = marks.filter(date__gte=reach)
    if ceiling is not None:
        present = marks.filter(date__gt=ceiling, code__in=PRESENT).order_by("date")
        last = Value(date.max, output_field=DateField())  # absent to this day: read them all
        end = Coalesce(Subquery(present.values("date")[:1]), last)
        marks = marks.filter(date__lte=end)
    if reach is not None or ceiling is not None:
        touched = changes.filter(**within("changed_at__date", reach, ceiling))
        changes = changes.filter(
            Q(**within("changed_at__date", reach, ceiling))
            | Q(source_id__in=touched.filter(source__isnull=False).values("source_id"))
        )
    register = list(marks.order_by("date", "session").values_list("date", "session", "code"))
    if reach is not None:
        register[:0] = before.values_list("date", "session", "code")[:1]
    entries = absence_runs(register)
    by_import: dict[object, list[tuple[Any, ...]]] = {}
    for row in changes.order_by("changed_at", "pk").values_list(
        "source_id", "source__file_name", "changed_at", "date", "session", "old_code", "new_code"
    ):
        by_import.setdefault(row[0] if row[0] is not None else ("by hand", row[2]), []).append(row)
    for rows in by_import.values():
        file_name, changed_at = rows[0][1], timezone.localdate(rows[0][2])
        said = "; ".join(f"{r[3].day} {r[3]:%b} {r[4]} {r[5]} to {r[6]}" for r in rows[:6])
        more = f" and {len(rows) - 6} more" if len(rows) > 6 else ""
        count = f"{len(rows)} register mark{'s' * (len(rows) != 1)} changed"
        title = f"{count} by the import of {file_name}" if file_name else count.capitalize()
        entries.append(Entry(changed_at, "attendance", title, said + more + ".", order=7))
    return entries


def _you_said_entries(
    pupil: Pupil, since: date | None, until: date | None, link: Link
) -> list[Entry]:
    items = YouSaid.objects.filter(
        _either_in_range("raised_on", "done_on", since, until), pupil=pupil
    ).values_list(
        "public_id",
        "kind",
        "raised_by",
        "raised_by_name",
        "their_words",
        "raised_on",
        "status",
        "what_we_did",
        "done_on",
        "not_forward_reason",
    )
    kinds, who = dict(YouSaidKind.choices), dict(RaisedBy.choices)
    entries = []
    for public_id, kind, raised_by, name, words, raised_on, status, did, done_on, why in items:
        url = link(public_id)
        by = f"{name} ({who[raised_by].lower()})" if name else who[raised_by].lower()
        title = f"You said: {kinds[kind].lower()} raised by {by}"
        entries.append(Entry(raised_on, "you_said", title, f"“{words}”", url, order=9))
        if done_on is not None and status == YouSaidStatus.DONE:
            entries.append(Entry(done_on, "you_said", "We did", did, url, order=9))
        elif done_on is not None:
            entries.append(Entry(done_on, "you_said", "Not taken forward", why, url, order=9))
    return entries


def _incident_entries(
    pupil: Pupil, since: date | None, until: date | None, link: Link
) -> list[Entry]:
    found = incident_entries([pupil.pk], since=since, until=until)
    return [
        Entry(e.on, "incident", e.title, e.detail, link(e.incident_id), order=10) for e in found
    ]


def _intervention_entries(
    pupil: Pupil, since: date | None, until: date | None, link: str
) -> list[Entry]:
    found = intervention_entries([pupil.pk], since=since, until=until)
    return [Entry(e.on, "intervention", e.title, e.detail, link, order=11) for e in found]


def _no_link(key: uuid.UUID) -> str:
    return ""


def chronology_kinds(
    kinds: Iterable[str] | None, *, incidents: bool, interventions: bool
) -> set[str]:
    """The kinds of entry asked for that the reader may see: incidents and interventions only
    when the caller has checked that they may (incidents have their own, narrower rule)."""
    wanted = set(kinds) if kinds else set(KINDS)
    if not incidents:
        wanted.discard("incident")
    if not interventions:
        wanted.discard("intervention")
    return wanted


def chronology_total(
    pupil: Pupil, *, kinds: set[str], since: date | None, until: date | None, notes: Q
) -> int:
    """How many entries ``chronology_for`` gives for these choices, counted in the database."""
    return chronology_dates.total(pupil, kinds, since, until, notes)


def chronology_place(
    pupil: Pupil,
    *,
    kinds: set[str],
    since: date | None,
    until: date | None,
    notes: Q,
    newest: int,
    skip: int = 0,
) -> chronology_dates.Place:
    """``chronology_total``, and the dates the entries after the ``skip`` newest and up to the
    ``newest``-th span (to pass to ``chronology_for`` as ``reached`` and ``ceiling``), in one
    query."""
    return chronology_dates.locate(pupil, kinds, since, until, notes, newest, skip)


def chronology_for(
    pupil: Pupil,
    *,
    kinds: Iterable[str] | None,
    since: date | None,
    until: date | None,
    notes: Q,
    link: Link = _no_link,
    meeting_link: Link = _no_link,
    contacts_link: str = "",
    you_said_link: Link = _no_link,
    incident_link: Link | None = None,
    interventions_link: str | None = None,
    newest: int | None = None,
    reached: date | None = None,
    ceiling: date | None = None,
) -> list[Entry]:
    """Every event about the child, newest first: a fixed number of queries for each kind
    asked for (one, or two for the team and for attendance), however long the history.

    With ``newest``, only as far back as takes in the newest ``newest`` entries (one more
    query, three for attendance): the list is then the start of the whole one, exactly, at
    least that long if there are that many, and a page of it costs the same however long
    the history. ``reached`` is that reach found already (``chronology_place``); with a
    ``ceiling`` from there too, only the entries dated up to it, exactly as they stand in
    the whole list, so a later page costs what the first does.

    Incidents and interventions come in only when the caller passes their link, having
    checked that the reader may see them (incidents have their own, narrower rule). Meetings
    and contacts are cut by ``notes``: the reader's ``attune.access.children.notes_filter``."""
    wanted = chronology_kinds(
        kinds, incidents=incident_link is not None, interventions=interventions_link is not None
    )
    reach = reached
    if newest is not None and reached is None:
        reach = chronology_dates.locate(pupil, wanted, since, until, notes, newest).reach
    start = since if reach is None else reach if since is None else max(since, reach)
    end = until if ceiling is None else ceiling if until is None else min(until, ceiling)
    sources: dict[str, Callable[[], list[Entry]]] = {
        "key_adult": lambda: _key_adult_entries(pupil, start, end),
        "team": lambda: _team_entries(pupil, start, end),
        "plan": lambda: _plan_entries(pupil, start, end, link),
        "review": lambda: _review_entries(pupil, start, end, link),
        "meeting": lambda: _meeting_entries(pupil, start, end, meeting_link, notes),
        "contact": lambda: _contact_entries(pupil, start, end, contacts_link, notes),
        "checkin": lambda: _checkin_entries(pupil, since, until, reach, ceiling),
        "attendance": lambda: _attendance_entries(pupil, since, until, reach, ceiling),
        "you_said": lambda: _you_said_entries(pupil, start, end, you_said_link),
        "incident": lambda: _incident_entries(pupil, start, end, incident_link or _no_link),
        "intervention": lambda: _intervention_entries(pupil, start, end, interventions_link or ""),
    }
    found = [e for kind, source in sources.items() if kind in wanted for e in source()]
    return chronology(found, kinds=wanted, since=start, until=end)


def meetings_for(pupil: Pupil, membership: Membership) -> QuerySet[Meeting]:
    """The child's meetings, cut to the levels of note this membership may read."""
    meetings = readable(Meeting.objects.filter(pupil=pupil), membership, pupil)
    return meetings.order_by("-held_on", "-pk")


def meeting_actions(meeting: Meeting) -> QuerySet[MeetingAction]:
    return MeetingAction.objects.filter(meeting=meeting).select_related("owner_staff")


@dataclass(frozen=True, slots=True)
class ActionsOwned:
    """An adult's open meeting actions: those whose meeting they may read, and how many more
    they own from meetings they may not (an action says what its meeting decided)."""

    shown: list[MeetingAction]
    hidden: int


def actions_owned(membership: Membership) -> ActionsOwned:
    """Open meeting actions this membership's staff record owns, soonest due first, cut by
    each meeting's level for its child: two queries, whatever the number of children."""
    if membership.staff_id is None:  # owner_staff_id=None would match every other owner
        return ActionsOwned([], 0)
    actions = list(
        MeetingAction.objects.filter(owner_staff_id=membership.staff_id, done_on__isnull=True)
        .select_related("meeting__pupil")
        .order_by("due_on", "pk")
    )
    found = standings(membership, {action.meeting.pupil_id for action in actions})
    shown = [
        action
        for action in actions
        if (standing := found.get(action.meeting.pupil_id)) is not None
        and rules.may_read_note(standing, action.meeting.sensitivity)
    ]
    return ActionsOwned(shown, len(actions) - len(shown))


@dataclass
class HandoverPack:
    """Everything a handover pack shows, already cut to what the recipient may see."""

    pupil: Pupil
    recipient: str
    recipient_label: str
    sections: tuple[str, ...]
    today: date
    key_adult: KeyAdultRelationship | None
    close_team: list[CloseTeamMember]
    wider_team: list[WiderTeamMember]
    cohorts: list[CohortMembership] = field(default_factory=list)
    needs: list[PupilNeed] = field(default_factory=list)
    plans: list[tuple[Plan, PlanVersion]] = field(default_factory=list)
    recent: list[Entry] = field(default_factory=list)


def handover_pack(pupil: Pupil, *, notes: Q, recipient: str, today: date) -> HandoverPack:
    """The pack for ``recipient``. ``notes`` is the maker's note filter
    (``attune.access.children.notes_filter``): a pack shows no note its maker may not read."""
    sections = sections_for(recipient)
    label = RECIPIENTS.get(recipient, ("", False))[0]
    sensitive = "needs" in sections
    wider = WiderTeamMember.objects.filter(pupil=pupil, ended_on__isnull=True)
    if not sensitive:
        wider = wider.filter(consent_to_share=True)
    pack = HandoverPack(
        pupil=pupil,
        recipient=recipient,
        recipient_label=label,
        sections=sections,
        today=today,
        key_adult=KeyAdultRelationship.objects.filter(pupil=pupil, ended_on__isnull=True)
        .select_related("key_adult", "co_worker")
        .first(),
        close_team=list(
            CloseTeamMember.objects.filter(pupil=pupil, left_on__isnull=True).select_related(
                "staff"
            )
        ),
        wider_team=list(wider.order_by("role", "started_on")),
    )
    if sensitive:
        pack.cohorts = list(
            CohortMembership.objects.filter(pupil=pupil, end_date__isnull=True).order_by("cohort")
        )
        pack.needs = list(PupilNeed.objects.filter(pupil=pupil))
        open_plans = Plan.objects.filter(pupil=pupil, ended_on__isnull=True).select_related("owner")
        pack.plans = [(p, v) for p in open_plans if (v := plan_version(p, None)) is not None]
        since = today - timedelta(days=183)
        # A pack leaves the school's hands: never notes for the safeguarding lead only.
        shared = notes & ~Q(sensitivity=Level.DSL)
        pack.recent = chronology_for(pupil, kinds=None, since=since, until=today, notes=shared)
        pack.recent = pack.recent[:25]
    return pack


def you_said_items(pupil: Pupil | None) -> QuerySet[YouSaid]:
    """One child's items, or (``None``) the whole school's, newest first."""
    items = YouSaid.objects.filter(pupil=pupil) if pupil else YouSaid.objects.filter(pupil=None)
    return items.select_related("done_by", "signed_off_by").order_by("-raised_on", "-pk")


def you_said_unsigned(membership: Membership) -> QuerySet[YouSaid]:
    """Every item not yet signed off (whole-school ones and those about children whose plans
    this membership may read), oldest first: the senior leader's list."""
    readers = pupils_with(membership, Right.SEE_SENSITIVE)
    return (
        YouSaid.objects.filter(Q(pupil=None) | Q(pupil__in=readers), signed_off_on__isnull=True)
        .select_related("pupil", "done_by")
        .order_by("raised_on", "pk")
    )
