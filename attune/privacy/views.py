"""Retention, legal holds, subject access exports, and correction or erasure requests."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from attune import pdf
from attune.access.children import access_pupil, open_record
from attune.access.pages import school_view
from attune.accounts.roles import Permission
from attune.errors import AttuneError, show_on_form
from attune.http import SchoolRequest
from attune.people.models import Pupil
from attune.privacy.break_glass import (
    BREAK_GLASS_HOURS,
    BreakGlassError,
    break_glass_grant,
    break_glass_uses,
    may_hold_grant,
)
from attune.privacy.forms import (
    BreakGlassForm,
    DataRequestForm,
    DecisionForm,
    HoldForm,
    RequestFilterForm,
    RuleForm,
)
from attune.privacy.models import DataRequest, LegalHold
from attune.privacy.pdf import subject_access_pdf
from attune.privacy.records import all_kinds, kind_named, pupil_kind
from attune.privacy.selectors import (
    active_holds,
    filtered_requests,
    may_read_everything,
    open_grant,
    pending_requests,
    readable_records,
    rules_in_force,
    school_rule_kinds,
    subject_access_data,
)
from attune.privacy.services import (
    data_request_decide,
    data_request_raise,
    legal_hold_place,
    legal_hold_release,
    may_decide,
    request_target,
    retention_rule_set,
    subject_access_logged,
)


@school_view(Permission.HANDLE_DATA_REQUESTS)
def home(request: SchoolRequest, urn: str) -> HttpResponse:
    return _home(request, RuleForm(), HoldForm())


def _home(request: SchoolRequest, rule_form: RuleForm, hold_form: HoldForm) -> HttpResponse:
    rules = rules_in_force()
    own = school_rule_kinds()
    kinds = [(kind, rules[kind.label], kind.label in own) for kind in all_kinds()]
    holds = list(active_holds().select_related("placed_by"))
    held = Pupil.objects.filter(pk__in=[h.pupil_id for h in holds if h.pupil_id])
    names = {pupil.pk: pupil.display_name for pupil in held}
    context = {
        "kinds": kinds,
        "holds": [(hold, names.get(hold.pupil_id) if hold.pupil_id else None) for hold in holds],
        "pending": list(pending_requests()),
        "rule_form": rule_form,
        "hold_form": hold_form,
    }
    return render(request, "privacy/home.html", context)


@require_POST
@school_view(Permission.HANDLE_DATA_REQUESTS)
def rule_set(request: SchoolRequest, urn: str) -> HttpResponse:
    form = RuleForm(request.POST)
    if form.is_valid():
        try:
            retention_rule_set(
                actor=request.user,
                school=request.school,
                kind=form.cleaned_data["kind"],
                basis=form.cleaned_data["basis"],
                years=form.cleaned_data["years"],
            )
        except AttuneError as error:
            show_on_form(form, error)
        else:
            messages.success(request, "Retention rule saved.")
            return redirect("privacy:home", urn=urn)
    return _home(request, form, HoldForm())


@require_POST
@school_view(Permission.HANDLE_DATA_REQUESTS)
def hold_add(request: SchoolRequest, urn: str) -> HttpResponse:
    form = HoldForm(request.POST, for_child=bool(request.POST.get("pupil")))
    pupil = None
    if form.is_valid():
        if form.cleaned_data["pupil"]:
            pupil = access_pupil(request, form.cleaned_data["pupil"])
        try:
            legal_hold_place(
                actor=request.user,
                school=request.school,
                pupil=pupil,
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
            )
        except AttuneError as error:
            show_on_form(form, error)
        else:
            messages.success(request, "Legal hold placed: nothing it covers will be removed.")
            if pupil is not None:
                return redirect("privacy:child", urn=urn, pupil_id=pupil.pk)
            return redirect("privacy:home", urn=urn)
    if pupil is not None:
        return _child(request, pupil, form)
    return _home(request, RuleForm(), form)


@require_POST
@school_view(Permission.HANDLE_DATA_REQUESTS)
def hold_release(request: SchoolRequest, urn: str, hold_id: uuid.UUID) -> HttpResponse:
    hold = LegalHold.objects.filter(pk=hold_id).first()
    if hold is None:
        raise Http404
    try:
        legal_hold_release(actor=request.user, hold=hold)
    except AttuneError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Legal hold lifted.")
    return redirect("privacy:home", urn=urn)


@school_view(Permission.HANDLE_DATA_REQUESTS)
def child(request: SchoolRequest, urn: str, pupil_id: uuid.UUID) -> HttpResponse:
    pupil = access_pupil(request, pupil_id)
    return _child(request, pupil, HoldForm(initial={"pupil": pupil.pk}, for_child=True))


def _child(request: SchoolRequest, pupil: Pupil, hold_form: HoldForm) -> HttpResponse:
    # Counts of what this reader may read: a note above their level is not even counted.
    counts = [(kind, len(rows)) for kind, rows in readable_records(request.membership, pupil)]
    holds = [
        h
        for h in active_holds()
        if h.pupil_id == pupil.pk or (h.kind and any(k.label == h.kind for k, n in counts if n))
    ]
    context = {
        "pupil": pupil,
        "counts": [(kind, n) for kind, n in counts if n],
        "holds": holds,
        "hold_form": hold_form,
        "requests": DataRequest.objects.filter(pupil_id=pupil.pk).select_related("raised_by"),
        "may_export": may_read_everything(request.membership, pupil),
    }
    return render(request, "privacy/child.html", context)


def _export(request: SchoolRequest, pupil_id: uuid.UUID, fmt: str) -> dict[str, Any]:
    pupil = access_pupil(request, pupil_id)
    if not may_read_everything(request.membership, pupil):
        raise PermissionDenied
    subject_access_logged(actor=request.user, pupil=pupil, fmt=fmt)
    return subject_access_data(
        pupil, membership=request.membership, school=request.school, made_at=timezone.now()
    )


@school_view(Permission.HANDLE_DATA_REQUESTS)
def export_json(request: SchoolRequest, urn: str, pupil_id: uuid.UUID) -> HttpResponse:
    data = _export(request, pupil_id, "json")
    body = json.dumps(data, indent=2, sort_keys=True, default=str).encode()
    response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="subject-access-{pupil_id}.json"'
    return response


@school_view(Permission.HANDLE_DATA_REQUESTS)
def export_pdf(request: SchoolRequest, urn: str, pupil_id: uuid.UUID) -> HttpResponse:
    data = _export(request, pupil_id, "pdf")
    return pdf.download(f"subject-access-{pupil_id}.pdf", subject_access_pdf(data))


@school_view(Permission.VIEW_PUPILS)
def request_new(request: SchoolRequest, urn: str, pupil_id: uuid.UUID) -> HttpResponse:
    """Any member of staff who can see the child may ask, about records they may read: only
    the child's own row unless they handle data requests, and never a note above their level,
    so the form reveals nothing they could not already read."""
    pupil = access_pupil(request, pupil_id)
    kinds = None if request.membership.can(Permission.HANDLE_DATA_REQUESTS) else (pupil_kind(),)
    records = readable_records(request.membership, pupil, kinds)
    form = DataRequestForm(request.POST or None, records=records)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            data_request_raise(
                actor=request.user,
                pupil=pupil,
                kind=data["kind"],
                reason=data["reason"],
                record_ref=data["record"],
                field_name=data["field_name"],
                new_value=data["new_value"],
            )
        except AttuneError as error:
            show_on_form(form, error)
        else:
            messages.success(
                request, "Request sent. Someone who handles data requests will decide it."
            )
            return redirect("children:pupil", urn=urn, pupil_id=pupil.pk)
    return render(request, "privacy/request_new.html", {"pupil": pupil, "form": form})


REQUESTS_SHOWN = 100


@school_view(Permission.HANDLE_DATA_REQUESTS)
def requests(request: SchoolRequest, urn: str) -> HttpResponse:
    """Every request, waiting ones first, narrowed by status, kind and the child's name."""
    form = RequestFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    found = filtered_requests(
        status=data.get("status", ""), kind=data.get("kind", ""), child=data.get("child", "")
    )
    context = {"form": form, "found": list(found[:REQUESTS_SHOWN]), "shown": REQUESTS_SHOWN}
    return render(request, "privacy/requests.html", context)


