"""Writing to the audit log. Call inside the same transaction as the change it records."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from attune.accounts.models import User
from attune.auditlog.models import AuditChainHead, AuditEvent
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
    """Append one event to the chain (``action`` is namespaced, e.g. ``people.pupil.viewed``)."""
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            chain=chain_name(school.pk if school else None)
        )
        now = timezone.now()
        fields: dict[str, Any] = {
            "school_id": school.pk if school else None,
            "actor_id": actor.pk if actor else None,
            "actor_label": str(actor) if actor else "system",
            "action": action,
            "object_type": type(obj).__name__,
            "object_id": str(obj.pk),
            "pupil_id": str(pupil.pk) if pupil else None,
            "changes": _masked(changes or {}),
            "ip_address": client_ip(request),
            "at": now.isoformat(),
        }
        entry_hash = _digest(head.last_hash, fields)
        event = AuditEvent.objects.create(
            school=school,
            actor=actor,
            actor_label=fields["actor_label"],
            action=action,
            object_type=fields["object_type"],
            object_id=fields["object_id"],
            pupil_id=pupil.pk if pupil else None,
            changes=fields["changes"],
            ip_address=fields["ip_address"],
            at=now,
            previous_hash=head.last_hash,
            entry_hash=entry_hash,
        )
        head.last_hash = entry_hash
        head.save(update_fields=["last_hash"])
    return event


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
        fields = {
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
