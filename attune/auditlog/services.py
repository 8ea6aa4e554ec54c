"""Writing to the audit log. Call inside the same transaction as the change it records."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import chain
from typing import Any

from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from attune.accounts.models import User
from attune.auditlog.models import AuditChainHead, AuditEvent
from attune.bulk import copy_lines, copy_text
from attune.people.models import Pupil, School

GENESIS = "0" * 64
MASKED_KEYS = frozenset({"password", "token", "secret"})


def _masked(changes: dict[str, Any]) -> dict[str, Any]:
    return {k: ("***" if k in MASKED_KEYS else v) for k, v in changes.items()}


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str, separators=(",", ":"))


def _digest(previous_hash: str, fields: dict[str, Any]) -> str:
    return hashlib.sha256(f"{previous_hash}|{_json(fields)}".encode()).hexdigest()


class _PerPupilPayload:
    """``_json({**common, "pupil_id": str(pupil_id), "changes": changes})`` for many pupils,
    with the text around the two varying values written once.

    An import hashes an event for each of up to 250,000 children; writing the same nine
    fields as JSON every time was most of that. The result is the same text, character for
    character (a test holds it to ``_json``), so ``audit_chain_verify`` still agrees.
    """

    _PUPIL, _CHANGES = "\x00pupil\x00", "\x00changes\x00"

    def __init__(self, common: dict[str, Any]) -> None:
        text = _json({**common, "pupil_id": self._PUPIL, "changes": self._CHANGES})
        pupil, changes = _json(self._PUPIL), _json(self._CHANGES)
        # Keys sort "changes" before "pupil_id", so the template reads a C b P c.
        self.before, rest = text.split(changes)
        self.between, self.after = rest.split(pupil)

    def __call__(self, pupil_id: Any, changes_json: str) -> str:
        # A UUID's text needs no escaping, so its JSON is the text in quotes.
        pupil = f'"{pupil_id}"' if isinstance(pupil_id, uuid.UUID) else _json(str(pupil_id))
        return f"{self.before}{changes_json}{self.between}{pupil}{self.after}"


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
        name = chain_name(school.pk if school else None)
        head = _locked_heads([name])[name]
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


@dataclass(frozen=True, slots=True)
class PupilChanges:
    """One school's share of an action touching many children, for
    :func:`audit_log_per_pupil_across`."""

    school: School
    obj: Any
    changes_by_pupil: Mapping[uuid.UUID, dict[str, Any]]


def audit_log_per_pupil_across(
    *, actor: User | None, action: str, shares: Sequence[PupilChanges]
) -> int:
    """One event per child for one action on each school's object (an import touching many
    children, in many schools).

    Each school's events join its own chain, exactly as ``audit_log_many`` would write them,
    but built as plain rows and, on PostgreSQL, written with one COPY: a county's daily import
    touches 250,000 children, and building a model instance for each was half the import's
    time (``docs/county-scale.md``). Returns the number of events written.
    """
    shares = [share for share in shares if share.changes_by_pupil]
    if not shares:
        return 0
    with transaction.atomic():
        heads = _locked_heads(sorted({chain_name(share.school.pk) for share in shares}))
        at = timezone.now()
        written = 0
        lines: list[Iterator[str]] = []
        events: list[Iterator[AuditEvent]] = []
        for share in shares:
            head = heads[chain_name(share.school.pk)]
            common = {
                "school_id": share.school.pk,
                "actor_id": actor.pk if actor else None,
                "actor_label": str(actor) if actor else "system",
                "action": action,
                "object_type": type(share.obj).__name__,
                "object_id": str(share.obj.pk),
                "ip_address": None,
                "at": at.isoformat(),
            }
            rows = _chained(head, common, share.changes_by_pupil)
            written += len(rows)
            if connection.vendor == "postgresql":
                lines.append(_copy_lines(common, at, rows))
            else:
                events.append(_events(common, at, rows))
        if lines:
            copy_lines(AuditEvent._meta.db_table, _EVENT_COLUMNS, chain.from_iterable(lines))
        AuditEvent.objects.bulk_create(chain.from_iterable(events), batch_size=500)
        AuditChainHead.objects.bulk_update(list(heads.values()), ["last_hash"])
    return written


def _locked_heads(chains: list[str]) -> dict[str, AuditChainHead]:
    """The chains' heads, locked until the transaction ends (in name order), created if new:
    one query when they all exist, as they do after a school's first event."""

    def lock(names: list[str]) -> dict[str, AuditChainHead]:
        heads = AuditChainHead.objects.select_for_update().filter(chain__in=names)
        return {head.chain: head for head in heads.order_by("chain")}

    heads = lock(chains)
    missing = [name for name in chains if name not in heads]
    if missing:
        AuditChainHead.objects.bulk_create(
            [AuditChainHead(chain=name) for name in missing], ignore_conflicts=True
        )
        heads |= lock(missing)
    return heads


