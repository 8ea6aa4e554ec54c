"""Training and supervision pages. Thin: guard, access check, selector or service, render."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from attune.access.pages import school_view
from attune.accounts.roles import Permission
from attune.errors import AttuneError, show_on_form
from attune.http import SchoolRequest
from attune.people.selectors import active_staff
from attune.training import selectors
from attune.training.forms import (
    AttendanceForm,
    CourseForm,
    SupervisionForm,
    SupervisionSettingsForm,
)
from attune.training.services import (
    attendance_record,
    attendance_remove,
    course_save,
    courses_add_suggested,
    supervision_record,
    supervision_settings_save,
    supervision_viewed,
)

TRAINING = Permission.MANAGE_TRAINING
SUPERVISION = Permission.MANAGE_SUPERVISION
DEFAULT_DAYS = 60


def _days(request: SchoolRequest) -> int:
    """The look-ahead for "due soon", from ``?days=``: 0 to 365, else the default."""
    raw = request.GET.get("days", "")
    return int(raw) if raw.isdigit() and int(raw) <= 365 else DEFAULT_DAYS


# Training --------------------------------------------------------------------------------------


@school_view(TRAINING)
def overview(request: SchoolRequest, urn: str) -> HttpResponse:
    days = _days(request)
    today = timezone.localdate()
    data = selectors.training_overview(request.school, today=today, within_days=days)
    return render(request, "training/overview.html", {"overview": data, "days": days})


@school_view(TRAINING)
def course_list(request: SchoolRequest, urn: str) -> HttpResponse:
    form = CourseForm(request.POST or None, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            course = _save_course(request, None, form.cleaned_data)
        except AttuneError as error:
            show_on_form(form, error)
        else:
            messages.success(request, f"{course.name} is in the catalogue.")
            return redirect("training:courses", urn=urn)
    context = {"courses": list(selectors.courses()), "form": form}
    return render(request, "training/courses.html", context, status=400 if form.errors else 200)


def _save_course(request: SchoolRequest, course: Any, data: dict[str, Any]) -> Any:
    return course_save(
        actor=request.user,
        school=request.school,
        course=course,
        name=data["name"],
        description=data["description"],
        renew_every_months=data["renew_every_months"],
        for_everyone=data["for_everyone"],
        job_roles=data["job_roles"],
        attune_roles=data["attune_roles"],
        is_active=data["is_active"],
    )


@school_view(TRAINING)
def courses_suggested(request: SchoolRequest, urn: str) -> HttpResponse:
    if request.method == "POST":
        added = courses_add_suggested(actor=request.user, school=request.school)
        messages.success(request, f"Added {len(added)} suggested courses. Change any of them.")
    return redirect("training:courses", urn=urn)


@school_view(TRAINING)
def course(request: SchoolRequest, urn: str, course_id: uuid.UUID) -> HttpResponse:
    found = selectors.access_course(course_id)
    form = CourseForm(request.POST) if request.method == "POST" else CourseForm.for_course(found)
    if request.method == "POST" and form.is_valid():
        try:
            _save_course(request, found, form.cleaned_data)
        except AttuneError as error:
            show_on_form(form, error)
        else:
            messages.success(request, f"Saved {found.name}.")
            return redirect("training:course", urn=urn, course_id=found.pk)
    context = {
        "course": found,
        "form": form,
        "attendance": list(selectors.course_attendance(found)),
    }
    return render(request, "training/course.html", context, status=400 if form.errors else 200)


@school_view(TRAINING)
def record(request: SchoolRequest, urn: str) -> HttpResponse:
    initial = {"course": request.GET.get("course")} if request.GET.get("course") else {}
    form = AttendanceForm(
        request.POST or None,
        courses=selectors.courses(active_only=True),
        staff=active_staff(),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rows = attendance_record(
                actor=request.user,
                school=request.school,
                course=data["course"],
                staff=list(data["staff"]),
                attended_on=data["attended_on"],
                provider=data["provider"],
                notes=data["notes"],
                today=timezone.localdate(),
            )
        except AttuneError as error:
            show_on_form(form, error)
        else:
            people = "person" if len(rows) == 1 else "people"
            messages.success(request, f"Recorded {data['course'].name} for {len(rows)} {people}.")
            return redirect("training:course", urn=urn, course_id=data["course"].pk)
    return render(
        request, "training/record.html", {"form": form}, status=400 if form.errors else 200
    )


@school_view(TRAINING)
def attendance_delete(request: SchoolRequest, urn: str, attendance_id: uuid.UUID) -> HttpResponse:
    row = selectors.access_attendance(attendance_id)
    if request.method != "POST":
        return render(request, "training/attendance_delete.html", {"row": row})
    attendance_remove(actor=request.user, school=request.school, attendance=row)
    messages.success(
        request, f"Removed {row.staff.full_name}'s {row.course.name} on {row.attended_on:%d/%m/%Y}."
    )
    return redirect("training:person", urn=urn, staff_id=row.staff_id)


def _person_page(request: SchoolRequest, staff: Any, *, own: bool) -> HttpResponse:
    days = _days(request)
    rows, history = selectors.person_training(
        request.school, staff, today=timezone.localdate(), within_days=days
    )
    context = {"person": staff, "rows": rows, "history": history, "own": own, "days": days}
    return render(request, "training/person.html", context)


@school_view(TRAINING)
def person(request: SchoolRequest, urn: str, staff_id: uuid.UUID) -> HttpResponse:
    return _person_page(request, selectors.access_staff(staff_id), own=False)


@school_view()
def mine(request: SchoolRequest, urn: str) -> HttpResponse:
    """Anyone with a staff record sees their own training."""
    return _person_page(request, selectors.my_staff(request), own=True)


# Supervision -----------------------------------------------------------------------------------


@school_view(SUPERVISION)
def supervision(request: SchoolRequest, urn: str) -> HttpResponse:
    every = selectors.formal_every_weeks()
    settings_form = SupervisionSettingsForm(
        request.POST or None, initial={"formal_every_weeks": every}
    )
    if request.method == "POST" and settings_form.is_valid():
        try:
            supervision_settings_save(
                actor=request.user,
                school=request.school,
                formal_every_weeks=settings_form.cleaned_data["formal_every_weeks"],
            )
        except AttuneError as error:
            show_on_form(settings_form, error)
        else:
            messages.success(request, "Saved how often formal supervision should happen.")
            return redirect("training:supervision", urn=urn)
    context = {
        "key_adults": selectors.supervision_overview(today=timezone.localdate(), every_weeks=every),
        "records": selectors.supervisions(limit=30),
        "every_weeks": every,
        "settings_form": settings_form,
    }
    status = 400 if settings_form.errors else 200
    return render(request, "training/supervision.html", context, status=status)


@school_view(SUPERVISION)
def supervision_new(request: SchoolRequest, urn: str) -> HttpResponse:
    initial: dict[str, Any] = {"supervisor": request.membership.staff_id}
    if request.GET.get("supervisee"):
        initial["supervisee"] = request.GET["supervisee"]
    form = SupervisionForm(request.POST or None, staff=active_staff(), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = supervision_record(
                actor=request.user,
                school=request.school,
                kind=data["kind"],
                held_on=data["held_on"],
                supervisor=data["supervisor"],
                supervisee=data["supervisee"],
                themes=data["themes"],
                other_themes=data["other_themes"],
                notes=data["notes"],
                agreed_support=data["agreed_support"],
                follow_ups=data["follow_ups"],
                follow_up_by=data["follow_up_by"],
                today=timezone.localdate(),
            )
        except AttuneError as error:
            show_on_form(form, error)
        else:
            messages.success(request, f"Recorded supervision with {saved.supervisee.full_name}.")
            return redirect("training:supervision", urn=urn)
    return render(
        request, "training/supervision_new.html", {"form": form}, status=400 if form.errors else 200
    )


@school_view()
def supervision_detail(request: SchoolRequest, urn: str, supervision_id: uuid.UUID) -> HttpResponse:
    found = selectors.access_supervision(request, supervision_id)
    supervision_viewed(actor=request.user, supervision=found)
    return render(request, "training/supervision_detail.html", {"record": found})


@school_view()
def supervision_mine(request: SchoolRequest, urn: str) -> HttpResponse:
    """A key adult's own supervision (and any they gave), newest first."""
    me = selectors.my_staff(request)
    context = {"me": me, "records": selectors.supervisions(staff=me)}
    return render(request, "training/supervision_mine.html", context)