@school_view(Permission.HANDLE_DATA_REQUESTS)
def request_detail(request: SchoolRequest, urn: str, request_id: uuid.UUID) -> HttpResponse:
    """One request. The record's current value, and the value asked for, are shown only to a
    reader who may read the record; only such a reader decides it."""
    data_request = (
        DataRequest.objects.select_related("raised_by", "decided_by").filter(pk=request_id).first()
    )
    if data_request is None:
        raise Http404
    found = request_target(data_request)
    pupil = found[0] if found else Pupil.objects.filter(pk=data_request.pupil_id).first()
    if pupil is not None:  # the page is about the child's record: it is a read of it
        open_record(request, pupil)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            data_request_decide(
                actor=request.user,
                data_request=data_request,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
            )
        except AttuneError as error:
            show_on_form(form, error)
        else:
            messages.success(request, "Decision recorded.")
            return redirect("privacy:requests", urn=urn)
    readable = may_decide(request.membership, data_request)
    current = None
    if found is not None and readable and data_request.field_name:
        current = getattr(found[1].obj, data_request.field_name, None)
    context = {
        "item": data_request,
        "record_kind": kind_named(data_request.record_kind),
        "current": current,
        "readable": readable,
        "own": data_request.raised_by_id == request.user.pk,
        "form": form,
    }
    return render(request, "privacy/request_detail.html", context)


# --- Break glass -------------------------------------------------------------------------------


@school_view(Permission.VIEW_PUPILS)
def break_glass(request: SchoolRequest, urn: str, pupil_id: uuid.UUID) -> HttpResponse:
    """A designated safeguarding lead asks, with a reason, for a few hours' access to one
    child's record; anyone else is refused. Other schools' children are not found."""
    pupil = access_pupil(request, pupil_id)
    if not may_hold_grant(request.membership):
        raise PermissionDenied
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            break_glass_grant(
                actor=request.user,
                membership=request.membership,
                pupil=pupil,
                reason=form.cleaned_data["reason"],
                now=timezone.now(),
            )
        except BreakGlassError as error:
            show_on_form(form, error)
        else:
            messages.success(
                request, f"You can read {pupil.known_as}'s record for {BREAK_GLASS_HOURS} hours."
            )
            return redirect("privacy:break_glass", urn=urn, pupil_id=pupil.pk)
    context = {
        "pupil": pupil,
        "form": form,
        "grant": open_grant(request.membership, pupil),
        "hours": BREAK_GLASS_HOURS,
    }
    return render(request, "privacy/break_glass.html", context)


@school_view(Permission.HANDLE_DATA_REQUESTS)
def break_glass_report(request: SchoolRequest, urn: str) -> HttpResponse:
    """Every use of break glass: who, which child, when, why, and each page read under it."""
    context = {"uses": break_glass_uses(request.school.pk), "now": timezone.now()}
    return render(request, "privacy/break_glass_report.html", context)
