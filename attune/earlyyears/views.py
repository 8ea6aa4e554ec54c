"""Early years pages: the register and rooms, the day's record, a child's day, settling in and
the shared development record. Every view checks the role, then the child."""

from __future__ import annotations

import uuid
from datetime import date, time, timedelta
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone

from attune import csv_files
from attune.access.children import access_pupil
from attune.access.pages import school_view
from attune.accounts.roles import Permission
from attune.auditlog.context import note_read
from attune.bad_requests import day_from_address
from attune.clock import working_day
from attune.earlyyears import selectors
from attune.earlyyears.domain import day as rules
from attune.earlyyears.domain.ratios import FRAMEWORK_TITLE, FRAMEWORK_VERSION, Provision
from attune.earlyyears.forms import (
    AmendForm,
    AwayForm,
    CareForm,
    HomeNoteForm,
    ObservationForm,
    PlaceForm,
    QualificationForm,
    RoomForm,
    SettlingEntryForm,
    SettlingPlanForm,
    ShareForm,
    SignInForm,
    SignOutForm,
    SleepCheckForm,
    StaffSignInForm,
    WokeForm,
    one_staff_list,
)
from attune.earlyyears.models import (
    CareEntry,
    ChildVisit,
    DaySummaryShare,
    DevelopmentEntryKind,
    Room,
    SettlingInPlan,
    StaffVisit,
)
from attune.earlyyears.services import (
    EarlyYearsError,
    care_record,
    child_place,
    child_sign_in,
    child_sign_out,
    day_record_exported,
    day_summary_share,
    development_add,
    key_person_away,
    room_add,
    settling_entry_add,
    settling_plan_save,
    sleep_check_add,
    sleep_end,
    staff_qualification_set,
    staff_sign_in,
    staff_sign_out,
    visit_amend,
)
from attune.errors import AttuneError, show_on_form
from attune.http import SchoolRequest
from attune.people.models import Pupil

REGISTER = Permission.EARLY_YEARS_REGISTER
FRAMEWORK = f"{FRAMEWORK_TITLE} ({FRAMEWORK_VERSION})"


def _now() -> time:
    return timezone.localtime().time().replace(second=0, microsecond=0)


def _parse_day(value: str) -> date:
    """A day from the address: not a date, or outside 1990 to a year ahead, is a 400 page."""
    return day_from_address(value)


def _uuid(value: str | None) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404 from None


def _provision(request: SchoolRequest) -> Provision:
    # A school's own nursery class is led by a teacher; any other setting is registered.
    return Provision.REGISTERED if request.school.is_early_years else Provision.MAINTAINED_NURSERY


