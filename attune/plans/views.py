"""Plans, reviews, the reviews due list and the chronology. Views stay thin: access, then a
selector or a service, then a template."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from attune.accounts.decorators import school_view
from attune.accounts.roles import Permission, Role
from attune.http import SchoolRequest
from attune.people.access import access_pupil, visible_pupils
from attune.people.models import Staff
from attune.plans.access import access_meeting, access_plan, require_plan_reader
from attune.plans.domain.chronology import Entry
from attune.plans.domain.prompts import PROMPTS
from attune.plans.domain.rules import progress_share, review_state
from attune.plans.forms import (
    ChronologyFilterForm,
    ContactForm,
    HandoverForm,
    MeetingActionForm,
    MeetingForm,
    NextStepForm,
    OwnerForm,
    PlanForm,
    ReviewForm,
    TargetForm,
)
from attune.plans.models import Plan
from attune.plans.pdf import handover_pdf
from attune.plans.selectors import (
    actions_owned,
    chronology_for,
    contacts_for,
    handover_pack,
    meeting_actions,
    meetings_for,
    plan_reviews,
    plan_version,
    plan_versions,
    plans_for,
    plans_overdue,
)
from attune.plans.services import (
    Owner,
    PlanError,
    Progress,
    contact_log,
    handover_made,
    meeting_action_add,
    meeting_action_done,
    meeting_record,
    next_step_add,
    plan_create,
    plan_review,
    target_add,
)
from attune.relationships.access import can_support_child, require_support


def _staff() -> Any:
    return Staff.objects.filter(is_active=True).order_by("last_name", "first_name")


def _show_error(form: Any, error: PlanError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@school_view(Permission.VIEW_PUPILS)
def pupil_plans(request: SchoolRequest, urn: str, pupil_id: uuid.UUID) -> HttpResponse:
    child = access_pupil(request, pupil_id)
    require_plan_reader(request, child)
    today = timezone.localdate()
    plans = [(p, review_state(p.review_due_on, today)) for p in plans_for(child)]  # type: ignore[attr-defined]
    context = {
        "pupil": child,
        "plans": plans,
        "meetings": meetings_for(child),
        "can_manage": can_support_child(request.membership, child),
    }
    return render(request, "plans/pupil_plans.html", context)


@school_view(Permission.VIEW_PUPILS)
def plan_new(request: SchoolRequest, urn: str, pupil_id: uuid.UUID) -> HttpResponse:
    child = access_pupil(request, pupil_id)
    require_support(request.membership, child)
    form = PlanForm(request.POST or None, staff=_staff())
    if request.method == "POST" and form.is_valid():
        try:
            plan = plan_create(
                actor=request.user,
                pupil=child,
                today=timezone.localdate(),
                request=request,
                **form.cleaned_data,
            )
        except PlanError as error:
            _show_error(form, error)
        else:
            messages.success(request, "Plan saved. Add the next steps and targets below.")
            return redirect("plans:plan", urn=urn, plan_id=plan.pk)
    return render(request, "plans/plan_new.html", {"pupil": child, "form": form})


def _plan_page(
    request: SchoolRequest,
    plan: Plan,
    *,
    step_form: NextStepForm | None = None,
    target_form: TargetForm | None = None,
) -> HttpResponse:
    today = timezone.localdate()
    asked = request.GET.get("version", "")
    version = plan_version(plan, int(asked) if asked.isdigit() else None)
    if version is None:
        raise Http404
    versions = list(plan_versions(plan))
    is_current = version.number == versions[0].number
    manage = is_current and can_support_child(request.membership, plan.pupil)
    reviews = list(plan_reviews(plan))
    for review in reviews:
        for item in review.progress.all():
            t = item.target
            item.share = progress_share(t.baseline, t.target_value, item.value)  # type: ignore[attr-defined]
    context = {
        "plan": plan,
        "pupil": plan.pupil,
        "version": version,
        "versions": versions,
        "is_current": is_current,
        "state": review_state(version.review_due_on, today) if plan.ended_on is None else None,
        "reviews": reviews,
        "can_manage": manage,
        "step_form": step_form or (NextStepForm(staff=_staff()) if manage else None),
        "target_form": target_form or (TargetForm(staff=_staff()) if manage else None),
    }
    return render(request, "plans/plan.html", context)


@school_view(Permission.VIEW_PUPILS)
def plan(request: SchoolRequest, urn: str, plan_id: int) -> HttpResponse:
    return _plan_page(request, access_plan(request, plan_id))


def _owner(form: OwnerForm) -> Owner:
    data = form.cleaned_data
    return Owner(kind=data["owner_kind"], staff=data["owner_staff"], name=data["owner_name"])


@school_view(Permission.VIEW_PUPILS)
def step_add(request: SchoolRequest, urn: str, plan_id: int) -> HttpResponse:
    the_plan = access_plan(request, plan_id)
    require_support(request.membership, the_plan.pupil)
    form = NextStepForm(request.POST or None, staff=_staff())
    if request.method == "POST" and form.is_valid():
        try:
            next_step_add(
                actor=request.user,
                plan=the_plan,
                description=form.cleaned_data["description"],
                owner=_owner(form),
                success_criteria=form.cleaned_data["success_criteria"],
                due_on=form.cleaned_data["due_on"],
                request=request,
            )
        except PlanError as error:
            _show_error(form, error)
        else:
            messages.success(request, "Next step added.")
            return redirect("plans:plan", urn=urn, plan_id=the_plan.pk)
    return _plan_page(request, the_plan, step_form=form)


@school_view(Permission.VIEW_PUPILS)
def target_new(request: SchoolRequest, urn: str, plan_id: int) -> HttpResponse:
    the_plan = access_plan(request, plan_id)
    require_support(request.membership, the_plan.pupil)
    form = TargetForm(request.POST or None, staff=_staff())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            target_add(
                actor=request.user,
                plan=the_plan,
                description=data["description"],
                owner=_owner(form),
                success_criteria=data["success_criteria"],
                baseline=data["baseline"],
                target_value=data["target_value"],
                unit=data["unit"],
                by_date=data["by_date"],
                request=request,
            )
        except PlanError as error:
            _show_error(form, error)
        else:
            messages.success(request, "Target added.")
            return redirect("plans:plan", urn=urn, plan_id=the_plan.pk)
    return _plan_page(request, the_plan, target_form=form)


@school_view(Permission.VIEW_PUPILS)
def review(request: SchoolRequest, urn: str, plan_id: int) -> HttpResponse:
    the_plan = access_plan(request, plan_id)
    require_support(request.membership, the_plan.pupil)
    version = plan_version(the_plan, None)
    if version is None:  # every plan is created with its first version
        raise Http404
    targets = list(version.targets.all())
    initial = {
        "child_goals": version.child_goals,
        "strengths": version.strengths,
        "what_helps": version.what_helps,
    }
    form = ReviewForm(request.POST or None, targets=targets, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        progress = {t.pk: Progress(data[f"progress_{t.pk}"], data[f"note_{t.pk}"]) for t in targets}
        try:
            plan_review(
                actor=request.user,
                plan=the_plan,
                held_on=data["held_on"],
                progress=progress,
                what_changed=data["what_changed"],
                child_view=data["child_view"],
                child_goals=data["child_goals"],
                strengths=data["strengths"],
                what_helps=data["what_helps"],
                next_review_due_on=data["next_review_due_on"],
                today=timezone.localdate(),
                request=request,
            )
        except PlanError as error:
            _show_error(form, error)
        else:
            messages.success(request, f"Review saved as version {version.number + 1}.")
            return redirect("plans:plan", urn=urn, plan_id=the_plan.pk)
    context = {"plan": the_plan, "pupil": the_plan.pupil, "version": version, "form": form}
    return render(request, "plans/review.html", context)


@school_view(Permission.VIEW_PUPILS)
def reviews_due(request: SchoolRequest, urn: str) -> HttpResponse:
    """Overdue reviews: every plan for the leads, one's own plans for everyone else."""
    today = timezone.localdate()
    membership = request.membership
    plans = plans_overdue(today).filter(pupil__in=visible_pupils(membership))
    everyone = (
        membership.can(Permission.VIEW_ALL_SENSITIVE) and membership.role != Role.VIRTUAL_SCHOOL
    )
    if not everyone:
        plans = plans.filter(owner_id=membership.staff_id)
    rows = [(p, review_state(p.review_due_on, today)) for p in plans]  # type: ignore[attr-defined]
    actions = actions_owned(membership.staff_id, visible_pupils(membership))
    context = {"rows": rows, "everyone": everyone, "actions": actions, "today": today}
    return render(request, "plans/reviews_due.html", context)


