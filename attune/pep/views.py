"""PEP pages: the school's looked-after children, a child's PEPs, one PEP with its targets,
and the forms to plan, record, sign off and review. Views stay thin: access, then a selector or
a service, then a template.

Readers and writers are the access rules' (``Right.READ_PEPS`` and ``Right.WRITE_PEPS``): the
child's team, the Virtual School for its cohorts (reading only), and the designated teacher
named on one of the child's PEPs.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from attune import pdf
from attune.access.children import Right, access_pupil, can, open_record, pupils_with, require
from attune.access.pages import school_view
from attune.accounts.roles import Permission
from attune.auditlog.context import note_read
from attune.errors import saved_from_form
from attune.http import SchoolRequest
from attune.people.models import Pupil
from attune.people.selectors import active_staff
from attune.pep.domain.cycle import Standing, term_for
from attune.pep.forms import (
    PepHoldForm,
    PepPlanForm,
    PepTargetForm,
    TargetReviewForm,
    parse_term,
)
from attune.pep.models import Pep, PepStatus, PepTarget
from attune.pep.pdf import pep_pdf
from attune.pep.selectors import (
    looked_after_rows,
    pep_targets,
    peps_for,
    plan_goals,
    sums_of,
)
from attune.pep.services import (
    Goal,
    Meeting,
    PepError,
    pep_create,
    pep_hold,
    pep_sign_off,
    pep_target_add,
    pep_target_review,
)
from attune.plans.services import Owner
from attune.relationships.models import TeamRole, WiderTeamMember


def _social_workers(pupil: Pupil) -> QuerySet[WiderTeamMember]:
    return WiderTeamMember.objects.filter(
        pupil=pupil, role=TeamRole.SOCIAL_WORKER, ended_on__isnull=True
    )


def _pep(request: SchoolRequest, pep_id: uuid.UUID) -> Pep:
    """The PEP, for someone who may read the child's PEPs; the same 404 otherwise."""
    pep = (
        Pep.objects.select_related("pupil", "designated_teacher", "social_worker", "plan")
        .filter(public_id=pep_id)
        .first()
    )
    if pep is None:
        raise Http404
    open_record(request, pep.pupil, Right.READ_PEPS)
    return pep


@school_view(Permission.VIEW_PUPILS)
def school_list(request: SchoolRequest, urn: str) -> HttpResponse:
    """Every looked-after child whose PEPs this user may read, with where this term's PEP
    stands. Each child listed is a read of their record."""
    today = timezone.localdate()
    rows = looked_after_rows(pupils_with(request.membership, Right.READ_PEPS), today)
    for row in rows:
        note_read(row.pupil.school_id, row.pupil.pk)
    totals = {s: sum(1 for row in rows if row.standing == s) for s in Standing}
    context = {
        "rows": rows,
        "term": term_for(today),
        "totals": [(s.label, totals[s]) for s in Standing],
    }
    return render(request, "pep/school.html", context)


@school_view(Permission.VIEW_PUPILS)
def pupil_peps(request: SchoolRequest, urn: str, pupil_id: uuid.UUID) -> HttpResponse:
    """A child's PEPs by term, newest first, with their targets."""
    child = access_pupil(request, pupil_id, Right.READ_PEPS)
    peps = peps_for(child)
    context = {
        "pupil": child,
        "history": [(pep, sums_of(list(pep.targets.all()))) for pep in peps],
        "can_write": can(request.membership, child, Right.WRITE_PEPS),
        "this_term": term_for(timezone.localdate()),
    }
    return render(request, "pep/pupil.html", context)


@school_view(Permission.VIEW_PUPILS)
def pep_new(request: SchoolRequest, urn: str, pupil_id: uuid.UUID) -> HttpResponse:
    child = access_pupil(request, pupil_id, Right.READ_PEPS)
    require(request, child, Right.WRITE_PEPS)
    today = timezone.localdate()
    initial = {"designated_teacher": request.membership.staff_id}
    form = PepPlanForm(
        request.POST or None,
        staff=active_staff(),
        social_workers=_social_workers(child),
        today=today,
        initial=initial,
    )
    pep = saved_from_form(
        request,
        form,
        lambda data: pep_create(
            actor=request.user,
            pupil=child,
            term=parse_term(data["term"]),
            meeting_on=data["meeting_on"],
            designated_teacher=data["designated_teacher"],
            social_worker=data["social_worker"],
            social_worker_name=data["social_worker_name"],
            today=today,
        ),
        refused=PepError,
    )
    if pep is not None:
        messages.success(request, "PEP meeting planned.")
        return redirect("pep:pep", urn=urn, pep_id=pep.public_id)
    return render(request, "pep/pep_new.html", {"pupil": child, "form": form})


def _pep_page(
    request: SchoolRequest,
    pep: Pep,
    *,
    target_form: PepTargetForm | None = None,
) -> HttpResponse:
    targets = pep_targets(pep)
    write = can(request.membership, pep.pupil, Right.WRITE_PEPS)
    adding = write and not pep.is_signed_off
    context = {
        "pep": pep,
        "pupil": pep.pupil,
        "targets": targets,
        "sums": sums_of(targets),
        "can_write": write,
        "can_review": write and pep.status != PepStatus.PLANNED,
        "target_form": target_form
        or (PepTargetForm(staff=active_staff(), goals=plan_goals(pep.plan)) if adding else None),
    }
    return render(request, "pep/pep.html", context)


