"""The key adult's day, check-in plans, absences and closures, check-ins across the school,
and attunement."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from attune.access.children import Right, access_pupil, can, open_record
from attune.access.pages import school_view
from attune.accounts.roles import Permission
from attune.auditlog.context import note_read
from attune.bad_requests import day_from_address
from attune.checkins.across_school import checkins_across_school
from attune.checkins.domain.attunement import CITATION, SOURCE_NOTE, Principle
from attune.checkins.forms import (
    AbsenceForm,
    AttunementForm,
    ClosureForm,
    ContactForm,
    FamilySharingForm,
    LogForm,
    NoticingForm,
    PlanForm,
    RoutineForm,
    TargetForm,
)
from attune.checkins.models import (
    CheckinPlan,
    ContactBy,
    ContactOutcome,
    EmailFrom,
    EmailHome,
    FamilySharing,
    KeepInTouchContact,
    KeepInTouchRoutine,
    Mood,
    Noticing,
    Outcome,
    RelationshipTarget,
    SchoolClosure,
    ShareChannel,
    StaffAbsence,
)
from attune.checkins.selectors import (
    attunement_history,
    attunement_progress,
    child_day_for,
    current_relationship_of,
    current_relationships_of,
    messages_home,
    noticings_for,
    relationship_by_id,
    today_for,
)
from attune.checkins.services import (
    CheckinError,
    attunement_record,
    checkin_log,
    checkin_plan_save,
    email_home_retry,
    family_sharing_save,
    keep_in_touch_contact_log,
    keep_in_touch_routine_save,
    noticing_not_yours,
    noticing_record,
    relationship_target_set,
    school_closure_add,
    staff_absence_record,
    staff_absence_remove,
)
from attune.clock import working_day
from attune.errors import show_on_form
from attune.http import SchoolRequest
from attune.people.contacts import home_email_contact
from attune.people.models import Pupil, Staff
from attune.people.selectors import active_staff
from attune.relationships.models import KeyAdultRelationship

REVIEW_AFTER = timedelta(weeks=6)
ROW_CHOICES = {"moods": Mood.choices, "outcomes": Outcome.choices}  # for checkins/_child.html


def _relationship(
    request: SchoolRequest, relationship_id: uuid.UUID, right: Right, *, current: bool = False
) -> KeyAdultRelationship:
    """A relationship, if the reader has ``right`` over its child: the same 404 whether it is
    missing or not theirs. Being named on it (key adult or co-worker) is the reader's own."""
    found = relationship_by_id(relationship_id, current=current)
    if found is None:
        raise Http404
    staff_id = request.membership.staff_id
    own = staff_id is not None and staff_id in (found.key_adult_id, found.co_worker_id)
    open_record(request, found.pupil, right, own=own)
    return found


def _current_relationship(pupil: Pupil) -> KeyAdultRelationship:
    """The current relationship of a child already let in, or 404."""
    found = current_relationship_of(pupil)
    if found is None:
        raise Http404
    return found


def _day_from(request: SchoolRequest, today: date) -> date:
    """The day asked for, or today; a day that is not one, or outside 1990 to a year ahead,
    is a 400 page saying why."""
    raw = request.GET.get("day", "")
    if not raw:
        return today
    day = day_from_address(raw, today=today)
    if day > today:
        messages.info(request, "Check-ins can only be shown and logged up to today.")
        return today
    return day


@school_view(Permission.CHECK_IN)
def today(request: SchoolRequest, urn: str) -> HttpResponse:
    staff = request.membership.staff
    now, working = timezone.localtime(), working_day()  # the demo's day on a weekend
    day = _day_from(request, working)
    context: dict[str, object] = {"day": day, "is_today": day == working, "page": None}
    context |= ROW_CHOICES | {"contact_outcomes": ContactOutcome.choices}
    if staff is not None:
        page = today_for(staff, day, now)
        # The day's notes, plans and contacts for each child listed: each row is a read.
        for pupil in [c.pupil for c in page.children] + [k.pupil for k in page.keeping_in_touch]:
            note_read(pupil.school_id, pupil.pk)
        context["page"] = page
    context["previous_day"] = day - timedelta(days=1)
    context["next_day"] = day + timedelta(days=1) if day < working else None
    return render(request, "checkins/today.html", context)


