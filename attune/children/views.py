"""Pages about the school, its pupils and its staff. Thin: selectors read, services write."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from attune.access.children import (
    Right,
    access_pupil,
    can,
    open_record,
    require,
)
from attune.access.pages import school_view
from attune.accounts.roles import Permission
from attune.auditlog.context import note_read
from attune.children import head_charts
from attune.children.forms import AboutMeForm, PupilFilterForm
from attune.children.homes import home_for
from attune.children.selectors import PupilFilters, pupil_detail, pupil_list
from attune.clock import working_day
from attune.http import SchoolRequest
from attune.people.models import Cohort
from attune.people.services import pupil_about_update
from attune.relationships.selectors import continuity, relationship_history, staff_with_caseloads

PAGE_SIZE = 50


@school_view(Permission.VIEW_PUPILS)
def school_home(request: SchoolRequest, urn: str) -> HttpResponse:
    """What needs this reader today first, by their role; then the school at a glance."""
    membership = request.membership
    home = home_for(membership, working_day(), timezone.localtime())
    context: dict[str, object] = {"home": home}
    if membership.can(Permission.VIEW_CASELOADS):
        limit = request.school.caseload_limit
        context["over_limit"] = [s for s in staff_with_caseloads() if s.caseload > limit]  # type: ignore[attr-defined]
    return render(request, "children/school_home.html", context)


@school_view(Permission.VIEW_PUPILS)
def home_chart(request: SchoolRequest, urn: str, key: str) -> HttpResponse:
    """One chart of the reader's home, fetched once the home is shown (or, without
    JavaScript, opened from its placeholder as a page of its own)."""
    found = head_charts.chart(request.membership, key, working_day())
    if found is None:
        raise Http404
    template = "children/_home_chart.html" if request.htmx else "children/home_chart.html"  # type: ignore[attr-defined]
    return render(request, template, {"chart": found})


@school_view(Permission.VIEW_PUPILS)
def pupils(request: SchoolRequest, urn: str) -> HttpResponse:
    membership = request.membership
    show_cohorts = membership.can(Permission.VIEW_ALL_SENSITIVE)
    form = PupilFilterForm(request.GET or None, show_cohorts=show_cohorts)
    filters = form.filters() if request.GET else PupilFilters()
    page = Paginator(pupil_list(membership, filters, timezone.localdate()), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    if show_cohorts:
        # Each child's cohort flags are part of their sensitive record: every row is a read.
        for child in page.object_list:
            note_read(child.school_id, child.pk)
    context = {
        "form": form,
        "page": page,
        "show_cohorts": show_cohorts,
        "query": _query_without_page(request),
    }
    template = "children/_pupil_results.html" if request.htmx else "children/pupils.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def _query_without_page(request: SchoolRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@school_view(Permission.VIEW_PUPILS)
def pupil(request: SchoolRequest, urn: str, pupil_id: uuid.UUID) -> HttpResponse:
    child = access_pupil(request, pupil_id)
    today = timezone.localdate()
    sensitive = can(request.membership, child, Right.SEE_SENSITIVE)
    if sensitive:
        # Opened as a sensitive record, so a read through break glass is logged against it.
        open_record(request, child, Right.SEE_SENSITIVE)
    detail = pupil_detail(child, today)
    cohorts = getattr(detail, "current_cohorts", [])  # prefetched by pupil_detail
    looked_after = any(c.cohort == Cohort.LOOKED_AFTER for c in cohorts)
    context = {
        "pupil": detail,
        "sensitive": sensitive,
        "shows_pep": looked_after and can(request.membership, child, Right.READ_PEPS),
        # A safeguarding lead who can't otherwise see the record may break the glass (logged).
        "may_break_glass": request.membership.is_dsl and not sensitive,
        "can_edit_about": can(request.membership, child, Right.EDIT_ABOUT_ME),
        "can_set_sharing": can(request.membership, child, Right.SET_FAMILY_ARRANGEMENTS),
        "can_keep_in_touch": can(request.membership, child, Right.KEEP_IN_TOUCH),
        "can_manage": request.membership.can(Permission.MANAGE_KEY_ADULTS),
        "history": relationship_history(child) if sensitive else [],
        "continuity": continuity(child, today),
        "today": today,
    }
    return render(request, "children/pupil.html", context)


@school_view(Permission.VIEW_PUPILS)
def pupil_about_edit(request: SchoolRequest, urn: str, pupil_id: uuid.UUID) -> HttpResponse:
    child = access_pupil(request, pupil_id)
    require(request, child, Right.EDIT_ABOUT_ME)
    form = AboutMeForm(
        request.POST or None, initial={"about_me": child.about_me, "what_helps": child.what_helps}
    )
    if request.method == "POST" and form.is_valid():
        pupil_about_update(actor=request.user, pupil=child, **form.cleaned_data)
        messages.success(request, f"Saved what helps {child.known_as}.")
        return redirect("children:pupil", urn=urn, pupil_id=child.pk)
    return render(request, "children/pupil_about_edit.html", {"pupil": child, "form": form})
