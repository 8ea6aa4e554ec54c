"""Attendance pages. Each starts with the role guard and, for one child, an access check."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from attune import csv_files
from attune.access.children import Right, access_pupil, can, pupils_with, require
from attune.access.pages import school_view
from attune.accounts.roles import Permission
from attune.attendance import school as school_reads
from attune.attendance.attention import attention_list
from attune.attendance.forms import (
    SORT_CHOICES,
    ConcernForm,
    DateRangeForm,
    SchoolFilterForm,
    TermForm,
    UploadForm,
)
from attune.attendance.imports import AttendanceImportRejected
from attune.attendance.models import AttendanceConcern, SchoolTerm
from attune.attendance.selectors import pupil_attendance_page
from attune.attendance.services import concern_save, term_delete, term_save
from attune.attendance.uploads import upload_ctf, upload_marks_csv
from attune.auditlog.context import note_read
from attune.bad_requests import check_dates
from attune.errors import AttuneError, show_on_form
from attune.http import SchoolRequest

# A child's attendance, with its early warnings about long absences and exclusions, is part of
# their sensitive record: leads, the headteacher, the Virtual School for its children, and the
# child's own key adult and co-worker.
SEES_ATTENDANCE = Right.SEE_SENSITIVE


@school_view(Permission.VIEW_PUPILS)
def pupil(request: SchoolRequest, urn: str, pupil_id: uuid.UUID) -> HttpResponse:
    # Whoever keeps the register (the office) sees any child's marks, as on the school page;
    # what lies behind an absence stays with those who may read the sensitive record.
    keeps_register = request.membership.can(Permission.VIEW_ATTENDANCE)
    child = access_pupil(request, pupil_id, Right.SEE_CHILD if keeps_register else SEES_ATTENDANCE)
    sensitive = can(request.membership, child, SEES_ATTENDANCE)
    today = timezone.localdate()
    page = pupil_attendance_page(
        child, today=today, term_starts=school_reads.school_year(today).term_starts
    )
    concerns = (
        AttendanceConcern.objects.filter(pupil=child).prefetch_related("factors")
        if sensitive
        else AttendanceConcern.objects.none()
    )
    return render(
        request,
        "attendance/pupil.html",
        {"pupil": child, "page": page, "concerns": concerns, "sensitive": sensitive},
    )


# --- the school page ------------------------------------------------------------------------

PUPILS_PER_PAGE = 100


@school_view(Permission.VIEW_ATTENDANCE)
def school(request: SchoolRequest, urn: str) -> HttpResponse:
    today = timezone.localdate()
    year = school_reads.school_year(today)
    with_cohorts = request.membership.can(Permission.VIEW_ALL_SENSITIVE)
    form = SchoolFilterForm(
        request.GET or None,
        groups=school_reads.registration_groups(),
        with_cohorts=with_cohorts,
    )
    check_dates(form, today=today)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    date_from, date_to = form.dates(year.starts_on, today)
    filters = school_reads.SchoolFilters(
        date_from=date_from,
        date_to=date_to,
        year_group=data.get("year_group"),
        registration_group=data.get("registration_group") or "",
        cohort=data.get("cohort") or "",
        only=data.get("only") or "",
        sort=data.get("sort") or "name",
        descending=data.get("order") == "desc",
    )
    page = school_reads.school_attendance_page(filters)
    # Figures and bands cover every pupil; only the rows drawn are paged, and the PA/SA lists
    # show their lowest few with a link to the whole list (drawing hundreds of rows was most
    # of a big school's page).
    rows = Paginator(page.pupils, PUPILS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "attendance/school.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "rows": rows,
            "pages": _page_links(request, rows),
            "lists": {
                "persistent": _short_list(request, page.persistent, "pa"),
                "severe": _short_list(request, page.severe, "sa"),
            },
            "columns": _sort_links(request, filters),
            "chart": {
                "labels": [label for label, _ in page.bands],
                "values": [n for _, n in page.bands],
                "label": "Pupils",
            },
        },
    )


LISTED = 20  # pupils drawn in each of the PA and SA lists; the rest are a link away


def _short_list(
    request: SchoolRequest, pupils: Sequence[school_reads.PupilFigures], only: str
) -> dict[str, Any]:
    """The lowest ``LISTED`` of a PA or SA list, and a link to all of them (the pupils table
    narrowed to that list, lowest attendance first, keeping the other filters)."""
    query = request.GET.copy()
    query.pop("page", None)
    query["only"], query["sort"], query["order"] = only, "attendance", "asc"
    return {
        "rows": pupils[:LISTED],
        "total": len(pupils),
        "hidden": len(pupils) > LISTED,
        "query": query.urlencode(),
    }


def _sort_links(
    request: SchoolRequest, filters: school_reads.SchoolFilters
) -> list[dict[str, Any]]:
    """Each column heading's link: sorts by it, or reverses it if it is already the sort."""
    columns = []
    for key, label in SORT_CHOICES:
        query = request.GET.copy()
        query.pop("page", None)  # a new order starts at the first page
        current = filters.sort == key
        query["sort"] = key
        query["order"] = "asc" if current and filters.descending else "desc" if current else "asc"
        aria = ("descending" if filters.descending else "ascending") if current else "none"
        columns.append({"key": key, "label": label, "query": query.urlencode(), "aria": aria})
    return columns