@school_view(Permission.CHECK_IN)
def log(request: SchoolRequest, urn: str, relationship_id: uuid.UUID) -> HttpResponse:
    """Log one check-in: the Today row posts here (HTMX), or a plain form without script."""
    relationship = _relationship(request, relationship_id, Right.LOG_CHECKINS, current=True)
    staff = request.membership.staff
    if staff is None:  # only an adult named on the relationship may log, so never here
        raise Http404
    now = timezone.localtime()
    form = LogForm(request.POST or None, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            checkin_log(
                actor=request.user,
                staff=staff,
                relationship=relationship,
                on=data["on"],
                slot=data["slot"],
                how=form.how(),
                today=now.date(),
            )
        except CheckinError as error:
            show_on_form(form, error)
        else:
            if request.htmx:  # type: ignore[attr-defined]
                return _row_and_counts(request, relationship, staff, data["on"], now)
            messages.success(request, f"Logged {relationship.pupil.known_as}'s check-in.")
            url = reverse("checkins:today", kwargs={"urn": urn})
            return redirect(f"{url}?day={data['on'].isoformat()}#child-{relationship.pk}")
    if request.htmx and request.method == "POST":  # type: ignore[attr-defined]
        day = form.cleaned_data.get("on") or now.date()
        child = child_day_for(relationship, staff, min(day, now.date()), now)
        context = {"c": child, "day": day, "errors": _error_list(form), **ROW_CHOICES}
        return render(request, "checkins/_child.html", context)
    context = {"relationship": relationship, "form": form, "errors": _error_list(form)}
    return render(request, "checkins/log.html", context)


def _row_and_counts(
    request: SchoolRequest,
    relationship: KeyAdultRelationship,
    staff: Staff,
    day: date,
    now: datetime,
) -> HttpResponse:
    """The child's row again, and Today's counters beside it (swapped in place by HTMX)."""
    page = today_for(staff, day, now)
    child = next((c for c in page.children if c.relationship.pk == relationship.pk), None)
    if child is None:  # logged by someone no longer covering: the row alone
        child = child_day_for(relationship, staff, day, now)
    context = {"c": child, "day": day, "page": page, "oob": True, **ROW_CHOICES}
    row = render_to_string("checkins/_child.html", context, request)
    counts = render_to_string("checkins/_today_counts.html", context, request)
    return HttpResponse(row + counts)


def _error_list(form: forms.Form) -> list[str]:
    return [str(e) for errors in form.errors.values() for e in errors]


@school_view(Permission.CHECK_IN)
def plan(request: SchoolRequest, urn: str, pupil_id: uuid.UUID) -> HttpResponse:
    pupil = access_pupil(request, pupil_id, Right.AGREE_CHECKIN_PLAN)
    relationship = _current_relationship(pupil)
    existing = CheckinPlan.objects.filter(relationship=relationship).first()
    today_ = timezone.localdate()
    initial = _plan_initial(existing, today_)
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            checkin_plan_save(actor=request.user, relationship=relationship, terms=form.terms())
        except CheckinError as error:
            show_on_form(form, error)
        else:
            messages.success(request, f"Saved {relationship.pupil.known_as}'s check-in plan.")
            return redirect("children:pupil", urn=urn, pupil_id=relationship.pupil_id)
    context = {"relationship": relationship, "pupil": relationship.pupil, "form": form}
    context["existing"] = existing
    return render(request, "checkins/plan.html", context)


def _plan_initial(existing: CheckinPlan | None, today_: date) -> dict[str, object]:
    if existing is None:
        return {
            "at_start_of_day": True,
            "at_end_of_day": True,
            "weekdays": [0, 1, 2, 3, 4],
            "duration_minutes": 10,
            "starts_on": today_,
            "review_on": today_ + REVIEW_AFTER,
        }
    fields = PlanForm.base_fields
    initial = {name: getattr(existing, name) for name in fields if name != "weekdays"}
    initial["weekdays"] = existing.weekday_numbers
    return initial


@school_view(Permission.MANAGE_CHECKINS)
def absences(request: SchoolRequest, urn: str) -> HttpResponse:
    today_ = timezone.localdate()
    staff = active_staff()
    post = request.POST if request.method == "POST" else None
    which = request.POST.get("form")
    absence_form = AbsenceForm(
        post if which == "absence" else None, staff=staff, initial={"on": today_}
    )
    closure_form = ClosureForm(post if which == "closure" else None)
    if which == "absence" and absence_form.is_valid():
        data = absence_form.cleaned_data
        try:
            staff_absence_record(
                actor=request.user,
                staff=data["staff"],
                on=data["on"],
                reason=data["reason"],
                today=today_,
            )
        except CheckinError as error:
            show_on_form(absence_form, error)
        else:
            messages.success(request, f"{data['staff'].full_name} is recorded as away.")
            return redirect("checkins:absences", urn=urn)
    if which == "closure" and closure_form.is_valid():
        data = closure_form.cleaned_data
        try:
            school_closure_add(
                actor=request.user,
                school_id=request.school.pk,
                on=data["on"],
                reason=data["reason"],
            )
        except CheckinError as error:
            show_on_form(closure_form, error)
        else:
            messages.success(request, "The closure is recorded: no check-ins are due that day.")
            return redirect("checkins:absences", urn=urn)
    context = {
        "absence_form": absence_form,
        "closure_form": closure_form,
        "absence_list": StaffAbsence.objects.filter(on__gte=today_).select_related("staff"),
        "closure_list": SchoolClosure.objects.filter(on__gte=today_ - timedelta(days=365)),
    }
    return render(request, "checkins/absences.html", context)


@require_POST
@school_view(Permission.MANAGE_CHECKINS)
def absence_remove(request: SchoolRequest, urn: str, absence_id: uuid.UUID) -> HttpResponse:
    absence = StaffAbsence.objects.select_related("staff", "school").filter(pk=absence_id).first()
    if absence is None:
        raise Http404
    staff_absence_remove(actor=request.user, absence=absence)
    messages.success(request, f"{absence.staff.full_name} is no longer recorded as away.")
    return redirect("checkins:absences", urn=urn)


@school_view(Permission.MANAGE_CHECKINS)
def across_school(request: SchoolRequest, urn: str) -> HttpResponse:
    today_ = timezone.localdate()
    context = {"o": checkins_across_school(today_), "limit": request.school.caseload_limit}
    return render(request, "checkins/across_school.html", context)


@school_view(Permission.CHECK_IN)
def attunement(request: SchoolRequest, urn: str, relationship_id: uuid.UUID) -> HttpResponse:
    relationship = _relationship(request, relationship_id, Right.RECORD_ATTUNEMENT)
    today_ = timezone.localdate()
    form = AttunementForm(request.POST or None, initial={"on": today_})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            attunement_record(
                actor=request.user,
                relationship=relationship,
                on=data["on"],
                level=data["level"],
                evidence=data["evidence"],
                today=today_,
            )
        except CheckinError as error:
            show_on_form(form, error)
        else:
            messages.success(request, "Recorded.")
            return redirect("checkins:attunement", urn=urn, relationship_id=relationship.pk)
    return _attunement_page(request, relationship, form, TargetForm())


@require_POST
@school_view(Permission.CHECK_IN)
def target(request: SchoolRequest, urn: str, relationship_id: uuid.UUID) -> HttpResponse:
    relationship = _relationship(request, relationship_id, Right.RECORD_ATTUNEMENT)
    form = TargetForm(request.POST)
    if form.is_valid():
        try:
            relationship_target_set(
                actor=request.user,
                relationship=relationship,
                principle=form.cleaned_data["principle"],
                text=form.cleaned_data["text"],
                today=timezone.localdate(),
            )
        except CheckinError as error:
            show_on_form(form, error)
        else:
            messages.success(request, "Target saved.")
            return redirect("checkins:attunement", urn=urn, relationship_id=relationship.pk)
    initial = {"on": timezone.localdate()}
    return _attunement_page(request, relationship, AttunementForm(initial=initial), form)


def _attunement_page(
    request: SchoolRequest,
    relationship: KeyAdultRelationship,
    form: AttunementForm,
    target_form: TargetForm,
) -> HttpResponse:
    history = attunement_history(relationship)
    context = {
        "relationship": relationship,
        "history": history,
        "progress": attunement_progress(history),
        "principles": list(Principle),
        "targets": RelationshipTarget.objects.filter(relationship=relationship),
        "form": form,
        "target_form": target_form,
        "citation": CITATION,
        "source_note": SOURCE_NOTE,
    }
    return render(request, "checkins/attunement.html", context)


# ---------------------------------------------------------------------------------------------
# Positive noticing, how it goes home, and keeping in touch


@school_view(Permission.CHECK_IN)
def noticing(request: SchoolRequest, urn: str) -> HttpResponse:
    """Two positives for a child, shared home the way the family agreed."""
    staff = request.membership.staff
    today_ = timezone.localdate()
    if staff is None:
        return render(request, "checkins/noticing.html", {"form": None})
    mine = current_relationships_of(staff)
    children = [(str(r.pupil_id), r.pupil.display_name) for r in mine]
    chosen_id = request.POST.get("pupil") or request.GET.get("pupil", "")
    chosen = next((r.pupil for r in mine if str(r.pupil_id) == chosen_id), None)
    if chosen is not None:
        # The page shows how good news goes home for this child, and their recent noticing.
        open_record(request, chosen, Right.LOG_CHECKINS, own=True)
    sharing = FamilySharing.objects.filter(pupil=chosen).first() if chosen else None
    initial = {"on": today_, "pupil": chosen_id, "shared_by": sharing.channel if sharing else ""}
    form = NoticingForm(request.POST or None, children=children, initial=initial)
    if request.method == "POST" and form.is_valid():
        pupil = Pupil.objects.filter(pk=form.cleaned_data["pupil"]).first()
        try:
            if pupil is None:
                raise noticing_not_yours()
            saved = noticing_record(
                actor=request.user,
                staff=staff,
                pupil=pupil,
                what=form.what(),
                today=today_,
            )
        except CheckinError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _noticing_saved(saved))
            url = reverse("checkins:today", kwargs={"urn": urn})
            return redirect(f"{url}?day={saved.on.isoformat()}#child-{saved.relationship_id}")
    recent = noticings_for(chosen, limit=5) if chosen else []
    context = {"form": form, "sharing": sharing, "recent": recent}
    return render(request, "checkins/noticing.html", context)


