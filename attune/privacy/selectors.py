"""Reads: the rules in force, the holds, the requests, and what is held about a child.

Records about a child are read only as far as the access rules let the reader: each kind by the
right that governs it, and notes only at the levels the reader may read
(:func:`readable_records`). The subject access export, the correction form and the request's
page all go through it.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Case, Model, QuerySet, When
from django.utils import timezone

from attune.access.children import can, levels, notes_filter
from attune.access.rules import Level
from attune.auditlog.models import AuditEvent
from attune.people.models import Pupil, School
from attune.privacy.domain.retention import Basis, Rule, default_rule
from attune.privacy.models import (
    BreakGlassGrant,
    DataRequest,
    LegalHold,
    RequestStatus,
    RetentionRule,
)
from attune.privacy.records import PUPIL_KIND, RecordKind, all_kinds, plain, row_values

if TYPE_CHECKING:
    from attune.accounts.models import Membership

EVERY_LEVEL = frozenset(level.value for level in Level)

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


def readable_rows(kind: RecordKind, membership: Membership, pupil: Pupil) -> QuerySet[Any]:
    """This kind's records about the child that the membership may read."""
    rows = kind.for_pupil(pupil.pk)
    if not can(membership, pupil, kind.right):
        return rows.none()
    return rows.filter(notes_filter(membership, pupil)) if kind.levelled else rows


def readable_records(
    membership: Membership, pupil: Pupil, kinds: tuple[RecordKind, ...] | None = None
) -> list[tuple[RecordKind, list[Any]]]:
    """Every record about the child the membership may read, kind by kind (at most one query a
    kind), oldest first."""
    return [
        (kind, list(readable_rows(kind, membership, pupil).order_by("pk")))
        for kind in (all_kinds() if kinds is None else kinds)
    ]


def may_read_record(membership: Membership, pupil: Pupil, kind: RecordKind, obj: Model) -> bool:
    """Whether the membership may read this one record about the child."""
    if not can(membership, pupil, kind.right):
        return False
    level = kind.level_of(obj)
    return level is None or level in levels(membership, pupil)


def may_read_everything(membership: Membership, pupil: Pupil) -> bool:
    """Whether every record about the child is one the membership may read. A subject access
    export holds everything, so only such a reader makes one (with notes for the designated
    safeguarding lead only, that is a DSL). A query only for a kind the reader cannot read
    in full, and only to ask whether it holds anything they may not read."""
    every_level = levels(membership, pupil) >= EVERY_LEVEL
    for kind in all_kinds():
        rows = kind.for_pupil(pupil.pk)
        if not can(membership, pupil, kind.right):
            hidden = rows
        elif kind.levelled and not every_level:
            hidden = rows.exclude(notes_filter(membership, pupil))
        else:
            continue
        if hidden.exists():
            return False
    return True


def subject_access_data(
    pupil: Pupil, *, membership: Membership, school: School, made_at: datetime
) -> dict[str, Any]:
    """Everything held about the child that the maker may read (the view lets only someone who
    may read everything make it), in the documented, stable JSON shape."""
    records = {
        kind.label: {
            "name": kind.name,
            "rows": [row_values(kind, row) for row in rows],
        }
        for kind, rows in readable_records(membership, pupil)
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


def open_grant(membership: Membership, pupil: Pupil) -> BreakGlassGrant | None:
    """The membership's break-glass grant for the child that is open now, if any (to show it)."""
    now = timezone.now()
    return (
        BreakGlassGrant.objects.filter(
            user_id=membership.user_id, pupil_id=pupil.pk, granted_at__lte=now, expires_at__gt=now
        )
        .order_by("-expires_at")
        .first()
    )
