"""The audit trail for a school's administrator and headteacher: search it, export it."""

from __future__ import annotations

import csv
import json
import uuid
from collections.abc import Iterator

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from attune.access.pages import school_view
from attune.accounts.roles import Permission
from attune.auditlog.models import AuditEvent
from attune.auditlog.services import audit_log
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
    page = Paginator(audit_events(request.school, form.filters()), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    names = pupil_names({e.pupil_id for e in page.object_list if e.pupil_id})
    rows = [(event, names.get(event.pupil_id) if event.pupil_id else None) for event in page]
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "rows": rows, "query": query.urlencode()}
    return render(request, "trail/events.html", context)


@school_view(Permission.VIEW_AUDIT_TRAIL)
def export(request: SchoolRequest, urn: str) -> StreamingHttpResponse:
    """Every matching event as CSV; the export is itself recorded in the trail."""
    form = AuditSearchForm(request.GET or None)
    filters = form.filters()
    selected = audit_events(request.school, filters)
    # Rows stream after the view returns, outside the school scope: look the names up now.
    names: PupilNames = {p.pk: (p.display_name, p.upn) for p in Pupil.objects.all()}
    audit_log(
        actor=request.user,
        action="auditlog.trail.exported",
        obj=request.school,
        school=request.school,
        changes={"filters": {k: str(v) for k, v in form.data.items() if v}},
        request=request,
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(_csv_rows(selected, names), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="audit-trail-{urn}-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_rows(selected: QuerySet[AuditEvent], names: PupilNames) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for event in selected.iterator(chunk_size=2000):
        yield writer.writerow([_safe(value) for value in _csv_values(event, names)])


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


def _safe(value: str) -> str:
    """Stop a spreadsheet treating a name such as ``=HYPERLINK(...)`` as a formula."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
