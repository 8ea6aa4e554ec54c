"""Reads: the rules in force, the holds, the requests, and everything held about a child."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.db.models import Case, QuerySet, When

from attune.auditlog.models import AuditEvent
from attune.people.models import Pupil, School
from attune.privacy.domain.retention import Basis, Rule, default_rule
from attune.privacy.models import DataRequest, LegalHold, RequestStatus, RetentionRule
from attune.privacy.records import PUPIL_KIND, RecordKind, all_kinds, plain, row_values

EXPORT_FORMAT = "attune.subject-access/1"


def rules_in_force() -> dict[str, Rule]:
    """The rule for every record kind: the school's own choice, else the default."""
    chosen = {r.kind: Rule(Basis(r.basis), r.years) for r in RetentionRule.objects.all()}
    return {kind.label: chosen.get(kind.label, default_rule(kind.label)) for kind in all_kinds()}


def school_rule_kinds() -> set[str]:
    return set(RetentionRule.objects.values_list("kind", flat=True))


def active_holds() -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(released_at__isnull=True).order_by("-placed_at")


def held_pupil_ids() -> set[uuid.UUID]:
    held = active_holds().filter(pupil_id__isnull=False).values_list("pupil_id", flat=True)
    return {pupil_id for pupil_id in held if pupil_id is not None}


def held_kinds() -> set[str]:
    return set(active_holds().exclude(kind="").values_list("kind", flat=True))


def hold_blocking(pupil_id: uuid.UUID, kinds: set[str]) -> LegalHold | None:
    """The first active hold that stops removing these kinds of this child's records."""
    for hold in active_holds():
        if hold.pupil_id == pupil_id or (hold.kind and hold.kind in kinds):
            return hold
    return None


def pending_requests() -> QuerySet[DataRequest]:
    return DataRequest.objects.filter(status=RequestStatus.PENDING).select_related("raised_by")


def filtered_requests(*, status: str, kind: str, child: str) -> QuerySet[DataRequest]:
    """Requests matching the filters (each optional), waiting ones first, then newest."""
    found = DataRequest.objects.select_related("raised_by", "decided_by")
    if status:
        found = found.filter(status=status)
    if kind:
        found = found.filter(kind=kind)
    if child.strip():
        found = found.filter(pupil_label__icontains=child.strip())
    waiting_first = Case(When(status=RequestStatus.PENDING, then=0), default=1)
    return found.order_by(waiting_first, "-raised_at")


def child_records(pupil: Pupil) -> list[tuple[RecordKind, list[Any]]]:
    """Every record about the child, kind by kind (one query a kind), oldest first."""
    return [(kind, list(kind.for_pupil(pupil.pk).order_by("pk"))) for kind in all_kinds()]


def subject_access_data(pupil: Pupil, *, school: School, made_at: datetime) -> dict[str, Any]:
    """Everything held about the child, in the documented, stable JSON shape."""
    records = {
        kind.label: {
            "name": kind.name,
            "rows": [row_values(kind, row) for row in rows],
        }
        for kind, rows in child_records(pupil)
    }
    child = records.pop(PUPIL_KIND)["rows"]
    events = AuditEvent.objects.filter(school=school, pupil_id=pupil.pk).order_by("id")
    return {
        "format": EXPORT_FORMAT,
        "made_at": made_at.isoformat(),
        "school": {"urn": school.urn, "name": school.name},
        "child": child[0] if child else {},
        "records": records,
        "audit_trail": [
            {
                "at": plain(event.at),
                "by": event.actor_label,
                "action": event.action,
                "object_type": event.object_type,
                "object_id": event.object_id,
                "changes": event.changes,
            }
            for event in events
        ],
    }