def _page_links(request: SchoolRequest, rows: Page[Any]) -> dict[str, Any] | None:
    """Links to the pages near this one (and the first and last), keeping filters and sort."""
    if not rows.has_other_pages():
        return None

    def query(number: int) -> str:
        params = request.GET.copy()
        params["page"] = str(number)
        return params.urlencode()

    numbers: list[dict[str, Any]] = [
        {"number": n, "query": query(n), "current": n == rows.number}
        if isinstance(n, int)
        else {"number": None}  # the gap ("…") between far-apart pages
        for n in rows.paginator.get_elided_page_range(rows.number, on_each_side=2, on_ends=1)
    ]
    return {
        "previous": query(rows.previous_page_number()) if rows.has_previous() else "",
        "next": query(rows.next_page_number()) if rows.has_next() else "",
        "numbers": numbers,
    }


# --- who needs attention --------------------------------------------------------------------


CHILDREN_PER_PAGE = 50


@school_view(Permission.VIEW_ATTENDANCE, Permission.VIEW_ALL_SENSITIVE)
def attention(request: SchoolRequest, urn: str) -> HttpResponse:
    today = timezone.localdate()
    listed = attention_list(pupils_with(request.membership, SEES_ATTENDANCE), today=today)
    children = Paginator(listed, CHILDREN_PER_PAGE).get_page(request.GET.get("page"))
    for shown in children:  # each shown child's warnings are a read of their record
        note_read(request.school.pk, shown.pupil.pupil_id)
    return render(
        request,
        "attendance/attention.html",
        {
            "children": children,
            "listed": listed,
            "pages": _page_links(request, children),
            "today": today,
        },
    )


# --- cohorts ---------------------------------------------------------------------------------


def _cohort_range(request: SchoolRequest) -> tuple[DateRangeForm, Any, Any]:
    today = timezone.localdate()
    form = DateRangeForm(request.GET or None)
    check_dates(form, today=today)
    date_from, date_to = form.dates(school_reads.school_year(today).starts_on, today)
    return form, date_from, date_to


@school_view(Permission.VIEW_ATTENDANCE, Permission.VIEW_ALL_SENSITIVE)
def cohorts(request: SchoolRequest, urn: str) -> HttpResponse:
    form, date_from, date_to = _cohort_range(request)
    figures = school_reads.cohort_figures(date_from, date_to)
    chart = {
        "labels": [f.label for f in figures],
        "values": [
            None
            if f.cohort.persistent_absence_pct is None
            else round(f.cohort.persistent_absence_pct, 1)
            for f in figures
        ],
        "label": "Persistently absent (%)",
    }
    return render(
        request,
        "attendance/cohorts.html",
        {
            "form": form,
            "date_from": date_from,
            "date_to": date_to,
            "figures": figures,
            "chart": chart,
            "query": request.GET.urlencode(),
        },
    )


CSV_FIELDS = (
    "cohort",
    "pupils",
    "pupils_with_possible_sessions",
    "possible_sessions",
    "absence_sessions",
    "attendance_pct",
    "persistently_absent",
    "persistent_absence_pct",
    "severely_absent",
    "severe_absence_pct",
    "pupils_with_concern",
)


@school_view(Permission.VIEW_ATTENDANCE, Permission.VIEW_ALL_SENSITIVE)
def cohorts_csv(request: SchoolRequest, urn: str) -> HttpResponseBase:
    _, date_from, date_to = _cohort_range(request)
    figures = school_reads.cohort_figures(date_from, date_to)
    factor_labels = [label for label, _ in figures[0].factor_counts()] if figures else []
    rows = (
        [
            f.label,
            f.cohort.pupils,
            f.cohort.pupils_with_possible_sessions,
            f.possible,
            f.absence,
            _number(f.attendance_pct),
            f.cohort.persistently_absent,
            _number(f.cohort.persistent_absence_pct),
            f.cohort.severely_absent,
            _number(f.cohort.severe_absence_pct),
            f.pupils_with_concern,
            *(n for _, n in f.factor_counts()),
        ]
        for f in figures
    )
    return csv_files.download(
        f"attendance-cohorts-{urn}-{date_from}-to-{date_to}.csv",
        [*CSV_FIELDS, *(f"factor: {label}" for label in factor_labels)],
        rows,
    )


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


