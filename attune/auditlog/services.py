"""Writing to the audit log. Call inside the same transaction as the change it records."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from attune.accounts.models import User
from attune.auditlog.models import AuditChainHead, AuditEvent
from attune.bulk import insert_rows
from attune.people.models import Pupil, School

GENESIS = "0" * 64
MASKED_KEYS = frozenset({"password", "token", "secret"})


def _masked(changes: dict[str, Any]) -> dict[str, Any]:
    return {k: ("***" if k in MASKED_KEYS else v) for k, v in changes.items()}


def _digest(previous_hash: str, fields: dict[str, Any]) -> str:
    payload = json.dumps(fields, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(f"{previous_hash}|{payload}".encode()).hexdigest()


def client_ip(request: HttpRequest | None) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One thing to record, for :func:`audit_log_many`."""

    action: str
    obj: Any
    pupil: Pupil | None = None
    changes: dict[str, Any] | None = None


def audit_log(
    *,
    actor: User | None,
    action: str,
    obj: Any,
    school: School | None,
    pupil: Pupil | None = None,
    changes: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Append one event to the chain (``action`` is namespaced, e.g. ``people.school.added``)."""
    [event] = audit_log_many(
        actor=actor,
        school=school,
        entries=[AuditEntry(action, obj, pupil, changes)],
        request=request,
    )
    return event


def audit_log_many(
    *,
    actor: User | None,
    school: School | None,
    entries: Sequence[AuditEntry],
    request: HttpRequest | None = None,
) -> list[AuditEvent]:
    """Append several events to the school's chain in one locked step (imports use this)."""
    if not entries:
        return []
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            chain=chain_name(school.pk if school else None)
        )
        now = timezone.now()
        previous = head.last_hash
        events: list[AuditEvent] = []
        for entry in entries:
            event = AuditEvent(
                school=school,
                actor=actor,
                actor_label=str(actor) if actor else "system",
                action=entry.action,
                object_type=type(entry.obj).__name__,
                object_id=str(entry.obj.pk),
                pupil_id=entry.pupil.pk if entry.pupil else None,
                changes=_masked(entry.changes or {}),
                ip_address=client_ip(request),
                at=now,
                previous_hash=previous,
            )
            event.entry_hash = previous = _digest(previous, _hashed_fields(event))
            events.append(event)
        AuditEvent.objects.bulk_create(events, batch_size=500)
        head.last_hash = previous
        head.save(update_fields=["last_hash"])
    return events


def audit_log_per_pupil(
    *,
    actor: User | None,
    school: School,
    action: str,
    obj: Any,
    changes_by_pupil: Mapping[uuid.UUID, dict[str, Any]],
) -> int:
    """One event per child for one action on one object (an import touching many children).

    The events and their chain are exactly what ``audit_log_many`` would write, but built as
    plain rows and, on PostgreSQL, written with COPY: a county's daily import touches 250,000
    children, and building a model instance for each was half the import's time
    (``docs/county-scale.md``). Returns the number of events written.
    """
    if not changes_by_pupil:
        return 0
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            chain=chain_name(school.pk)
        )
        at = timezone.now()
        common = {
            "school_id": school.pk,
            "actor_id": actor.pk if actor else None,
            "actor_label": str(actor) if actor else "system",
            "action": action,
            "object_type": type(obj).__name__,
            "object_id": str(obj.pk),
            "ip_address": None,
            "at": at.isoformat(),
        }
        previous = head.last_hash
        rows: list[tuple[Any, ...]] = []
        for pupil_id, changes in changes_by_pupil.items():
            masked = _masked(changes)
            entry_hash = _digest(previous, {**common, "pupil_id": str(pupil_id), "changes": masked})
            rows.append((pupil_id, json.dumps(masked), previous, entry_hash))
            previous = entry_hash
        _write_events(common, at, rows)
        head.last_hash = previous
        head.save(update_fields=["last_hash"])
    return len(rows)


_EVENT_COLUMNS = (
    "school_id",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "ip_address",
    "at",
    "pupil_id",
    "changes",
    "previous_hash",
    "entry_hash",
)


def _write_events(common: dict[str, Any], at: datetime, rows: list[tuple[Any, ...]]) -> None:
    fixed = (*(common[c] for c in _EVENT_COLUMNS[:7]), at)
    if connection.vendor == "postgresql":
        insert_rows(AuditEvent, _EVENT_COLUMNS, ((*fixed, *row) for row in rows))
        return
    events = (
        AuditEvent(
            **dict(zip(_EVENT_COLUMNS[:8], fixed, strict=True)),
            pupil_id=pupil_id,
            changes=json.loads(changes),
            previous_hash=previous_hash,
            entry_hash=entry_hash,
        )
        for pupil_id, changes, previous_hash, entry_hash in rows
    )
    AuditEvent.objects.bulk_create(events, batch_size=500)


def _hashed_fields(event: AuditEvent) -> dict[str, Any]:
    """What an event's hash covers: the same whether computed on write or on verify."""
    return {
        "school_id": event.school_id,
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "pupil_id": str(event.pupil_id) if event.pupil_id else None,
        "changes": event.changes,
        "ip_address": event.ip_address,
        "at": event.at.isoformat(),
    }


def chain_name(school_id: int | None) -> str:
    return f"school-{school_id}" if school_id is not None else "system"


def audit_chain_verify(school: School | None = None) -> int | None:
    """Recompute the chains (one school's, or every one); return the first bad event's id.

    Also notices events removed from the end of a chain, by comparing with its head.
    """
    events = AuditEvent.objects.order_by("id")
    if school is not None:
        events = events.filter(school=school)
    previous: dict[str, str] = {}
    for event in events.iterator():
        chain = chain_name(event.school_id)
        expected_previous = previous.get(chain, GENESIS)
        fields = _hashed_fields(event)
        if (
            event.previous_hash != expected_previous
            or _digest(expected_previous, fields) != event.entry_hash
        ):
            return event.pk
        previous[chain] = event.entry_hash
    return _truncated_chain(previous, school)


def _truncated_chain(tails: dict[str, str], school: School | None) -> int | None:
    """Events deleted from the end of a chain leave its head pointing past the last event.

    Returns the id of the last surviving event of such a chain (0 if it has none left).
    """
    heads = AuditChainHead.objects.all()
    if school is not None:
        heads = heads.filter(chain=chain_name(school.pk))
    for head in heads:
        tail = tails.get(head.chain, GENESIS)
        if head.last_hash != tail:
            last = AuditEvent.objects.filter(entry_hash=tail).values_list("pk", flat=True).first()
            return last or 0
    return None
