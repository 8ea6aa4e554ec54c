"""Incident pages. Each starts with the role guard, then the door (``attune.access``) on the
child or the entry: the adult who recorded an incident reads it; the child's key adult and close
team, the attachment lead and the headteacher read all of the child's (``Right.SEE_ALL_INCIDENTS``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html_join

from attune.access import rules
from attune.access.children import Right, access_pupil, can, open_record, visible_pupils
from attune.access.pages import school_view
from attune.access.standing import standing_of
from attune.accounts.roles import Permission
from attune.auditlog.context import note_read
from attune.errors import show_on_form
from attune.http import SchoolRequest
from attune.incidents import selectors
from attune.incidents.domain.trends import PERRY_CITATION
from attune.incidents.forms import ChooseChildForm, IncidentForm
from attune.incidents.models import Incident
from attune.incidents.services import IncidentError, incident_record, incident_update
from attune.people.models import Pupil
from attune.people.selectors import active_staff


def _by_half_term(request: SchoolRequest) -> bool:
    return request.GET.get("by") != "month"


def _note_reads(children: Iterable[Pupil]) -> None:
    """A list of several children's incidents is a read of each child's record."""
    for child in set(children):
        note_read(child.school_id, child.pk)


def _recorded_it(request: SchoolRequest, incident: Incident) -> bool:
    return incident.recorded_by_id == request.user.pk


def _incident(request: SchoolRequest, incident_id: uuid.UUID) -> Incident:
    """The incident, for the adult who recorded it and those who read all the child's
    incidents; the same 404 whether missing or forbidden."""
    incident = (
        Incident.objects.select_related("pupil", "regulated_by", "recorded_by")
        .filter(pk=incident_id)
        .first()
    )
    if incident is None:
        raise Http404
    own = _recorded_it(request, incident)
    open_record(request, incident.pupil, Right.SEE_ALL_INCIDENTS, own=own)
    return incident


def _require_writer(request: SchoolRequest, incident: Incident) -> None:
    """Break glass reads, never writes: an entry opened only through it cannot be changed."""
    if _recorded_it(request, incident):
        return
    standing = standing_of(request.membership, incident.pupil)
    if standing is None or rules.only_through_break_glass(standing, Right.SEE_ALL_INCIDENTS):
        raise PermissionDenied


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
        # Drawn here: a template loop over a 2,000-pupil school's options took a fifth of the
        # page's time.
        "pupil_options": format_html_join(
            "", '<option value="{}">{}</option>', selectors.pupil_options(request.membership)
        ),
        "citation": PERRY_CITATION,
    }
    if request.membership.can(Permission.VIEW_ALL_INCIDENTS):
        page, children = selectors.school_trends(
            today=timezone.localdate(), by_half_term=_by_half_term(request)
        )
        recent = selectors.recent()
        _note_reads([c.pupil for c in children] + [i.pupil for i in recent])
        context |= {"page": page, "children": children, "recent": recent}
    else:
        mine = selectors.recorded_by(request.membership)
        _note_reads(i.pupil for i in mine)
        context["mine"] = mine
    return render(request, "incidents/school.html", context)


@school_view(Permission.RECORD_INCIDENTS)
def pupil(request: SchoolRequest, urn: str, pupil_id: uuid.UUID) -> HttpResponse:
    child = access_pupil(request, pupil_id)
    everything = can(request.membership, child, Right.SEE_ALL_INCIDENTS)
    incidents = selectors.for_pupil(child)
    if everything:
        # Asked through the door too, so a read that needs break glass is logged against it.
        open_record(request, child, Right.SEE_ALL_INCIDENTS)
    else:
        incidents = incidents.filter(recorded_by_id=request.user.pk)
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
    form = IncidentForm(request.POST or None, staff=active_staff())
    if request.method == "POST" and form.is_valid():
        try:
            incident = incident_record(
                actor=request.user, pupil=child, details=form.details(), now=timezone.now()
            )
        except IncidentError as error:
            show_on_form(form, error)
        else:
            messages.success(request, f"The incident for {child.known_as} is recorded.")
            return _to(urn, incident)
    return _form_page(request, child, form, None)


def _to(urn: str, incident: Incident) -> HttpResponseRedirect:
    return redirect("incidents:incident", urn=urn, incident_id=incident.pk)


@school_view(Permission.RECORD_INCIDENTS)
def incident(request: SchoolRequest, urn: str, incident_id: uuid.UUID) -> HttpResponse:
    found = _incident(request, incident_id)
    context = {"incident": found, "pupil": found.pupil, "citation": PERRY_CITATION}
    return render(request, "incidents/incident.html", context)


@school_view(Permission.RECORD_INCIDENTS)
def edit(request: SchoolRequest, urn: str, incident_id: uuid.UUID) -> HttpResponse:
    found = _incident(request, incident_id)
    _require_writer(request, found)
    form = IncidentForm(request.POST or None, staff=active_staff(), incident=found)
    if request.method == "POST" and form.is_valid():
        try:
            incident_update(
                actor=request.user, incident=found, details=form.details(), now=timezone.now()
            )
        except IncidentError as error:
            show_on_form(form, error)
        else:
            messages.success(request, "Saved.")
            return _to(urn, found)
    return _form_page(request, found.pupil, form, found)
