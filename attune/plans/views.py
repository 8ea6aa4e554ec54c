"""Plans, reviews, the reviews due list and the chronology. Views stay thin: access, then a
selector or a service, then a template.

Who may open what is the access rules' answer (``attune.access``): a plan, its reviews and the
chronology are the child's sensitive record (``Right.SEE_SENSITIVE``); a meeting or contact
opens by its own level; writing needs ``Right.SUPPORT``. Whole-school "you said, we did" is
for everyone who works in the school and answered by the leads: role permissions, as the
page guards say.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from attune import pdf
from attune.access.children import (
    Right,
    access_pupil,
    can,
    notes_filter,
    open_record,
    require,
)
from attune.access.pages import school_view
from attune.accounts.models import Membership
from attune.accounts.roles import Permission, Role
from attune.auditlog.context import note_read
from attune.bad_requests import check_dates
from attune.errors import saved_from_form
from attune.http import SchoolRequest
from attune.links import id_link
from attune.people.models import Pupil
from attune.people.selectors import active_staff
from attune.plans.chronology_dates import Place
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
    PlanCloseForm,
    PlanForm,
    ReviewForm,
    TargetForm,
    YouSaidForm,
    YouSaidResponseForm,
)
from attune.plans.models import Meeting, Plan, YouSaid
from attune.plans.pdf import handover_pdf
from attune.plans.selectors import (
    actions_owned,
    chronology_for,
    chronology_kinds,
    chronology_place,
    contacts_for,
    handover_pack,
    meeting_actions,
    meetings_for,
    plan_reviews,
    plan_version,
    plan_versions,
    plans_for,
    plans_overdue,
    you_said_items,
    you_said_unsigned,
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
    plan_close,
    plan_create,
    plan_review,
    target_add,
    you_said_raise,
    you_said_respond,
)
from attune.plans.services import you_said_sign_off as you_said_sign_off_service

# Whole-school "you said, we did": everyone who works with the children (not a visiting
# officer, nor an administrator, who runs accounts) reads and adds; the leads answer and sign
# off. Role permissions, so the page guards say it.
WORKS_IN_SCHOOL = Permission.CHECK_IN
OVERSEES_YOU_SAID = Permission.MANAGE_CHECKINS


def _team_page(request: SchoolRequest, pupil_id: uuid.UUID) -> Pupil:
    """The child, for a page of their sensitive record: the same 404 as ever for a child the
    reader cannot see, and 403 for one they see only the own page of (teachers, office)."""
    child = access_pupil(request, pupil_id)
    require(request, child, Right.SEE_SENSITIVE)
    # Asked again through the door so a read that needs break glass is logged against it.
    open_record(request, child, Right.SEE_SENSITIVE)
    return child


def _writer(request: SchoolRequest, pupil_id: uuid.UUID) -> Pupil:
    """The child, for someone who may write plans, meetings and contacts about them."""
    child = access_pupil(request, pupil_id)
    require(request, child, Right.SUPPORT)
    return child


def _plan(request: SchoolRequest, plan_id: uuid.UUID) -> Plan:
    """The plan, for whoever may read the child's sensitive record; the same 404 otherwise."""
    plan = Plan.objects.select_related("pupil", "owner").filter(public_id=plan_id).first()
    if plan is None:
        raise Http404
    open_record(request, plan.pupil, Right.SEE_SENSITIVE)
    return plan


def _meeting(request: SchoolRequest, meeting_id: uuid.UUID) -> Meeting:
    """A meeting opens by its own level: one for everyone who works with the child opens for
    them too, one for the DSL only, for the DSL only."""
    meeting = Meeting.objects.select_related("pupil").filter(public_id=meeting_id).first()
    if meeting is None:
        raise Http404
    open_record(request, meeting.pupil, level=meeting.sensitivity)
    return meeting


def _you_said(request: SchoolRequest, item_id: uuid.UUID) -> YouSaid:
    """An item about a child: whoever may read the child's plans. A whole-school item: those
    who work in the school. The same 404 otherwise."""
    item = YouSaid.objects.select_related("pupil", "done_by").filter(public_id=item_id).first()
    if item is None:
        raise Http404
    if item.pupil is not None:
        open_record(request, item.pupil, Right.SEE_SENSITIVE)
    elif not request.membership.can(WORKS_IN_SCHOOL):
        raise Http404
    return item


