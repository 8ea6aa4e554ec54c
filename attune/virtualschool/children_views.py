"""The Virtual School's own children, by name: the list, a child, their PEPs and partners, and
the registers of schools not on Attune. Under ``/la/<la_code>/``, for the head and officers of
the authority that looks after the children (its scope is open: another authority's children
are not there to be found). Views stay thin: guard, the door, a selector or a service, render.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from attune import csv_files
from attune.access.authority import authority_may, authority_open_own
from attune.access.rules import Partner, PepSection, Right
from attune.errors import AttuneError, show_on_form

from . import partners, peps, registers
from .decorators import AuthorityRequest, authority_view
from .forms import ChildrenFilterForm, InviteForm, RateForm, ReturnForm, UploadForm
from .models import (
    AttendanceLink,
    FundingState,
    LookedAfterChild,
    PartnerPep,
    PepPartner,
    Placement,
    PupilPremiumPlus,
    SourceKind,
)
from .our_children import OurChild, our_children

PER_PAGE = 50
CHILD_RIGHT = Right.SEE_SENSITIVE


def _filtered(request: AuthorityRequest, rows: list[OurChild]) -> list[OurChild]:
    form = ChildrenFilterForm(request.GET)
    if not form.is_valid():
        return rows
    q = form.cleaned_data["q"].strip().lower()
    pep, where = form.cleaned_data["pep"], form.cleaned_data["where"]
    la = request.authority.pk
    return [
        row
        for row in rows
        if (not q or q in row.child.display_name.lower() or q == row.child.child_id.lower())
        and (not pep or row.pep == pep)
        and (
            not where
            or (where == "on_attune" and row.on_attune)
            or (where == "not_on_attune" and not row.on_attune)
            or (where == "out_of_area" and row.school and row.school.local_authority_id != la)
        )
    ]


def _totals(rows: list[OurChild], la: int) -> dict[str, int]:
    return {
        "children": len(rows),
        "on_attune": sum(1 for r in rows if r.on_attune),
        "not_on_attune": sum(1 for r in rows if not r.on_attune),
        "out_of_area": sum(
            1 for r in rows if r.school is not None and r.school.local_authority_id != la
        ),
        "pep_overdue": sum(1 for r in rows if r.pep == "overdue"),
        "persistent": sum(1 for r in rows if r.attendance.persistent_absence),
        "no_key_adult": sum(1 for r in rows if r.on_attune and not r.key_adult),
    }


def _note(rows: list[OurChild]) -> None:
    for row in rows:
        authority_open_own(row.child.pk, CHILD_RIGHT, records=row.records)


@authority_view()
def children(request: AuthorityRequest) -> HttpResponseBase:
    """Every child the authority looks after, by name: where they learn, attendance this school
    year, suspensions, the PEP and the key adult. Not suppressed: these are the Virtual
    School's own children. Each child shown is a read of their record."""
    today = timezone.localdate()
    everyone = our_children(today)
    rows = _filtered(request, everyone)
    if request.GET.get("format") == "csv":
        _note(rows)
        return _csv(request, rows)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    _note(list(page.object_list))
    query = urlencode({k: v for k, v in request.GET.items() if k != "page"})
    context = {
        "authority": request.authority,
        "form": ChildrenFilterForm(request.GET),
        "page": page,
        "query": query,
        "totals": _totals(everyone, request.authority.pk),
        "shown": len(rows),
    }
    return render(request, "virtualschool/children.html", context)


def _csv(request: AuthorityRequest, rows: list[OurChild]) -> HttpResponseBase:
    header = [
        "child_id",
        "upn",
        "name",
        "school_urn",
        "school",
        "on_attune",
        "attendance_pct",
        "persistently_absent",
        "suspended_sessions",
        "pep_status",
        "key_adult",
    ]
    lines = (
        [
            r.child.child_id,
            r.child.upn,
            r.child.display_name,
            r.placement.school_urn if r.placement else "",
            r.placement.school_name if r.placement else "",
            r.on_attune,
            round(r.attendance_pct, 1) if r.attendance_pct is not None else None,
            r.attendance.persistent_absence,
            r.suspended_sessions,
            r.pep.value,
            r.key_adult,
        ]
        for r in rows
    )
    name = f"looked-after-children-{request.authority.code}-confidential.csv"
    return csv_files.download(name, header, lines)


def _child(child_id: uuid.UUID) -> LookedAfterChild:
    child = LookedAfterChild.objects.filter(pk=child_id).first()
    if child is None:
        raise Http404
    return child