def _noticing_saved(saved: Noticing) -> str:
    name = saved.pupil.known_as
    if saved.shared_by == ShareChannel.EMAIL:
        return f"Saved. The email to {name}'s family is on its way."
    if saved.shared_by == ShareChannel.PHONE:
        return f"Saved, with the phone call to {name}'s family."
    if saved.shared_by == ShareChannel.CHILD_TELLS:
        return f"Saved. {name} will tell them at home."
    return f"Saved the good things about {name}."


@school_view(Permission.CHECK_IN)
def sharing(request: SchoolRequest, urn: str, pupil_id: uuid.UUID) -> HttpResponse:
    """How good news goes home for this child: agreed with the child and family."""
    pupil = access_pupil(request, pupil_id, Right.SET_FAMILY_ARRANGEMENTS)
    existing = FamilySharing.objects.filter(pupil=pupil).first()
    home = home_email_contact(pupil)
    initial = {f: getattr(existing, f) for f in FamilySharingForm.base_fields} if existing else {}
    if existing is None and home is not None:
        initial["email_from"] = EmailFrom.MIS  # the school's own record, unless they ask
    form = FamilySharingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            family_sharing_save(
                actor=request.user,
                pupil=pupil,
                terms=form.terms(),
                today=timezone.localdate(),
            )
        except CheckinError as error:
            show_on_form(form, error)
        else:
            messages.success(request, f"Saved how good news goes home for {pupil.known_as}.")
            return redirect("children:pupil", urn=urn, pupil_id=pupil.pk)
    context = {"pupil": pupil, "form": form, "existing": existing, "home": home}
    return render(request, "checkins/sharing.html", context)