def _can_respond(membership: Membership, item: YouSaid) -> bool:
    """Say what was done: those who support the child, or for the whole school, the leads."""
    if item.pupil is None:
        return membership.can(OVERSEES_YOU_SAID)
    return can(membership, item.pupil, Right.SUPPORT)


@school_view(Permission.VIEW_PUPILS)
def pupil_plans(request: SchoolRequest, urn: str, pupil_id: uuid.UUID) -> HttpResponse:
    child = _team_page(request, pupil_id)
    today = timezone.localdate()
    plans = [(p, review_state(p.review_due_on, today)) for p in plans_for(child)]  # type: ignore[attr-defined]
    context = {
        "pupil": child,
        "plans": plans,
        "meetings": meetings_for(child, request.membership),
        "can_manage": can(request.membership, child, Right.SUPPORT),
        "you_said": you_said_items(child),
    }
    return render(request, "plans/pupil_plans.html", context)


@school_view(Permission.VIEW_PUPILS)
def plan_new(request: SchoolRequest, urn: str, pupil_id: uuid.UUID) -> HttpResponse:
    child = _writer(request, pupil_id)
    form = PlanForm(request.POST or None, staff=active_staff())
    plan = saved_from_form(
        request,
        form,
        lambda data: plan_create(
            actor=request.user, pupil=child, today=timezone.localdate(), **data
        ),
        refused=PlanError,
    )
    if plan is not None:
        messages.success(request, "Plan saved. Add the next steps and targets below.")
        return redirect("plans:plan", urn=urn, plan_id=plan.public_id)
    return render(request, "plans/plan_new.html", {"pupil": child, "form": form})


def _plan_page(
    request: SchoolRequest,
    plan: Plan,
    *,
    step_form: NextStepForm | None = None,
    target_form: TargetForm | None = None,
    close_form: PlanCloseForm | None = None,
) -> HttpResponse:
    today = timezone.localdate()
    asked = request.GET.get("version", "")
    version = plan_version(plan, int(asked) if asked.isdigit() else None)
    if version is None:
        raise Http404
    versions = list(plan_versions(plan))
    is_current = version.number == versions[0].number
    manage = (
        is_current and plan.ended_on is None and can(request.membership, plan.pupil, Right.SUPPORT)
    )
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
        "step_form": step_form or (NextStepForm(staff=active_staff()) if manage else None),
        "target_form": target_form or (TargetForm(staff=active_staff()) if manage else None),
        "close_form": close_form or (PlanCloseForm() if manage else None),
    }
    return render(request, "plans/plan.html", context)


@school_view(Permission.VIEW_PUPILS)
def plan(request: SchoolRequest, urn: str, plan_id: uuid.UUID) -> HttpResponse:
    return _plan_page(request, _plan(request, plan_id))


def _owner(form: OwnerForm) -> Owner:
    data = form.cleaned_data
    return Owner(kind=data["owner_kind"], staff=data["owner_staff"], name=data["owner_name"])


def _plan_writer(request: SchoolRequest, plan_id: uuid.UUID) -> Plan:
    """The plan, for someone who may change it; closed plans are kept as they were."""
    the_plan = _plan(request, plan_id)
    require(request, the_plan.pupil, Right.SUPPORT)
    if the_plan.ended_on is not None:
        raise PermissionDenied
    return the_plan


def _plan_part(
    request: SchoolRequest,
    plan_id: uuid.UUID,
    *,
    form: Callable[[], Any],
    slot: str,
    done: str,
    save: Callable[[Plan, Any, dict[str, Any]], object],
) -> HttpResponse:
    """Add something to a plan from a form on the plan's page: saved and back to the page, or
    the page again with the form showing what to put right."""
    the_plan = _plan_writer(request, plan_id)
    bound = form()
    saved = saved_from_form(
        request, bound, lambda data: save(the_plan, bound, data), refused=PlanError
    )
    if saved is not None:
        messages.success(request, done)
        return redirect("plans:plan", urn=request.school.urn, plan_id=the_plan.public_id)
    return _plan_page(request, the_plan, **{slot: bound})


@school_view(Permission.VIEW_PUPILS)
def step_add(request: SchoolRequest, urn: str, plan_id: uuid.UUID) -> HttpResponse:
    return _plan_part(
        request,
        plan_id,
        form=lambda: NextStepForm(request.POST or None, staff=active_staff()),
        slot="step_form",
        done="Next step added.",
        save=lambda plan, form, data: next_step_add(
            actor=request.user,
            plan=plan,
            description=data["description"],
            owner=_owner(form),
            success_criteria=data["success_criteria"],
            due_on=data["due_on"],
        ),
    )