@school_view(Permission.VIEW_PUPILS)
def chronology(request: SchoolRequest, urn: str, pupil_id: uuid.UUID) -> HttpResponse:
    child = access_pupil(request, pupil_id)
    require_plan_reader(request, child)
    form = ChronologyFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    # One reverse, then string formatting: thousands of entries need no URL resolving each.
    plan_url = reverse("plans:plan", kwargs={"urn": urn, "plan_id": 0}).replace("/0/", "/{}/")
    meeting_url = reverse("plans:meeting", kwargs={"urn": urn, "meeting_id": 0})
    meeting_url = meeting_url.replace("/0/", "/{}/")
    contacts_url = reverse("plans:contacts", kwargs={"urn": urn, "pupil_id": child.pk})
    entries = chronology_for(
        child,
        kinds=data.get("kind"),
        since=data.get("since"),
        until=data.get("until"),
        link=plan_url.format,
        meeting_link=meeting_url.format,
        contacts_link=contacts_url,
    )
    context = {"pupil": child, "entries": entries, "rows": _rows(entries), "form": form}
    return render(request, "plans/chronology.html", context)


def _rows(entries: list[Entry]) -> SafeString:
    """The table rows, escaped by format_html. Built here rather than in a template loop: five
    years of history is thousands of rows, and this is about ten times faster."""
    return format_html_join(
        "\n",
        "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                e.day,
                format_html('<a href="{}">{}</a>', e.link, e.title) if e.link else e.title,
                e.detail,
            )
            for e in entries
        ),
    )