@authority_view()
def child(request: AuthorityRequest, child_id: uuid.UUID) -> HttpResponseBase:
    today = timezone.localdate()
    found = our_children(today, only=_child(child_id).pk, include_left=True)
    row = found[0]
    authority_open_own(row.child.pk, CHILD_RIGHT, records=row.records)
    context = {
        "authority": request.authority,
        "row": row,
        "child": row.child,
        "placements": Placement.objects.filter(child=row.child).order_by("-started_on"),
        "partners": PepPartner.objects.filter(child=row.child, revoked_at__isnull=True),
        "peps": PartnerPep.objects.filter(child=row.child).order_by("-school_year", "-created_at"),
        "funding": PupilPremiumPlus.objects.filter(child=row.child),
        "invite_form": InviteForm(),
        "may_assure": authority_may(Right.QUALITY_ASSURE_PEPS, ours=True),
        "listed": {p: partners.listed_email(row.child, p) for p in Partner},
    }
    return render(request, "virtualschool/our_child.html", context)


def _back(request: AuthorityRequest, child: LookedAfterChild) -> HttpResponse:
    return redirect("virtualschool:our_child", la_code=request.authority.code, child_id=child.pk)


@require_POST
@authority_view()
def invite(request: AuthorityRequest, child_id: uuid.UUID) -> HttpResponse:
    found = _child(child_id)
    authority_open_own(found.pk, Right.QUALITY_ASSURE_PEPS)
    form = InviteForm(request.POST)
    if form.is_valid():
        kind = Partner(form.cleaned_data["kind"])
        try:
            partners.partner_invite(
                actor=request.user,
                child=found,
                kind=kind,
                email=form.cleaned_data["email"],
                base_url=request.build_absolute_uri("/"),
            )
        except AttuneError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Invited the {kind.label.lower()}: a link is on its way.")
    return _back(request, found)


@require_POST
@authority_view()
def partner_remove(
    request: AuthorityRequest, child_id: uuid.UUID, partner_id: uuid.UUID
) -> HttpResponse:
    found = _child(child_id)
    authority_open_own(found.pk, Right.QUALITY_ASSURE_PEPS)
    partner = PepPartner.objects.filter(child=found, pk=partner_id).first()
    if partner is None:
        raise Http404
    partners.partner_remove(actor=request.user, partner=partner)
    messages.success(request, f"The {partner.partner.label.lower()} can no longer open the PEP.")
    return _back(request, found)


@require_POST
@authority_view()
def pep_start(request: AuthorityRequest, child_id: uuid.UUID) -> HttpResponse:
    found = _child(child_id)
    authority_open_own(found.pk, Right.QUALITY_ASSURE_PEPS)
    try:
        pep = peps.pep_start(actor=request.user, child=found, today=timezone.localdate())
    except AttuneError as error:
        messages.error(request, error.message)
        return _back(request, found)
    return redirect("virtualschool:our_pep", la_code=request.authority.code, vs_pep_id=pep.pk)


def _pep(vs_pep_id: uuid.UUID) -> PartnerPep:
    pep = PartnerPep.objects.select_related("child").filter(pk=vs_pep_id).first()
    if pep is None:
        raise Http404
    return pep


def _pep_context(pep: PartnerPep) -> dict[str, Any]:
    sections = {s.section: s for s in pep.sections.select_related("written_by")}
    return {
        "pep": pep,
        "child": pep.child,
        "sections": [(section, sections.get(section.value), None, None) for section in PepSection],
        "targets": list(pep.targets.all()),
        "funding": PupilPremiumPlus.objects.filter(pep=pep).prefetch_related("targets").first(),
    }


@authority_view()
def our_pep(request: AuthorityRequest, vs_pep_id: uuid.UUID) -> HttpResponseBase:
    pep = _pep(vs_pep_id)
    authority_open_own(pep.child_id, Right.READ_PEPS)
    context = _pep_context(pep) | {
        "authority": request.authority,
        "rate_form": RateForm(),
        "return_form": ReturnForm(),
        "may_assure": authority_may(Right.QUALITY_ASSURE_PEPS, ours=True),
    }
    return render(request, "virtualschool/our_pep.html", context)


def _pep_action(request: AuthorityRequest, pep: PartnerPep, form: Any, act: Any) -> HttpResponse:
    authority_open_own(pep.child_id, Right.QUALITY_ASSURE_PEPS)
    if form.is_valid():
        try:
            act(form.cleaned_data)
        except AttuneError as error:
            show_on_form(form, error)
        else:
            return redirect(
                "virtualschool:our_pep", la_code=request.authority.code, vs_pep_id=pep.pk
            )
    context = _pep_context(pep) | {
        "authority": request.authority,
        "rate_form": form if isinstance(form, RateForm) else RateForm(),
        "return_form": form if isinstance(form, ReturnForm) else ReturnForm(),
        "may_assure": True,
    }
    return render(request, "virtualschool/our_pep.html", context, status=400)