@school_view(Permission.VIEW_PUPILS)
def target_new(request: SchoolRequest, urn: str, plan_id: uuid.UUID) -> HttpResponse:
    return _plan_part(
        request,
        plan_id,
        form=lambda: TargetForm(request.POST or None, staff=active_staff()),
        slot="target_form",
        done="Target added.",
        save=lambda plan, form, data: target_add(
            actor=request.user,
            plan=plan,
            description=data["description"],
            owner=_owner(form),
            success_criteria=data["success_criteria"],
            baseline=data["baseline"],
            target_value=data["target_value"],
            unit=data["unit"],
            by_date=data["by_date"],
        ),
    )


@school_view(Permission.VIEW_PUPILS)
def close(request: SchoolRequest, urn: str, plan_id: uuid.UUID) -> HttpResponse:
    """Close a plan with a date and a reason; it stays on record, shown as closed."""
    return _plan_part(
        request,
        plan_id,
        form=lambda: PlanCloseForm(request.POST or None),
        slot="close_form",
        done="Plan closed. It stays on record with its reviews.",
        save=lambda plan, _form, data: plan_close(
            actor=request.user,
            plan=plan,
            ended_on=data["ended_on"],
            reason=data["reason"],
            today=timezone.localdate(),
        ),
    )


@school_view(Permission.VIEW_PUPILS)
def review(request: SchoolRequest, urn: str, plan_id: uuid.UUID) -> HttpResponse:
    the_plan = _plan_writer(request, plan_id)
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
    saved = saved_from_form(
        request,
        form,
        lambda data: plan_review(
            actor=request.user,
            plan=the_plan,
            held_on=data["held_on"],
            progress={
                t.pk: Progress(data[f"progress_{t.pk}"], data[f"note_{t.pk}"]) for t in targets
            },
            what_changed=data["what_changed"],
            child_view=data["child_view"],
            child_goals=data["child_goals"],
            strengths=data["strengths"],
            what_helps=data["what_helps"],
            next_review_due_on=data["next_review_due_on"],
            today=timezone.localdate(),
        ),
        refused=PlanError,
    )
    if saved is not None:
        messages.success(request, f"Review saved as version {version.number + 1}.")
        return redirect("plans:plan", urn=urn, plan_id=the_plan.public_id)
    context = {"plan": the_plan, "pupil": the_plan.pupil, "version": version, "form": form}
    return render(request, "plans/review.html", context)


@school_view(Permission.VIEW_PUPILS)
def reviews_due(request: SchoolRequest, urn: str) -> HttpResponse:
    """Overdue reviews: every plan for the leads, one's own plans for everyone else; and the
    meeting actions one owns. Each child listed is a read of their record."""
    today = timezone.localdate()
    membership = request.membership
    plans = plans_overdue(membership, today)
    everyone = (
        membership.can(Permission.VIEW_ALL_SENSITIVE) and membership.role != Role.VIRTUAL_SCHOOL
    )
    if not everyone:
        plans = plans.filter(owner_id=membership.staff_id)
    rows = [(p, review_state(p.review_due_on, today)) for p in plans]  # type: ignore[attr-defined]
    actions = actions_owned(membership)
    for child in {p.pupil for p, _ in rows} | {a.meeting.pupil for a in actions.shown}:
        note_read(child.school_id, child.pk)
    context = {
        "rows": rows,
        "everyone": everyone,
        "actions": actions.shown,
        "hidden_actions": actions.hidden,
        "today": today,
    }
    return render(request, "plans/reviews_due.html", context)


