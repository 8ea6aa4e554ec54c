"""Intervention pages: the catalogue and its impact, a child's interventions, allocations.

A child's interventions say a lot about their needs: they are part of the child's sensitive
record (``Right.SEE_SENSITIVE``), and changing them needs ``Right.SUPPORT``.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from attune.access.children import Right, access_pupil, open_record, require
from attune.access.pages import school_view
from attune.accounts.roles import Permission
from attune.auditlog.context import note_read
from attune.errors import show_on_form
from attune.http import SchoolRequest
from attune.interventions import selectors
from attune.interventions.forms import (
    AllocationFields,
    AllocationForm,
    InterventionForm,
    MeasureForm,
    allocation_initial,
)
from attune.interventions.models import Allocation, Intervention, Measure
from attune.interventions.services import (
    InterventionError,
    allocation_add,
    allocation_update,
    catalogue_start,
    intervention_save,
    measure_add,
)
from attune.people.selectors import active_staff


def _uuid(value: uuid.UUID | str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404 from None


def access_intervention(request: SchoolRequest, intervention_id: uuid.UUID) -> Intervention:
    found = Intervention.objects.filter(pk=_uuid(intervention_id)).first()
    if found is None:
        raise Http404
    return found


def access_allocation(request: SchoolRequest, allocation_id: uuid.UUID) -> Allocation:
    """The allocation, for someone who may change the child's record; the same 404 for a
    missing one or a child whose sensitive record they may not see."""
    found = (
        Allocation.objects.select_related("pupil", "intervention", "measure", "staff")
        .filter(pk=_uuid(allocation_id))
        .first()
    )
    if found is None:
        raise Http404
    open_record(request, found.pupil, Right.SEE_SENSITIVE)
    require(request, found.pupil, Right.SUPPORT)
    return found


@school_view(Permission.MANAGE_INTERVENTIONS)
def catalogue(request: SchoolRequest, urn: str) -> HttpResponse:
    context = {
        "rows": selectors.catalogue(today=timezone.localdate()),
        "measures": Measure.objects.order_by("name"),
    }
    return render(request, "interventions/catalogue.html", context)


@school_view(Permission.MANAGE_INTERVENTIONS)
def start(request: SchoolRequest, urn: str) -> HttpResponse:
    if request.method == "POST":
        added = catalogue_start(actor=request.user, school=request.school)
        messages.success(request, f"Added {added} intervention{'s' if added != 1 else ''}.")
    return redirect("interventions:catalogue", urn=urn)


def _intervention_form(
    request: SchoolRequest, urn: str, intervention: Intervention | None
) -> HttpResponse:
    form = InterventionForm(request.POST or None, intervention=intervention)
    if request.method == "POST" and form.is_valid():
        try:
            saved = intervention_save(
                actor=request.user,
                school=request.school,
                intervention=intervention,
                **form.cleaned_data,
            )
        except InterventionError as error:
            show_on_form(form, error)
        else:
            messages.success(request, f"{saved.name} is saved.")
            return redirect("interventions:intervention", urn=urn, intervention_id=saved.pk)
    context = {"form": form, "intervention": intervention}
    return render(request, "interventions/intervention_form.html", context)


@school_view(Permission.MANAGE_INTERVENTIONS)
def intervention_new(request: SchoolRequest, urn: str) -> HttpResponse:
    return _intervention_form(request, urn, None)


@school_view(Permission.MANAGE_INTERVENTIONS)
def intervention_edit(request: SchoolRequest, urn: str, intervention_id: uuid.UUID) -> HttpResponse:
    return _intervention_form(request, urn, access_intervention(request, intervention_id))


@school_view(Permission.MANAGE_INTERVENTIONS)
def intervention(request: SchoolRequest, urn: str, intervention_id: uuid.UUID) -> HttpResponse:
    found = access_intervention(request, intervention_id)
    allocations = list(selectors.allocations_of(found))
    # Each child listed with their scores is a read of their record.
    for child in {a.pupil for a in allocations}:
        note_read(child.school_id, child.pk)
    context = {
        "intervention": found,
        "allocations": allocations,
        "impacts": selectors.impact_by_measure(allocations),
    }
    return render(request, "interventions/intervention.html", context)


@school_view(Permission.MANAGE_INTERVENTIONS)
def measure_new(request: SchoolRequest, urn: str) -> HttpResponse:
    form = MeasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            measure = measure_add(actor=request.user, school=request.school, **form.cleaned_data)
        except InterventionError as error:
            show_on_form(form, error)
        else:
            messages.success(request, f"{measure.name} can now be used as a measure.")
            return redirect("interventions:catalogue", urn=urn)
    return render(request, "interventions/measure_form.html", {"form": form})


@school_view(Permission.VIEW_PUPILS)
def pupil(request: SchoolRequest, urn: str, pupil_id: uuid.UUID) -> HttpResponse:
    """A child's interventions: for those who may see the child's sensitive record."""
    child = access_pupil(request, pupil_id, Right.SEE_SENSITIVE)
    context = {
        "pupil": child,
        "allocations": list(selectors.for_pupil(child)),
        "can_manage": request.membership.can(Permission.MANAGE_INTERVENTIONS),
    }
    return render(request, "interventions/pupil.html", context)


@school_view(Permission.MANAGE_INTERVENTIONS)
def allocate(request: SchoolRequest, urn: str, pupil_id: uuid.UUID) -> HttpResponse:
    child = access_pupil(request, pupil_id, Right.SEE_SENSITIVE)
    require(request, child, Right.SUPPORT)
    form = AllocationForm(request.POST or None, staff=active_staff())
    if request.method == "POST" and form.is_valid():
        try:
            allocation_add(
                actor=request.user,
                pupil=child,
                intervention=form.cleaned_data["intervention"],
                measure=form.cleaned_data["measure"],
                details=form.details(),
                today=timezone.localdate(),
            )
        except InterventionError as error:
            show_on_form(form, error)
        else:
            messages.success(request, f"{child.known_as} is taking part.")
            return redirect("interventions:pupil", urn=urn, pupil_id=child.pk)
    context = {"pupil": child, "form": form, "allocation": None}
    return render(request, "interventions/allocation_form.html", context)


@school_view(Permission.MANAGE_INTERVENTIONS)
def allocation(request: SchoolRequest, urn: str, allocation_id: uuid.UUID) -> HttpResponse:
    """Change an allocation: record the follow-up, end it, or correct its details."""
    found = access_allocation(request, allocation_id)
    form = AllocationFields(
        request.POST or None, staff=active_staff(), initial=allocation_initial(found)
    )
    if request.method == "POST" and form.is_valid():
        try:
            allocation_update(
                actor=request.user,
                allocation=found,
                details=form.details(),
                today=timezone.localdate(),
            )
        except InterventionError as error:
            show_on_form(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("interventions:pupil", urn=urn, pupil_id=found.pupil_id)
    context = {"pupil": found.pupil, "form": form, "allocation": found}
    return render(request, "interventions/allocation_form.html", context)
