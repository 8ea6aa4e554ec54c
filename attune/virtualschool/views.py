"""Virtual School pages under ``/la/<la_code>/`` and the school's sharing page."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from attune.access.pages import school_view
from attune.accounts.roles import Permission
from attune.bad_requests import check_dates
from attune.errors import AttuneError, show_on_form
from attune.http import SchoolRequest
from attune.people.models import Pupil, School

from . import pep_figures, reports, selectors, services
from .children import open_child
from .decorators import AuthorityRequest, authority_view
from .exports import export_response
from .forms import ApiTokenForm, DateRangeForm, SharingForm
from .models import ApiToken, AuthorityRole, SharingAgreement
from .sharing import shared_cohorts


def _span(request: AuthorityRequest) -> tuple[DateRangeForm, selectors.DateRange]:
    default = selectors.school_year_so_far(timezone.localdate())
    form = DateRangeForm(
        request.GET if "date_from" in request.GET else None,
        initial={"date_from": default.date_from, "date_to": default.date_to},
    )
    check_dates(form)
    return form, form.span(default)


def _query(span: selectors.DateRange) -> str:
    return urlencode({"date_from": span.date_from.isoformat(), "date_to": span.date_to.isoformat()})


def _show(
    request: AuthorityRequest, report: reports.Report, template: str, **context: Any
) -> HttpResponseBase:
    download = export_response(report, request.GET.get("format", ""))
    if download is not None:
        return download
    context |= {
        "report": report,
        "authority": request.authority,
        "authority_membership": request.authority_membership,
    }
    return render(request, template, context)


@authority_view()
def county(request: AuthorityRequest) -> HttpResponseBase:
    form, span = _span(request)
    code, query = request.authority.code, _query(span)

    def link(school: School) -> str:
        kwargs = {"la_code": code, "school_urn": school.urn}
        return reverse("virtualschool:school", kwargs=kwargs) + "?" + query

    report = reports.county_page(request.authority, span, timezone.localdate(), link)
    return _show(request, report, "virtualschool/county.html", form=form, query=query)


@authority_view()
def school(request: AuthorityRequest, school_urn: str) -> HttpResponseBase:
    place = selectors.authority_school(request.authority, school_urn)
    if place is None:
        raise Http404
    form, span = _span(request)
    code, query = request.authority.code, _query(span)

    def link(pupil: Pupil) -> str:
        kwargs = {"la_code": code, "school_urn": place.urn, "pupil_id": pupil.pk}
        return reverse("virtualschool:child", kwargs=kwargs) + "?" + query

    report = reports.school_page(request.authority, place, span, timezone.localdate(), link)
    shares = any(t.caption == reports.CHILDREN_CAPTION for t in report.tables)
    return _show(
        request,
        report,
        "virtualschool/school.html",
        form=form,
        place=place,
        query=query,
        shares=shares,
    )


@authority_view()
def child(request: AuthorityRequest, school_urn: str, pupil_id: uuid.UUID) -> HttpResponseBase:
    place = selectors.authority_school(request.authority, school_urn)
    if place is None:
        raise Http404
    today = timezone.localdate()
    shared = shared_cohorts(place.pk)
    pupil = open_child(place, shared, pupil_id, today)
    form, span = _span(request)
    summary = selectors.child_summary(pupil, span, today)
    cohorts = [m.get_cohort_display() for m in pupil.cohort_memberships.all()]
    pep = pep_figures.child_pep(pupil, shared, today)
    report = reports.child_report(
        pupil.display_name, pupil.year_label, cohorts, summary, span, today, pep
    )
    return _show(
        request,
        report,
        "virtualschool/child.html",
        form=form,
        place=place,
        pupil=pupil,
        query=_query(span),
    )


@authority_view(AuthorityRole.HEAD)
def api_tokens(request: AuthorityRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    secret = None
    if form.is_valid():
        try:
            _, secret = services.api_token_create(
                actor=request.user,
                authority=request.authority,
                name=form.cleaned_data["name"],
            )
        except AttuneError as error:
            show_on_form(form, error)
        else:
            form = ApiTokenForm()
    tokens = ApiToken.objects.filter(local_authority=request.authority).select_related("created_by")
    context = {"form": form, "secret": secret, "tokens": tokens, "authority": request.authority}
    return render(request, "virtualschool/api_tokens.html", context)


@require_POST
@authority_view(AuthorityRole.HEAD)
def api_token_revoke(request: AuthorityRequest, token_id: uuid.UUID) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, local_authority=request.authority)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, f"The token “{token.name}” no longer works.")
    return redirect("virtualschool:api_tokens", la_code=request.authority.code)


# --- the school's side ---------------------------------------------------------------


@school_view(Permission.SHARE_WITH_VIRTUAL_SCHOOL)
def sharing(request: SchoolRequest, urn: str) -> HttpResponse:
    agreement = SharingAgreement.objects.select_related("agreed_by").first()
    current = list(agreement.cohorts) if agreement else []
    form = SharingForm(
        request.POST if request.method == "POST" else None, initial={"cohorts": current}
    )
    if form.is_valid():
        try:
            services.sharing_agreement_set(
                actor=request.user,
                school=request.school,
                cohorts=form.cleaned_data["cohorts"],
            )
        except AttuneError as error:
            show_on_form(form, error)
        else:
            messages.success(request, "Saved. The Virtual School sees the change straight away.")
            return redirect("sharing:edit", urn=request.school.urn)
    return render(request, "virtualschool/sharing.html", {"form": form, "agreement": agreement})