@school_view(Permission.VIEW_PUPILS)
def chronology(request: SchoolRequest, urn: str, pupil_id: uuid.UUID) -> HttpResponse:
    child = _team_page(request, pupil_id)
    form = ChronologyFilterForm(request.GET or None)
    check_dates(form)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    notes = notes_filter(request.membership, child)
    incidents = can(request.membership, child, Right.SEE_ALL_INCIDENTS)
    # One reverse each, then string formatting: thousands of entries need no URL resolving.
    read = partial(
        chronology_for,
        child,
        kinds=data.get("kind"),
        since=data.get("since"),
        until=data.get("until"),
        notes=notes,
        link=id_link("plans:plan", "plan_id", urn=urn),
        meeting_link=id_link("plans:meeting", "meeting_id", urn=urn),
        contacts_link=reverse("plans:contacts", kwargs={"urn": urn, "pupil_id": child.pk}),
        you_said_link=id_link("plans:you_said", "item_id", urn=urn),
        incident_link=(
            id_link("incidents:incident", "incident_id", urn=urn) if incidents else None
        ),
        # Interventions go with the sensitive record, which this page already needs.
        interventions_link=reverse(
            "interventions:pupil", kwargs={"urn": urn, "pupil_id": child.pk}
        ),
    )
    if request.GET.get("page") == "all":  # every entry on one page, to print
        entries = read()
        shown = Paginator(entries, max(len(entries), 1)).get_page(1)
    else:
        kinds = chronology_kinds(data.get("kind"), incidents=incidents, interventions=True)
        place = partial(
            chronology_place,
            child,
            kinds=kinds,
            since=data.get("since"),
            until=data.get("until"),
            notes=notes,
        )
        shown = _entries_page(request.GET.get("page"), place, read)
    context = {
        "pupil": child,
        "total": shown.paginator.count,
        "shown": shown,
        "rows": _rows(shown.object_list),
        "pages": _chronology_links(request, shown),
        "form": form,
    }
    return render(request, "plans/chronology.html", context)


ENTRIES_PER_PAGE = 200  # newest first; five years of history is 2,000 entries


def _entries_page(
    asked: str | None, place: Callable[..., Place], read: Callable[..., list[Entry]]
) -> Page[Entry]:
    """The page asked for (the first if the number makes no sense, the last if it is past the
    end), reading only the entries dated within it: the total is counted, not read, in the
    query that finds the dates the page spans."""
    try:  # a number the database can take as an offset; past the end is read whole anyway
        hoped = min(max(int(asked or 1), 1), 1_000_000)
    except ValueError:
        hoped = 1
    skip = (hoped - 1) * ENTRIES_PER_PAGE
    found = place(newest=hoped * ENTRIES_PER_PAGE, skip=skip)
    pages = Paginator(range(found.total), ENTRIES_PER_PAGE)
    try:
        number = pages.validate_number(asked or 1)
    except PageNotAnInteger:
        number = 1
    except EmptyPage:
        number = pages.num_pages
    if number != hoped:  # past the end: the last page is shown, read from the start
        top = number * ENTRIES_PER_PAGE
        return Page(read()[top - ENTRIES_PER_PAGE : top], number, pages)  # type: ignore[arg-type]
    # The page's dates hold it whole; ``newer`` of them belong to the pages before.
    dated = read(reached=found.reach, ceiling=found.ceiling)
    first = max(skip - found.newer, 0)  # never past the start, should a write land between
    return Page(dated[first : first + ENTRIES_PER_PAGE], number, pages)  # type: ignore[arg-type]


def _chronology_links(request: SchoolRequest, shown: Page[Entry]) -> dict[str, str] | None:
    """Newer and older pages, and every entry, keeping the filters."""
    if not shown.has_other_pages():
        return None

    def query(page: int | str) -> str:
        params = request.GET.copy()
        params["page"] = str(page)
        return params.urlencode()

    return {
        "newer": query(shown.previous_page_number()) if shown.has_previous() else "",
        "older": query(shown.next_page_number()) if shown.has_next() else "",
        "all": query("all"),
    }


def _rows(entries: Iterable[Entry]) -> SafeString:
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
    child = _writer(request, pupil_id)
    form = MeetingForm(request.POST or None)
    meeting = saved_from_form(
        request,
        form,
        lambda data: meeting_record(
            actor=request.user, pupil=child, today=timezone.localdate(), **data
        ),
        refused=PlanError,
    )
    if meeting is not None:
        messages.success(request, "Meeting recorded. Add the actions agreed below.")
        return redirect("plans:meeting", urn=urn, meeting_id=meeting.public_id)
    context = {"pupil": child, "form": form, "prompts": PROMPTS}
    return render(request, "plans/meeting_new.html", context)