def _render(request: SchoolRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """Every early years page lists, at the top, the children still without a key person."""
    context["unassigned"] = list(selectors.unassigned_children(request.membership))
    context["framework"] = FRAMEWORK
    context["today_iso"] = working_day().isoformat()
    return render(request, template, context)


FIELD_LABELS = {
    "signed_in_at": "Arrived at",
    "signed_out_at": "Left at",
    "collected_by": "Collected by",
    "woke_at": "Woke at",
    "at": "Checked at",
}


def _named(error: EarlyYearsError) -> rules.Problem:
    """The service's message, led by the name of the field it is about."""
    label = FIELD_LABELS.get(error.field or "")
    message = f"{label}: {error.message}" if label else error.message
    return rules.Problem(error.code, error.field or "", message)


def _problem(form: Any) -> rules.Problem:
    field, errors = next(iter(form.errors.items()))
    label = form.fields[field].label if field in form.fields else ""
    return rules.Problem("form.invalid", field, f"{label}: {errors[0]}" if label else errors[0])


def _visit(request: SchoolRequest, visit_id: uuid.UUID | str | None) -> ChildVisit:
    visit = ChildVisit.objects.filter(pk=_uuid(str(visit_id))).first()
    if visit is None:
        raise Http404
    access_pupil(request, visit.pupil_id)
    return visit


# --- the register ---------------------------------------------------------------------------


@school_view(REGISTER)
def register(request: SchoolRequest, urn: str) -> HttpResponse:
    """The register as a grid by room: one tap signs a child in, in place when HTMX is on."""
    today, now = working_day(), _now()
    errors: dict[object, tuple[rules.Problem, dict[str, str]]] = {}
    staff_form, away_form = StaffSignInForm(), AwayForm(prefix="away")
    in_place = bool(getattr(request, "htmx", False)) and request.method == "POST"
    confirm_out = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "sign_in":
            outcome = _sign_in(request, today, now)
        elif action == "sign_out":
            outcome = _sign_out(request, today)
        elif action == "staff_in":
            staff_form = StaffSignInForm(request.POST)
            outcome = _staff_in(request, staff_form, today, now)
        elif action == "staff_out":
            outcome = _staff_out(request, today, now)
        elif action == "away":
            away_form = AwayForm(request.POST, prefix="away")
            outcome = _away(request, away_form, today)
        else:
            raise Http404
        if outcome is None and not in_place:
            return redirect("earlyyears:register", urn=urn)
        if isinstance(outcome, tuple):
            errors[outcome[0]] = (outcome[1], request.POST.dict())
        if isinstance(outcome, StaffVisit):
            confirm_out = outcome.pk
    pupils = selectors.setting_pupils(request.membership)
    rows = selectors.day_record(
        pupils, today, today=today, now=now, present_only=False, people=False
    )
    blank = {"signed_in_at": f"{now:%H:%M}", "brought_by": "", "collected_by": ""}
    blank["signed_out_at"] = blank["signed_in_at"]
    for row in rows:
        row.error, typed = errors.get(row.pupil.pk, (None, {}))
        row.posted = blank | {k: v for k, v in typed.items() if k in blank}
    _note_reads([r for r in rows if r.visits])
    known = {row.pupil.pk: row.pupil for row in rows}
    panels = selectors.room_panels(today, now, provision=_provision(request), known=known)
    one_staff_list(staff_form, away_form)
    context = {
        "today": today,
        "today_iso": today.isoformat(),
        "now": now,
        "groups": selectors.register_by_room(rows, panels),
        "breaches": [p for p in panels if p.breached],
        "rows": rows,
        "staff_form": staff_form,
        "away_form": away_form,
        "caseloads": selectors.key_person_caseloads(request.school.caseload_limit),
        "has_errors": bool(errors) or staff_form.errors or away_form.errors or confirm_out,
        "in_place": in_place,
        "confirm_out": confirm_out,
    }
    if in_place:
        return render(request, "earlyyears/_register_grid.html", context)
    return _render(request, "earlyyears/register.html", context)


# None: done. False: a form shows its errors. A tuple: a child's row shows the problem. A staff
# visit: signing that adult out would break ratio, so the register asks before doing it.
Outcome = None | bool | tuple[object, rules.Problem] | StaffVisit


def _sign_in(request: SchoolRequest, today: date, now: time) -> Outcome:
    pupil = access_pupil(request, request.POST.get("pupil", ""))
    form = SignInForm(request.POST)
    if not form.is_valid():
        return pupil.pk, _problem(form)
    try:
        visit = child_sign_in(
            actor=request.user,
            pupil=pupil,
            on=today,
            at=form.cleaned_data["signed_in_at"] or now,  # one tap means "arrived just now"
            brought_by=form.cleaned_data["brought_by"],
        )
    except EarlyYearsError as error:
        return pupil.pk, _named(error)
    messages.success(request, f"{pupil.known_as} signed in at {visit.signed_in_at:%H:%M}.")
    _ratio_warning(request, visit.room_id, today)
    return None


def _ratio_warning(request: SchoolRequest, room_id: uuid.UUID | None, today: date) -> None:
    if room_id is None:
        return
    [panel] = selectors.room_panels(
        today, _now(), rooms=Room.objects.filter(pk=room_id), provision=_provision(request)
    )
    for finding in panel.assessment.findings:
        if finding.code in ("ratios.out", "ratios.at_limit"):
            messages.warning(request, f"{panel.room.name}: {finding.message}")


def _sign_out(request: SchoolRequest, today: date) -> Outcome:
    visit = _visit(request, request.POST.get("visit"))
    form = SignOutForm(request.POST)
    if not form.is_valid():
        return visit.pupil_id, _problem(form)
    try:
        child_sign_out(
            actor=request.user,
            visit=visit,
            at=form.cleaned_data["signed_out_at"],
            collected_by=form.cleaned_data["collected_by"],
            today=today,
        )
    except EarlyYearsError as error:
        return visit.pupil_id, _named(error)
    messages.success(request, f"{visit.pupil.known_as} signed out.")
    return None


def _staff_in(request: SchoolRequest, form: StaffSignInForm, today: date, now: time) -> Outcome:
    if not form.is_valid():
        return False
    try:
        staff_sign_in(
            actor=request.user,
            staff=form.cleaned_data["staff"],
            room=form.cleaned_data["room"],
            on=today,
            at=now,
        )
    except EarlyYearsError as error:
        form.add_error("staff", error.message)
        return False
    return None


def _staff_out(request: SchoolRequest, today: date, now: time) -> Outcome:
    visit = StaffVisit.objects.filter(pk=_uuid(request.POST.get("staff_visit"))).first()
    if visit is None:
        raise Http404
    if request.POST.get("confirm") != "yes":
        rooms = Room.objects.filter(pk=visit.room_id)
        [panel] = selectors.room_panels(today, now, rooms=rooms, provision=_provision(request))
        if visit.pk in panel.needed:
            messages.error(
                request,
                f"Signing {visit.staff.full_name} out now would take {panel.room.name} out of "
                "ratio. Sign another adult in first, or choose \u201cSign out anyway\u201d.",
            )
            return visit  # asked again, with the warning beside their name
    try:
        staff_sign_out(actor=request.user, visit=visit, at=now)
    except EarlyYearsError as error:
        messages.error(request, error.message)
    return None


def _away(request: SchoolRequest, form: AwayForm, today: date) -> Outcome:
    if not form.is_valid():
        return False
    staff = form.cleaned_data["staff"]
    try:
        key_person_away(
            actor=request.user,
            staff=staff,
            on=today,
            reason=form.cleaned_data["reason"],
        )
    except AttuneError as error:
        show_on_form(form, error)
        return False
    messages.success(request, f"{staff.full_name} is away today; their co-workers cover.")
    return None


@school_view(REGISTER)
def room_panel(request: SchoolRequest, urn: str, room_id: uuid.UUID) -> HttpResponse:
    rooms = Room.objects.filter(pk=room_id)
    if not rooms.exists():
        raise Http404
    [panel] = selectors.room_panels(
        working_day(), _now(), rooms=rooms, provision=_provision(request)
    )
    return render(request, "earlyyears/_room_panel.html", {"panel": panel, "today": working_day()})


# --- the day's record -----------------------------------------------------------------------


@school_view(REGISTER)
def day_record(request: SchoolRequest, urn: str, day: str) -> HttpResponse:
    on = _parse_day(day)
    rows = _day_rows(request, on)
    _note_reads(rows)
    following = on + timedelta(days=1)
    return _render(
        request,
        "earlyyears/day_record.html",
        {
            "on": on,
            "rows": rows,
            "previous": on - timedelta(days=1),
            "following": following if following <= working_day() else None,
        },
    )


DAY_RECORD_HEADER = (
    "Child",
    "Signed in",
    "Brought by",
    "Signed out",
    "Collected by",
    "Hours",
    "Key person",
    "Covered by",
    "Amended",
    "Still to complete",
)


@school_view(REGISTER)
def day_record_csv(request: SchoolRequest, urn: str, day: str) -> HttpResponseBase:
    on = _parse_day(day)
    rows = _day_rows(request, on)
    day_record_exported(
        actor=request.user, school_id=request.school.pk, pupils=[r.pupil for r in rows], on=on
    )
    lines = (
        [
            row.pupil.display_name,
            f"{line.signed_in_at:%H:%M}",
            line.visit.brought_by,
            f"{line.signed_out_at:%H:%M}" if line.signed_out_at else "",
            line.collected_by,
            row.hours,
            row.key.key_person or "No key person",
            row.key.covered_by or "",
            _amendment_text(line),
            "; ".join(p.message for p in row.problems),
        ]
        for row in rows
        for line in row.visits
    )
    return csv_files.download(f"day-record-{on.isoformat()}.csv", DAY_RECORD_HEADER, lines)


def _amendment_text(line: selectors.VisitLine) -> str:
    if not line.amendments:
        return ""
    first = line.visit
    out = f"{first.signed_out_at:%H:%M}" if first.signed_out_at else "none"
    parts = [f"originally in {first.signed_in_at:%H:%M}, out {out}"]
    for a in line.amendments:
        by = a.amended_by.full_name if a.amended_by else "someone"
        parts.append(f"amended {timezone.localtime(a.amended_at):%d/%m %H:%M} by {by}: {a.reason}")
    return "; ".join(parts)


def _day_rows(request: SchoolRequest, on: date) -> list[selectors.ChildDay]:
    today = working_day()
    if on > today:
        raise Http404
    pupils = selectors.setting_pupils(request.membership)
    return selectors.day_record(pupils, on, today=today, now=_now(), present_only=True)


def _note_reads(rows: list[selectors.ChildDay]) -> None:
    """A page showing several children's days reads each of their records."""
    for row in rows:
        note_read(row.pupil.school_id, row.pupil.pk)


@school_view(REGISTER)
def amend(request: SchoolRequest, urn: str, visit_id: uuid.UUID) -> HttpResponse:
    visit = _visit(request, visit_id)
    line = selectors.VisitLine(visit, list(visit.amendments.select_related("amended_by")))
    initial = {
        "signed_in_at": line.signed_in_at,
        "signed_out_at": line.signed_out_at,
        "collected_by": line.collected_by,
    }
    form = AmendForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            visit_amend(actor=request.user, visit=visit, **form.cleaned_data)
        except EarlyYearsError as error:
            show_on_form(form, error)
        else:
            messages.success(request, "Amendment saved beside the original record.")
            return redirect(
                "earlyyears:child_day", urn=urn, pupil_id=visit.pupil_id, day=visit.on.isoformat()
            )
    return _render(
        request, "earlyyears/amend.html", {"form": form, "line": line, "pupil": visit.pupil}
    )


# --- a child's day: care routines and the summary for home ----------------------------------


@school_view(REGISTER)
def child_day(request: SchoolRequest, urn: str, pupil_id: uuid.UUID, day: str) -> HttpResponse:
    child = access_pupil(request, pupil_id)
    on = _parse_day(day)
    today = working_day()
    if on > today:
        raise Http404
    forms: dict[str, Any] = {
        "care_form": CareForm(initial={"at": _now()}),
        "share_form": ShareForm(),
    }
    entry_error: tuple[object, str, str] | None = None
    if request.method == "POST":
        action = request.POST.get("action")
        done, entry_error = _child_day_post(request, child, on, action, forms)
        if done:
            return redirect("earlyyears:child_day", urn=urn, pupil_id=child.pk, day=day)
    record = selectors.child_day(child, on, today=today, now=_now())
    entries = list(selectors.care_entries(child, on))
    shares = DaySummaryShare.objects.filter(pupil=child, on=on).select_related("shared_by")
    observations = selectors.development_entries(child).filter(on=on, shared_with_family=True)
    return _render(
        request,
        "earlyyears/child_day.html",
        forms
        | {
            "pupil": child,
            "on": on,
            "is_today": on == today,
            "record": record,
            "entries": entries,
            "entry_error": entry_error,
            "shares": shares,
            "observations": observations,
            "family_sharing": getattr(child, "family_sharing", None),
        },
    )


def _child_day_post(
    request: SchoolRequest, child: Pupil, on: date, action: str | None, forms: dict[str, Any]
) -> tuple[bool, tuple[object, str, str] | None]:
    """Returns (saved, error on one care entry)."""
    staff = request.membership.staff
    if action == "care":
        form: CareForm | ShareForm = CareForm(request.POST)
        forms["care_form"] = form
        if form.is_valid():
            try:
                care_record(
                    actor=request.user,
                    pupil=child,
                    on=on,
                    done_by=staff,
                    **form.cleaned_data,
                )
            except EarlyYearsError as error:
                show_on_form(form, error)
            else:
                messages.success(request, "Saved.")
                return True, None
        return False, None
    if action == "share":
        form = ShareForm(request.POST)
        forms["share_form"] = form
        if form.is_valid():
            try:
                day_summary_share(actor=request.user, pupil=child, on=on, **form.cleaned_data)
            except EarlyYearsError as error:
                show_on_form(form, error)
            else:
                messages.success(request, "Recorded how the day went home.")
                return True, None
        return False, None
    if action in ("woke", "check"):
        entry = CareEntry.objects.filter(pk=_uuid(request.POST.get("entry")), pupil=child).first()
        if entry is None:
            raise Http404
        entry_form: Any = (
            WokeForm(request.POST) if action == "woke" else SleepCheckForm(request.POST)
        )
        if not entry_form.is_valid():
            problem = _problem(entry_form)
            return False, (entry.pk, problem.field, problem.message)
        try:
            if action == "woke":
                sleep_end(actor=request.user, entry=entry, **entry_form.cleaned_data)
            else:
                sleep_check_add(actor=request.user, entry=entry, **entry_form.cleaned_data)
        except EarlyYearsError as error:
            named = _named(error)
            return False, (entry.pk, named.field, named.message)
        messages.success(request, "Saved.")
        return True, None
    raise Http404


# --- settling in and development ------------------------------------------------------------


@school_view(REGISTER)
def settling_in(request: SchoolRequest, urn: str, pupil_id: uuid.UUID) -> HttpResponse:
    child = access_pupil(request, pupil_id)
    plan = SettlingInPlan.objects.filter(pupil=child).first()
    initial = (
        {
            "starts_on": plan.starts_on,
            "family_told_us": plan.family_told_us,
            "comfort_objects": plan.comfort_objects,
            "home_routines": plan.home_routines,
        }
        if plan
        else {"starts_on": working_day()}
    )
    plan_form = SettlingPlanForm(initial=initial)
    entry_form = SettlingEntryForm(initial={"on": working_day()})
    action = request.POST.get("action")
    if request.method == "POST" and action == "plan":
        plan_form = SettlingPlanForm(request.POST)
        if plan_form.is_valid():
            settling_plan_save(actor=request.user, pupil=child, **plan_form.cleaned_data)
            messages.success(request, "Settling-in plan saved.")
            return redirect("earlyyears:settling_in", urn=urn, pupil_id=child.pk)
    elif request.method == "POST" and action == "entry" and plan is not None:
        entry_form = SettlingEntryForm(request.POST)
        if entry_form.is_valid():
            settling_entry_add(actor=request.user, plan=plan, **entry_form.cleaned_data)
            messages.success(request, "Added to the settling-in record.")
            return redirect("earlyyears:settling_in", urn=urn, pupil_id=child.pk)
    elif request.method == "POST":
        raise Http404
    entries = plan.entries.select_related("written_by") if plan else []
    return _render(
        request,
        "earlyyears/settling_in.html",
        {
            "pupil": child,
            "plan": plan,
            "plan_form": plan_form,
            "entry_form": entry_form,
            "entries": entries,
        },
    )


@school_view(REGISTER)
def development(request: SchoolRequest, urn: str, pupil_id: uuid.UUID) -> HttpResponse:
    child = access_pupil(request, pupil_id)
    today = working_day()
    observation_form = ObservationForm(initial={"on": today})
    home_form = HomeNoteForm(initial={"on": today}, prefix="home")
    if request.method == "POST":
        action = request.POST.get("action")
        form: ObservationForm | HomeNoteForm
        extra: dict[str, Any]
        if action == "observation":
            form = observation_form = ObservationForm(request.POST)
            kind, extra = DevelopmentEntryKind.OBSERVATION, {"said_by": ""}
        elif action == "home":
            form = home_form = HomeNoteForm(request.POST, prefix="home")
            kind, extra = DevelopmentEntryKind.FROM_HOME, {"shared_with_family": True}
        else:
            raise Http404
        if form.is_valid():
            try:
                development_add(
                    actor=request.user,
                    pupil=child,
                    kind=kind,
                    today=today,
                    **(extra | form.cleaned_data),
                )
            except EarlyYearsError as error:
                show_on_form(form, error)
            else:
                messages.success(request, "Added to the development record.")
                return redirect("earlyyears:development", urn=urn, pupil_id=child.pk)
    return _render(
        request,
        "earlyyears/development.html",
        {
            "pupil": child,
            "entries": selectors.development_entries(child),
            "observation_form": observation_form,
            "home_form": home_form,
        },
    )


# --- rooms ----------------------------------------------------------------------------------


@school_view(REGISTER, Permission.MANAGE_KEY_ADULTS)
def rooms(request: SchoolRequest, urn: str) -> HttpResponse:
    pupils = selectors.setting_pupils(request.membership)
    room_form, place_form, level_form = RoomForm(), PlaceForm(pupils=pupils), QualificationForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "room":
                room_form = RoomForm(request.POST)
                if room_form.is_valid():
                    room_add(
                        actor=request.user,
                        school=request.school,
                        name=room_form.cleaned_data["name"],
                    )
                    return redirect("earlyyears:rooms", urn=urn)
            elif action == "place":
                place_form = PlaceForm(request.POST, pupils=pupils)
                if place_form.is_valid():
                    child_place(actor=request.user, **place_form.cleaned_data)
                    return redirect("earlyyears:rooms", urn=urn)
            elif action == "level":
                level_form = QualificationForm(request.POST)
                if level_form.is_valid():
                    staff_qualification_set(actor=request.user, **level_form.cleaned_data)
                    return redirect("earlyyears:rooms", urn=urn)
            else:
                raise Http404
        except EarlyYearsError as error:
            room_form.add_error("name", error.message)
    today = working_day()
    by_room: dict[object, list[Pupil]] = {}
    for pupil in pupils:
        placement = getattr(pupil, "ey_placement", None)
        by_room.setdefault(placement.room_id if placement else None, []).append(pupil)
    room_list = [(room, by_room.get(room.pk, [])) for room in Room.objects.all()]
    return _render(
        request,
        "earlyyears/rooms.html",
        {
            "rooms": room_list,
            "unplaced": by_room.get(None, []),
            "today": today,
            "room_form": room_form,
            "place_form": place_form,
            "level_form": level_form,
        },
    )