@require_POST
@authority_view()
def pep_rate(request: AuthorityRequest, vs_pep_id: uuid.UUID) -> HttpResponse:
    pep = _pep(vs_pep_id)
    return _pep_action(
        request,
        pep,
        RateForm(request.POST),
        lambda data: peps.pep_rate(
            actor=request.user, pep=pep, quality=data["quality"], note=data["note"]
        ),
    )


@require_POST
@authority_view()
def pep_return(request: AuthorityRequest, vs_pep_id: uuid.UUID) -> HttpResponse:
    pep = _pep(vs_pep_id)
    return _pep_action(
        request,
        pep,
        ReturnForm(request.POST),
        lambda data: peps.pep_return(actor=request.user, pep=pep, note=data["note"]),
    )


@require_POST
@authority_view()
def funding_decide(request: AuthorityRequest, funding_id: uuid.UUID) -> HttpResponse:
    funding = PupilPremiumPlus.objects.filter(pk=funding_id).first()
    if funding is None:
        raise Http404
    authority_open_own(funding.child_id, Right.QUALITY_ASSURE_PEPS)
    approve = request.POST.get("decision") == "approve"
    try:
        peps.funding_decide(actor=request.user, funding=funding, approve=approve)
    except AttuneError as error:
        messages.error(request, error.message)
    else:
        state = FundingState(funding.state).label.lower()
        messages.success(request, f"Pupil Premium Plus of £{funding.amount}: {state}.")
    return redirect(
        "virtualschool:our_pep", la_code=request.authority.code, vs_pep_id=funding.pep_id
    )


# --- registers of schools not on Attune ---------------------------------------------------------


def _schools_without_attune(today: Any) -> list[dict[str, Any]]:
    schools: dict[str, dict[str, Any]] = {}
    for row in our_children(today):
        if row.on_attune or row.placement is None:
            continue
        entry = schools.setdefault(
            row.placement.school_urn,
            {"urn": row.placement.school_urn, "name": row.placement.school_name, "children": 0},
        )
        entry["children"] += 1
    return sorted(schools.values(), key=lambda s: s["name"])


def _registers_page(
    request: AuthorityRequest,
    form: UploadForm,
    *,
    errors: Any = (),
    secret_url: str | None = None,
) -> HttpResponse:
    context = {
        "authority": request.authority,
        "schools": _schools_without_attune(timezone.localdate()),
        "links": list(AttendanceLink.objects.order_by("-created_at")),
        "now": timezone.now(),
        "form": form,
        "errors": errors,
        "secret_url": secret_url,
    }
    return render(request, "virtualschool/registers.html", context, status=400 if errors else 200)


@authority_view()
def register_list(request: AuthorityRequest) -> HttpResponseBase:
    """The schools not on Attune where the authority's children learn, their links, and an
    upload of register marks in the usual CSV format."""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            marks = registers.marks_from_csv(upload, today=timezone.localdate())
            for urn, by_child in marks.items():
                registers.marks_save(
                    authority=request.authority,
                    school_urn=urn,
                    marks=by_child,
                    kind=SourceKind.OFFICER_UPLOAD,
                    actor=request.user,
                    file_name=upload.name,
                )
        except registers.RegisterRejected as rejected:
            form.add_error("file", rejected.message)
            return _registers_page(request, form, errors=rejected.errors)
        messages.success(request, f"Saved the marks in {upload.name}.")
        return redirect("virtualschool:registers", la_code=request.authority.code)
    return _registers_page(request, form)


@require_POST
@authority_view()
def register_link_new(request: AuthorityRequest, school_urn: str) -> HttpResponse:
    """Make a school's link and show it once, on this answer (it is never kept)."""
    try:
        _, secret = registers.register_link_create(
            actor=request.user,
            authority=request.authority,
            school_urn=school_urn,
            now=timezone.now(),
        )
    except AttuneError as error:
        messages.error(request, error.message)
        return redirect("virtualschool:registers", la_code=request.authority.code)
    url = request.build_absolute_uri(reverse("register:week", kwargs={"secret": secret}))
    return _registers_page(request, UploadForm(), secret_url=url)


@require_POST
@authority_view()
def register_link_revoke(request: AuthorityRequest, link_id: uuid.UUID) -> HttpResponse:
    link = AttendanceLink.objects.filter(pk=link_id).first()
    if link is None:
        raise Http404
    registers.register_link_revoke(actor=request.user, link=link)
    messages.success(request, f"The link for {link.school_name} no longer works.")
    return redirect("virtualschool:registers", la_code=request.authority.code)