def _meeting_page(
    request: SchoolRequest, meeting: Meeting, action_form: MeetingActionForm | None = None
) -> HttpResponse:
    manage = can(request.membership, meeting.pupil, Right.SUPPORT)
    context = {
        "meeting": meeting,
        "pupil": meeting.pupil,
        "actions": meeting_actions(meeting),
        "can_manage": manage,
        "action_form": action_form or (MeetingActionForm(staff=active_staff()) if manage else None),
    }
    return render(request, "plans/meeting.html", context)


@school_view(Permission.VIEW_PUPILS)
def meeting(request: SchoolRequest, urn: str, meeting_id: uuid.UUID) -> HttpResponse:
    return _meeting_page(request, _meeting(request, meeting_id))


@school_view(Permission.VIEW_PUPILS)
def meeting_action_new(request: SchoolRequest, urn: str, meeting_id: uuid.UUID) -> HttpResponse:
    the_meeting = _meeting(request, meeting_id)
    require(request, the_meeting.pupil, Right.SUPPORT)
    form = MeetingActionForm(request.POST or None, staff=active_staff())
    action = saved_from_form(
        request,
        form,
        lambda data: meeting_action_add(
            actor=request.user,
            meeting=the_meeting,
            description=data["description"],
            owner=_owner(form),
            due_on=data["due_on"],
        ),
        refused=PlanError,
    )
    if action is not None:
        messages.success(request, "Action added.")
        return redirect("plans:meeting", urn=urn, meeting_id=the_meeting.public_id)
    return _meeting_page(request, the_meeting, form)


@school_view(Permission.VIEW_PUPILS)
def meeting_action_complete(
    request: SchoolRequest, urn: str, meeting_id: uuid.UUID, action_id: uuid.UUID
) -> HttpResponse:
    the_meeting = _meeting(request, meeting_id)
    require(request, the_meeting.pupil, Right.SUPPORT)
    action = meeting_actions(the_meeting).filter(public_id=action_id).first()
    if action is None or request.method != "POST":
        raise Http404
    try:
        meeting_action_done(actor=request.user, action=action, today=timezone.localdate())
    except PlanError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Marked as done.")
    return redirect("plans:meeting", urn=urn, meeting_id=the_meeting.public_id)


@school_view(Permission.VIEW_PUPILS)
def contacts(request: SchoolRequest, urn: str, pupil_id: uuid.UUID) -> HttpResponse:
    """The contact log, written by those who help the child. Readers see the entries their
    note levels allow: outside the child's team, only those marked for everyone."""
    child = access_pupil(request, pupil_id)
    membership = request.membership
    if can(membership, child, Right.SEE_SENSITIVE):
        # The team's notes are shown: a read that needs break glass is logged against it.
        open_record(request, child, Right.SEE_SENSITIVE)
    manage = can(membership, child, Right.SUPPORT)
    if request.method == "POST":
        require(request, child, Right.SUPPORT)
    form = ContactForm(request.POST or None) if manage else None
    entry = saved_from_form(
        request,
        form,
        lambda data: contact_log(
            actor=request.user, pupil=child, today=timezone.localdate(), **data
        ),
        refused=PlanError,
    )
    if entry is not None:
        messages.success(request, "Contact logged.")
        return redirect("plans:contacts", urn=urn, pupil_id=child.pk)
    context = {"pupil": child, "form": form, "entries": contacts_for(child, membership)}
    return render(request, "plans/contacts.html", context)


@school_view(Permission.VIEW_PUPILS)
def handover(request: SchoolRequest, urn: str, pupil_id: uuid.UUID) -> HttpResponse:
    """A print view and a PDF of what the next adult needs, cut to what they may see."""
    child = _writer(request, pupil_id)
    form = HandoverForm(request.GET or None)
    if not (form.is_bound and form.is_valid()):
        return render(request, "plans/handover_choose.html", {"pupil": child, "form": form})
    recipient = form.cleaned_data["recipient"]
    as_pdf = form.cleaned_data["format"] == "pdf"
    pack = handover_pack(
        child,
        notes=notes_filter(request.membership, child),
        recipient=recipient,
        today=timezone.localdate(),
    )
    handover_made(actor=request.user, pupil=child, recipient=recipient, as_pdf=as_pdf)
    if as_pdf:
        name = f"handover-{child.known_as}-{child.legal_surname}.pdf".lower().replace(" ", "-")
        return pdf.download(name, handover_pdf(pack))
    return render(request, "plans/handover.html", {"pupil": child, "pack": pack})


# "You said, we did"