# --- upload ----------------------------------------------------------------------------------


# The problems a refused upload lists: enough to fix a file by, never a page of megabytes.
PROBLEMS_SHOWN = 200


@school_view(Permission.MANAGE_ATTENDANCE)
def upload(request: SchoolRequest, urn: str) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        importer = upload_ctf if form.cleaned_data["kind"] == "ctf" else upload_marks_csv
        try:
            result = importer(
                school=request.school,
                upload=form.cleaned_data["file"],
                actor=request.user,
                today=timezone.localdate(),
            )
        except AttendanceImportRejected as rejected:
            context.update(
                rejected=rejected,
                problems=rejected.errors[:PROBLEMS_SHOWN],
                more_problems=max(0, len(rejected.errors) - PROBLEMS_SHOWN),
            )
        else:
            context.update(result=result, form=UploadForm())
    return render(request, "attendance/upload.html", context, status=_status(context))


def _status(context: dict[str, Any]) -> int:
    return 422 if "rejected" in context else 200


# --- term dates ------------------------------------------------------------------------------


@school_view(Permission.MANAGE_ATTENDANCE)
def terms(request: SchoolRequest, urn: str) -> HttpResponse:
    form = TermForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            term_save(actor=request.user, school=request.school, **form.cleaned_data)
        except AttuneError as error:
            show_on_form(form, error)
        else:
            return redirect("attendance:terms", urn=urn)
    today = timezone.localdate()
    return render(
        request,
        "attendance/terms.html",
        {
            "form": form,
            "terms": SchoolTerm.objects.all(),
            "year": school_reads.school_year(today),
        },
    )


def access_term(term_id: uuid.UUID) -> SchoolTerm:
    term = SchoolTerm.objects.filter(pk=term_id).select_related("school").first()
    if term is None:
        raise Http404
    return term


@school_view(Permission.MANAGE_ATTENDANCE)
def term_edit(request: SchoolRequest, urn: str, term_id: uuid.UUID) -> HttpResponse:
    term = access_term(term_id)
    initial = {"name": term.name, "starts_on": term.starts_on, "ends_on": term.ends_on}
    form = TermForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            term_save(actor=request.user, school=request.school, term=term, **form.cleaned_data)
        except AttuneError as error:
            show_on_form(form, error)
        else:
            return redirect("attendance:terms", urn=urn)
    return render(request, "attendance/term_edit.html", {"form": form, "term": term})


@school_view(Permission.MANAGE_ATTENDANCE)
@require_POST
def term_remove(request: SchoolRequest, urn: str, term_id: uuid.UUID) -> HttpResponse:
    term_delete(actor=request.user, term=access_term(term_id))
    return redirect("attendance:terms", urn=urn)


# --- concerns --------------------------------------------------------------------------------


@school_view(Permission.VIEW_PUPILS)
def concern(
    request: SchoolRequest, urn: str, pupil_id: uuid.UUID, concern_id: uuid.UUID | None = None
) -> HttpResponse:
    child = access_pupil(request, pupil_id, SEES_ATTENDANCE)
    if request.method == "POST":
        require(request, child, Right.SUPPORT)  # the Virtual School and break glass only read
    existing = None
    if concern_id is not None:
        existing = AttendanceConcern.objects.filter(pk=concern_id, pupil=child).first()
        if existing is None:
            raise Http404
    initial: dict[str, Any] = {"opened_on": timezone.localdate()}
    if existing is not None:
        initial = {
            "opened_on": existing.opened_on,
            "status": existing.status,
            "notes": existing.notes,
            "factors": list(existing.factors.values_list("factor", flat=True)),
        }
    form = ConcernForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            concern_save(
                actor=request.user,
                pupil=child,
                opened_on=data["opened_on"],
                status=data["status"],
                notes=data["notes"],
                factors=data["factors"],
                today=timezone.localdate(),
                concern=existing,
            )
        except AttuneError as error:
            show_on_form(form, error)
        else:
            return redirect("attendance:pupil", urn=urn, pupil_id=child.pk)
    return render(
        request, "attendance/concern.html", {"pupil": child, "form": form, "concern": existing}
    )