@school_view(Permission.VIEW_PUPILS)
def pep_page(request: SchoolRequest, urn: str, pep_id: uuid.UUID) -> HttpResponse:
    return _pep_page(request, _pep(request, pep_id))


def _pep_writer(request: SchoolRequest, pep_id: uuid.UUID) -> Pep:
    pep = _pep(request, pep_id)
    require(request, pep.pupil, Right.WRITE_PEPS)
    return pep


def _open_pep(request: SchoolRequest, pep_id: uuid.UUID) -> Pep:
    """A PEP someone may change that is not yet signed off (signed off ones stay as they were)."""
    pep = _pep_writer(request, pep_id)
    if pep.is_signed_off:
        raise PermissionDenied
    return pep


@school_view(Permission.VIEW_PUPILS)
def hold(request: SchoolRequest, urn: str, pep_id: uuid.UUID) -> HttpResponse:
    """Record the meeting: who came, what the child and carer said, attendance and progress."""
    pep = _open_pep(request, pep_id)
    initial = {
        "held_on": pep.meeting_on,
        "designated_teacher": pep.designated_teacher_id,
        "social_worker": pep.social_worker_id,
        "social_worker_name": pep.social_worker_name,
        "attendees": pep.attendees,
        "child_views": pep.child_views,
        "carer_views": pep.carer_views,
        "attendance_summary": pep.attendance_summary,
        "progress_summary": pep.progress_summary,
    }
    form = PepHoldForm(
        request.POST or None,
        staff=active_staff(),
        social_workers=_social_workers(pep.pupil),
        initial=initial,
    )
    saved = saved_from_form(
        request,
        form,
        lambda data: pep_hold(
            actor=request.user,
            pep=pep,
            meeting=Meeting(
                held_on=data["held_on"],
                attendees=data["attendees"],
                child_views=data["child_views"],
                carer_views=data["carer_views"],
                attendance_summary=data["attendance_summary"],
                progress_summary=data["progress_summary"],
            ),
            designated_teacher=data["designated_teacher"],
            social_worker=data["social_worker"],
            social_worker_name=data["social_worker_name"],
            today=timezone.localdate(),
        ),
        refused=PepError,
    )
    if saved is not None:
        messages.success(request, "Meeting recorded.")
        return redirect("pep:pep", urn=urn, pep_id=pep.public_id)
    return render(request, "pep/hold.html", {"pep": pep, "pupil": pep.pupil, "form": form})


@school_view(Permission.VIEW_PUPILS)
def sign_off(request: SchoolRequest, urn: str, pep_id: uuid.UUID) -> HttpResponse:
    pep = _open_pep(request, pep_id)
    error = None
    if request.method == "POST":
        try:
            pep_sign_off(actor=request.user, pep=pep, today=timezone.localdate())
        except PepError as refused:
            error = refused.message
        else:
            messages.success(request, "PEP signed off.")
            return redirect("pep:pep", urn=urn, pep_id=pep.public_id)
    context = {"pep": pep, "pupil": pep.pupil, "error": error}
    return render(request, "pep/sign_off.html", context, status=400 if error else 200)


def _goal(form: PepTargetForm) -> Goal:
    data = form.cleaned_data
    return Goal(
        description=data["description"],
        owner=Owner(kind=data["owner_kind"], staff=data["owner_staff"], name=data["owner_name"]),
        due_on=data["due_on"],
        funding=data["funding"],
        plan_target=data.get("plan_target"),
    )


@school_view(Permission.VIEW_PUPILS)
def target_new(request: SchoolRequest, urn: str, pep_id: uuid.UUID) -> HttpResponse:
    pep = _open_pep(request, pep_id)
    form = PepTargetForm(request.POST or None, staff=active_staff(), goals=plan_goals(pep.plan))
    target = saved_from_form(
        request,
        form,
        lambda data: pep_target_add(actor=request.user, pep=pep, goal=_goal(form)),
        refused=PepError,
    )
    if target is not None:
        messages.success(request, "Target added.")
        return redirect("pep:pep", urn=urn, pep_id=pep.public_id)
    return _pep_page(request, pep, target_form=form)


@school_view(Permission.VIEW_PUPILS)
def target_review(
    request: SchoolRequest, urn: str, pep_id: uuid.UUID, target_id: uuid.UUID
) -> HttpResponse:
    pep = _pep_writer(request, pep_id)
    target = (
        PepTarget.objects.select_related("owner_staff").filter(pep=pep, public_id=target_id).first()
    )
    if target is None:
        raise Http404
    target.pep = pep
    initial = {"outcome": target.outcome, "note": target.outcome_note}
    form = TargetReviewForm(request.POST or None, initial=initial)
    saved = saved_from_form(
        request,
        form,
        lambda data: pep_target_review(
            actor=request.user,
            target=target,
            outcome=data["outcome"],
            note=data["note"],
            today=timezone.localdate(),
        ),
        refused=PepError,
    )
    if saved is not None:
        messages.success(request, "Review saved.")
        return redirect("pep:pep", urn=urn, pep_id=pep.public_id)
    context = {"pep": pep, "pupil": pep.pupil, "target": target, "form": form}
    return render(request, "pep/target_review.html", context)


@school_view(Permission.VIEW_PUPILS)
def pep_download(request: SchoolRequest, urn: str, pep_id: uuid.UUID) -> HttpResponse:
    pep = _pep(request, pep_id)
    child = pep.pupil
    name = f"pep-{child.known_as}-{child.legal_surname}-{pep.pep_term.label}.pdf"
    return pdf.download(name.lower().replace(" ", "-"), pep_pdf(pep, pep_targets(pep)))