@school_view(Permission.VIEW_PUPILS)
def you_said_new(request: SchoolRequest, urn: str, pupil_id: uuid.UUID) -> HttpResponse:
    """Record a concern or idea about one child, raised by the child, their family or staff."""
    child = _writer(request, pupil_id)
    form = YouSaidForm(request.POST or None)
    item = saved_from_form(
        request, form, lambda data: _raise_you_said(request, child, data), refused=PlanError
    )
    if item is not None:
        messages.success(request, "Noted. Say what is done about it when you can.")
        return redirect("plans:you_said", urn=urn, item_id=item.public_id)
    return render(request, "plans/you_said_new.html", {"pupil": child, "form": form})


def _raise_you_said(request: SchoolRequest, child: Pupil | None, data: dict[str, Any]) -> YouSaid:
    return you_said_raise(
        actor=request.user,
        school=request.school,
        pupil=child,
        today=timezone.localdate(),
        **data,
    )


@school_view(WORKS_IN_SCHOOL)
def you_said_school(request: SchoolRequest, urn: str) -> HttpResponse:
    """Whole-school "you said, we did": every member of staff may read and add to it."""
    form = YouSaidForm(request.POST or None)
    item = saved_from_form(
        request, form, lambda data: _raise_you_said(request, None, data), refused=PlanError
    )
    if item is not None:
        messages.success(request, "Noted. The attachment lead will see it on their list.")
        return redirect("plans:you_said_school", urn=urn)
    context = {
        "form": form,
        "items": you_said_items(None),
        "oversees": request.membership.can(OVERSEES_YOU_SAID),
    }
    return render(request, "plans/you_said_school.html", context)


def _you_said_page(
    request: SchoolRequest, item: YouSaid, form: YouSaidResponseForm | None = None
) -> HttpResponse:
    membership = request.membership
    respond = item.signed_off_on is None and _can_respond(membership, item)
    initial = {
        "status": item.status,
        "what_we_did": item.what_we_did,
        "done_by": item.done_by_id or membership.staff_id,
        "done_on": item.done_on or timezone.localdate(),
        "not_forward_reason": item.not_forward_reason,
    }
    context = {
        "item": item,
        "pupil": item.pupil,
        "form": form
        or (YouSaidResponseForm(staff=active_staff(), initial=initial) if respond else None),
        "can_sign_off": membership.can(OVERSEES_YOU_SAID)
        and item.is_finished
        and item.signed_off_on is None,
    }
    return render(request, "plans/you_said.html", context)


@school_view(Permission.VIEW_PUPILS)
def you_said(request: SchoolRequest, urn: str, item_id: uuid.UUID) -> HttpResponse:
    """One item: what was said, and what we did (recorded here by those who may)."""
    item = _you_said(request, item_id)
    if request.method != "POST":
        return _you_said_page(request, item)
    if not _can_respond(request.membership, item):
        raise PermissionDenied
    form = YouSaidResponseForm(request.POST, staff=active_staff())
    saved = saved_from_form(
        request,
        form,
        lambda data: you_said_respond(
            actor=request.user, item=item, today=timezone.localdate(), **data
        ),
        refused=PlanError,
    )
    if saved is not None:
        messages.success(request, "Saved.")
        return redirect("plans:you_said", urn=urn, item_id=item.public_id)
    return _you_said_page(request, item, form)


@school_view(OVERSEES_YOU_SAID)
def you_said_sign_off(request: SchoolRequest, urn: str, item_id: uuid.UUID) -> HttpResponse:
    item = _you_said(request, item_id)
    if request.method != "POST":
        raise Http404
    try:
        you_said_sign_off_service(actor=request.user, item=item, today=timezone.localdate())
    except PlanError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Signed off.")
    return redirect("plans:you_said_waiting", urn=urn)


@school_view(OVERSEES_YOU_SAID)
def you_said_waiting(request: SchoolRequest, urn: str) -> HttpResponse:
    """The senior leader's list: everything not yet signed off, oldest first. Each child
    listed is a read of their record."""
    items = list(you_said_unsigned(request.membership))
    for child in {i.pupil for i in items if i.pupil is not None}:
        note_read(child.school_id, child.pk)
    context = {
        "ready": [i for i in items if i.is_finished],
        "open": [i for i in items if not i.is_finished],
        "today": timezone.localdate(),
    }
    return render(request, "plans/you_said_waiting.html", context)
