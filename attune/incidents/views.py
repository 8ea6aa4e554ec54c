"""Incident pages. Each starts with the role guard, then an access check on the child or entry."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone

from attune.access.pages import school_view
from attune.accounts.roles import Permission
from attune.http import SchoolRequest
from attune.incidents import selectors
from attune.incidents.access import access_incident, can_see_incidents, readable_incidents
from attune.incidents.domain.trends import PERRY_CITATION
from attune.incidents.forms import ChooseChildForm, IncidentForm
from attune.incidents.models import Incident
from attune.incidents.services import (
    IncidentError,
    incident_record,
    incident_update,
    incidents_viewed,
)
from attune.people.access import access_pupil, visible_pupils
from attune.people.models import Pupil, Staff


def _by_half_term(request: SchoolRequest) -> bool:
    return request.GET.get("by") != "month"


def _staff() -> object:
    return Staff.objects.filter(is_active=True).order_by("last_name", "first_name")


@school_view(Permission.RECORD_INCIDENTS)
def school(request: SchoolRequest, urn: str) -> HttpResponse:
    """Leads and heads: the school's trends. Everyone else: the entries they recorded."""
    choose = ChooseChildForm(
        request.GET if "pupil" in request.GET else None,
        pupils=visible_pupils(request.membership).order_by("legal_surname", "legal_forename"),
    )
    if choose.is_bound and choose.is_valid():
        return redirect("incidents:new", urn=urn, pupil_id=choose.cleaned_data["pupil"].pk)
    context: dict[str, object] = {
        "choose": choose,
        "pupil_options": selectors.pupil_options(request.membership),
        "citation": PERRY_CITATION,
    }
    if request.membership.can(Permission.VIEW_ALL_INCIDENTS):
        page, children = selectors.school_trends(
            today=timezone.localdate(), by_half_term=_by_half_term(request)
        )
        context |= {"page": page, "children": children, "recent": selectors.recent()}
    else:
        context["mine"] = selectors.recorded_by(request.membership)
    return render(request, "incidents/school.html", context)


@school_view(Permission.RECORD_INCIDENTS)
def pupil(request: SchoolRequest, urn: str, pupil_id: uuid.UUID) -> HttpResponse:
    child = access_pupil(request, pupil_id)
    everything = can_see_incidents(request.membership, child)
    incidents = readable_incidents(request.membership, child)
    incidents_viewed(actor=request.user, pupil=child, request=request)
    context = {
        "pupil": child,
        "everything": everything,
        "incidents": list(incidents.select_related("regulated_by", "recorded_by")),
        "citation": PERRY_CITATION,
    }
    if everything:
        context["page"] = selectors.trend_page(
            incidents, today=timezone.localdate(), by_half_term=_by_half_term(request)
        )
    return render(request, "incidents/pupil.html", context)


def _form_page(
    request: SchoolRequest, child: Pupil, form: IncidentForm, incident: Incident | None
) -> HttpResponse:
    context = {"pupil": child, "form": form, "incident": incident, "citation": PERRY_CITATION}
    return render(request, "incidents/form.html", context)


@school_view(Permission.RECORD_INCIDENTS)
def new(request: SchoolRequest, urn: str, pupil_id: uuid.UUID) -> HttpResponse:
    child = access_pupil(request, pupil_id)
    form = IncidentForm(request.POST or None, staff=_staff())
    if request.method == "POST" and form.is_valid():
        try:
            incident = incident_record(
                actor=request.user,
                pupil=child,
                details=form.details(),
                now=timezone.now(),
                request=request,
            )
        except IncidentError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"The incident for {child.known_as} is recorded.")
            return _to(urn, incident)
    return _form_page(request, child, form, None)


def _to(urn: str, incident: Incident) -> HttpResponseRedirect:
    return redirect("incidents:incident", urn=urn, incident_id=incident.pk)


@school_view(Permission.RECORD_INCIDENTS)
def incident(request: SchoolRequest, urn: str, incident_id: uuid.UUID) -> HttpResponse:
    found = access_incident(request, incident_id)
    incidents_viewed(actor=request.user, pupil=found.pupil, request=request, incident=found)
    context = {"incident": found, "pupil": found.pupil, "citation": PERRY_CITATION}
    return render(request, "incidents/incident.html", context)


@school_view(Permission.RECORD_INCIDENTS)
def edit(request: SchoolRequest, urn: str, incident_id: uuid.UUID) -> HttpResponse:
    found = access_incident(request, incident_id)
    form = IncidentForm(request.POST or None, staff=_staff(), incident=found)
    if request.method == "POST" and form.is_valid():
        try:
            incident_update(
                actor=request.user,
                incident=found,
                details=form.details(),
                now=timezone.now(),
                request=request,
            )
        except IncidentError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, "Saved.")
            return _to(urn, found)
    return _form_page(request, found.pupil, form, found)