@school_view(Permission.CHECK_IN)
def keeping_in_touch(request: SchoolRequest, urn: str, pupil_id: uuid.UUID) -> HttpResponse:
    """The child's keeping-in-touch routine and the contacts made on days they are away."""
    pupil = access_pupil(request, pupil_id, Right.KEEP_IN_TOUCH)
    today_ = timezone.localdate()
    can_set = can(request.membership, pupil, Right.SET_FAMILY_ARRANGEMENTS)
    existing = KeepInTouchRoutine.objects.filter(pupil=pupil).select_related("staff").first()
    which = request.POST.get("form")
    post = request.POST if request.method == "POST" else None
    if which == "routine" and not can_set:
        raise Http404
    routine_form = RoutineForm(
        post if which == "routine" else None,
        staff=active_staff(),
        initial=_routine_initial(existing),
    )
    contact_form = ContactForm(
        post if which == "contact" else None,
        initial={"on": today_, "by": existing.by if existing else ContactBy.PHONE},
    )
    if which == "routine" and routine_form.is_valid():
        try:
            keep_in_touch_routine_save(
                actor=request.user, pupil=pupil, routine=routine_form.routine()
            )
        except CheckinError as error:
            show_on_form(routine_form, error)
        else:
            messages.success(request, f"Saved how you keep in touch with {pupil.known_as}.")
            return redirect("checkins:keeping_in_touch", urn=urn, pupil_id=pupil.pk)
    if which == "contact" and contact_form.is_valid():
        try:
            keep_in_touch_contact_log(
                actor=request.user,
                staff=request.membership.staff,
                pupil=pupil,
                contact=contact_form.contact(),
                today=today_,
            )
        except CheckinError as error:
            show_on_form(contact_form, error)
        else:
            messages.success(request, f"Logged the contact with {pupil.known_as}.")
            if request.POST.get("back") == "today":
                url = reverse("checkins:today", kwargs={"urn": urn})
                return redirect(f"{url}#touch-{pupil.pk}")
            return redirect("checkins:keeping_in_touch", urn=urn, pupil_id=pupil.pk)
    context = {
        "pupil": pupil,
        "routine": existing,
        "can_set": can_set,
        "routine_form": routine_form,
        "contact_form": contact_form,
        "contacts": KeepInTouchContact.objects.filter(pupil=pupil)
        .select_related("staff")
        .order_by("-on", "-recorded_at")[:30],
    }
    return render(request, "checkins/keeping_in_touch.html", context)


def _routine_initial(existing: KeepInTouchRoutine | None) -> dict[str, object]:
    if existing is None:
        return {"by": ContactBy.PHONE}
    fields = ("staff", "at", "by", "with_whom", "notes")
    return {f: getattr(existing, f) for f in fields}


@school_view(Permission.MANAGE_CHECKINS)
def messages_home_page(request: SchoolRequest, urn: str) -> HttpResponse:
    """Emails home that have not gone yet, with a way to try again, and the latest sent."""
    found = messages_home()
    # Each row names a child and their family's address: a read of that child's record.
    for email in [*found.waiting, *found.sent]:
        note_read(email.school_id, email.pupil_id)
    return render(request, "checkins/messages_home.html", {"m": found})


@require_POST
@school_view(Permission.MANAGE_CHECKINS)
def email_retry(request: SchoolRequest, urn: str, email_id: uuid.UUID) -> HttpResponse:
    email = EmailHome.objects.select_related("pupil", "pupil__school").filter(pk=email_id).first()
    if email is None:
        raise Http404
    try:
        email_home_retry(actor=request.user, email=email)
    except CheckinError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Trying again to send the email about {email.pupil.known_as}.")
    return redirect("checkins:messages_home", urn=urn)
