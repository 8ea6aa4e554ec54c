"""The audit trail for a school's administrator and headteacher: search it, export it."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from attune import csv_files
from attune.access.pages import school_view
from attune.accounts.roles import Permission
from attune.auditlog.actions import Action
from attune.auditlog.checkpoints import last_check
from attune.auditlog.models import AuditEvent
from attune.auditlog.record import record
from attune.bad_requests import check_dates
from attune.http import SchoolRequest
from attune.people.models import Pupil
from attune.privacy.trail_forms import AuditSearchForm
from attune.privacy.trail_selectors import audit_events, pupil_names

PAGE_SIZE = 50
PupilNames = dict[uuid.UUID, tuple[str, str]]
CSV_COLUMNS = [
    "when",
    "person",
    "person_email",
    "action",
    "object_type",
    "object_id",
    "child_id",
    "child",
    "from_address",
    "changes",
    "entry_hash",
]


@school_view(Permission.VIEW_AUDIT_TRAIL)
def events(request: SchoolRequest, urn: str) -> HttpResponse:
    form = AuditSearchForm(request.GET or None)
    check_dates(form)
    page = Paginator(audit_events(request.school, form.filters()), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    names = pupil_names({e.pupil_id for e in page.object_list if e.pupil_id})
    rows = [(event, names.get(event.pupil_id) if event.pupil_id else None) for event in page]
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "rows": rows, "query": query.urlencode()}
    # Read from the checkpoint files, outside the database an attacker might edit.
    context["last_check"] = last_check(request.school.pk, timezone.now())
    return render(request, "trail/events.html", context)


@school_view(Permission.VIEW_AUDIT_TRAIL)
def export(request: SchoolRequest, urn: str) -> HttpResponseBase:
    """Every matching event as CSV, streamed through the one CSV writer (every cell defused);
    the export is itself recorded in the trail. Sensitive text never reaches it: events keep
    digests of notes, not their words (``attune.auditlog.record``)."""
    form = AuditSearchForm(request.GET or None)
    check_dates(form)
    filters = form.filters()
    selected = audit_events(request.school, filters)
    # Rows stream after the view returns, outside the school scope: look the names up now.
    names: PupilNames = {p.pk: (p.display_name, p.upn) for p in Pupil.objects.all()}
    record(
        Action.TRAIL_EXPORTED,
        request.school,
        actor=request.user,
        changes={"filters": {k: str(v) for k, v in form.data.items() if v}},
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"audit-trail-{urn}-{stamp}.csv"
    return csv_files.download(filename, CSV_COLUMNS, _csv_rows(selected, names), stream=True)


def _csv_rows(selected: QuerySet[AuditEvent], names: PupilNames) -> Iterator[list[str]]:
    for event in selected.iterator(chunk_size=2000):
        yield _csv_values(event, names)


def _csv_values(event: AuditEvent, names: PupilNames) -> list[str]:
    child = names.get(event.pupil_id, ("", ""))[0] if event.pupil_id else ""
    return [
        timezone.localtime(event.at).isoformat(),
        event.actor_label,
        event.actor.email if event.actor else "",
        event.action,
        event.object_type,
        event.object_id,
        str(event.pupil_id or ""),
        child,
        event.ip_address or "",
        json.dumps(event.changes, sort_keys=True, default=str) if event.changes else "",
        event.entry_hash,
    ]