@school_view(Permission.VIEW_PUPILS)
def meeting_new(request: SchoolRequest, urn: str, pupil_id: uuid.UUID) -> HttpResponse:
    child = access_pupil(request, pupil_id)
    require_support(request.membership, child)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meeting_record(
                actor=request.user,
                pupil=child,
                today=timezone.localdate(),
                request=request,
                **form.cleaned_data,
            )
        except PlanError as error:
            _show_error(form, error)
        else:
            messages.success(request, "Meeting recorded. Add the actions agreed below.")
            return redirect("plans:meeting", urn=urn, meeting_id=meeting.pk)
    context = {"pupil": child, "form": form, "prompts": PROMPTS}
    return render(request, "plans/meeting_new.html", context)


def _meeting_page(
    request: SchoolRequest, meeting: Any, action_form: MeetingActionForm | None = None
) -> HttpResponse:
    manage = can_support_child(request.membership, meeting.pupil)
    context = {
        "meeting": meeting,
        "pupil": meeting.pupil,
        "actions": meeting_actions(meeting),
        "can_manage": manage,
        "action_form": action_form or (MeetingActionForm(staff=_staff()) if manage else None),
    }
    return render(request, "plans/meeting.html", context)


@school_view(Permission.VIEW_PUPILS)
def meeting(request: SchoolRequest, urn: str, meeting_id: int) -> HttpResponse:
    return _meeting_page(request, access_meeting(request, meeting_id))


@school_view(Permission.VIEW_PUPILS)
def meeting_action_new(request: SchoolRequest, urn: str, meeting_id: int) -> HttpResponse:
    the_meeting = access_meeting(request, meeting_id)
    require_support(request.membership, the_meeting.pupil)
    form = MeetingActionForm(request.POST or None, staff=_staff())
    if request.method == "POST" and form.is_valid():
        try:
            meeting_action_add(
                actor=request.user,
                meeting=the_meeting,
                description=form.cleaned_data["description"],
                owner=_owner(form),
                due_on=form.cleaned_data["due_on"],
                request=request,
            )
        except PlanError as error:
            _show_error(form, error)
        else:
            messages.success(request, "Action added.")
            return redirect("plans:meeting", urn=urn, meeting_id=the_meeting.pk)
    return _meeting_page(request, the_meeting, form)


@school_view(Permission.VIEW_PUPILS)
def meeting_action_complete(
    request: SchoolRequest, urn: str, meeting_id: int, action_id: int
) -> HttpResponse:
    the_meeting = access_meeting(request, meeting_id)
    require_support(request.membership, the_meeting.pupil)
    action = meeting_actions(the_meeting).filter(pk=action_id).first()
    if action is None or request.method != "POST":
        raise Http404
    try:
        meeting_action_done(
            actor=request.user, action=action, today=timezone.localdate(), request=request
        )
    except PlanError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Marked as done.")
    return redirect("plans:meeting", urn=urn, meeting_id=the_meeting.pk)


@school_view(Permission.VIEW_PUPILS)
def contacts(request: SchoolRequest, urn: str, pupil_id: uuid.UUID) -> HttpResponse:
    """The contact log: read by whoever may see the child's plans, written by those who help."""
    child = access_pupil(request, pupil_id)
    require_plan_reader(request, child)
    manage = can_support_child(request.membership, child)
    if request.method == "POST":
        require_support(request.membership, child)
    form = ContactForm(request.POST or None) if manage else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            contact_log(
                actor=request.user,
                pupil=child,
                today=timezone.localdate(),
                request=request,
                **form.cleaned_data,
            )
        except PlanError as error:
            _show_error(form, error)
        else:
            messages.success(request, "Contact logged.")
            return redirect("plans:contacts", urn=urn, pupil_id=child.pk)
    context = {"pupil": child, "form": form, "entries": contacts_for(child)}
    return render(request, "plans/contacts.html", context)


@school_view(Permission.VIEW_PUPILS)
def handover(request: SchoolRequest, urn: str, pupil_id: uuid.UUID) -> HttpResponse:
    """A print view and a PDF of what the next adult needs, cut to what they may see."""
    child = access_pupil(request, pupil_id)
    require_support(request.membership, child)
    form = HandoverForm(request.GET or None)
    if not (form.is_bound and form.is_valid()):
        return render(request, "plans/handover_choose.html", {"pupil": child, "form": form})
    recipient = form.cleaned_data["recipient"]
    as_pdf = form.cleaned_data["format"] == "pdf"
    pack = handover_pack(child, recipient=recipient, today=timezone.localdate())
    handover_made(
        actor=request.user, pupil=child, recipient=recipient, as_pdf=as_pdf, request=request
    )
    if as_pdf:
        response = HttpResponse(handover_pdf(pack), content_type="application/pdf")
        name = f"handover-{child.known_as}-{child.legal_surname}.pdf".lower().replace(" ", "-")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return render(request, "plans/handover.html", {"pupil": child, "pack": pack})