# (pupil id, changes as JSON, previous hash, entry hash): one event's varying part.
_Chained = tuple[uuid.UUID, str, str, str]


def _chained(
    head: AuditChainHead, common: dict[str, Any], changes_by_pupil: Mapping[uuid.UUID, Any]
) -> list[_Chained]:
    """Each child's event hashed onto the chain, in order; moves the head to the last one."""
    previous = head.last_hash
    rows: list[_Chained] = []
    payload = _PerPupilPayload(common)
    sha256 = hashlib.sha256
    written: dict[tuple[Any, ...], str] = {}
    for pupil_id, changes in changes_by_pupil.items():
        # An import's changes repeat a handful of shapes ({"added": 2, ...}): each is written
        # as JSON once. The key carries each value's type, as 1, 1.0 and True are equal keys.
        try:
            key = tuple((name, type(value), value) for name, value in changes.items())
            masked = written.get(key) or written.setdefault(key, _json(_masked(changes)))
        except TypeError:  # a value that cannot be a key (a list, a dict)
            masked = _json(_masked(changes))
        entry_hash = sha256(f"{previous}|{payload(pupil_id, masked)}".encode()).hexdigest()
        rows.append((pupil_id, masked, previous, entry_hash))
        previous = entry_hash
    head.last_hash = previous
    return rows


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


def _shared(common: dict[str, Any], at: datetime) -> tuple[Any, ...]:
    """The values of the first eight columns, which every event of one share has in common."""
    return (*(common[c] for c in _EVENT_COLUMNS[:7]), at)


def _copy_lines(common: dict[str, Any], at: datetime, rows: list[_Chained]) -> Iterator[str]:
    """COPY text lines: the columns every event shares are written once."""
    prefix = "".join(f"{copy_text(value)}\t" for value in _shared(common, at))
    escaped: dict[str, str] = {}
    for pupil_id, changes, previous_hash, entry_hash in rows:
        text = escaped.get(changes) or escaped.setdefault(changes, copy_text(changes))
        yield f"{prefix}{pupil_id}\t{text}\t{previous_hash}\t{entry_hash}\n"


def _events(common: dict[str, Any], at: datetime, rows: list[_Chained]) -> Iterator[AuditEvent]:
    fixed = dict(zip(_EVENT_COLUMNS[:8], _shared(common, at), strict=True))
    for pupil_id, changes, previous_hash, entry_hash in rows:
        yield AuditEvent(
            **fixed,
            pupil_id=pupil_id,
            changes=json.loads(changes),
            previous_hash=previous_hash,
            entry_hash=entry_hash,
        )


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
    last_ids: dict[str, int] = {}
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
        last_ids[chain] = event.pk
    return _truncated_chain(previous, last_ids, school)


def _truncated_chain(
    tails: dict[str, str], last_ids: dict[str, int], school: School | None
) -> int | None:
    """Events deleted from the end of a chain leave its head pointing past the last event.

    Returns the id of the last surviving event of such a chain (0 if it has none left).
    """
    heads = AuditChainHead.objects.all()
    if school is not None:
        heads = heads.filter(chain=chain_name(school.pk))
    for head in heads:
        tail = tails.get(head.chain, GENESIS)
        if head.last_hash != tail:
            return last_ids.get(head.chain, 0)
    return None
