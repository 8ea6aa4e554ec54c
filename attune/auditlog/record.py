"""Writing to the audit record: ``record(Action.X, obj, actor=...)``, inside the change's
transaction.

The school is taken from the object (``obj.school_id``, or the school itself), the child from
the object too (a child, or anything with ``pupil_id``), and the network address from the
request being served (``attune.auditlog.context``), so a service never needs the request.

Text a model marks as sensitive (its ``sensitive_fields``: notes whose readers are limited) is
never stored: the event keeps that the field changed and a keyed digest of its value, so the
trail, its export and anyone who can read the database learn nothing of the note, while the
server can still tell whether two values were the same.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import chain
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils import timezone

from attune.auditlog.actions import Action
from attune.auditlog.chain import (
    HASHED_COLUMNS,
    Chained,
    advance,
    chain_key,
    chain_name,
    chain_per_pupil,
    locked_heads,
    save_heads,
)
from attune.auditlog.chain import entry_hash as hashed_after
from attune.auditlog.chain import payload as hashed_payload
from attune.auditlog.context import ReadNote, client_address
from attune.auditlog.models import AuditChainHead, AuditEvent
from attune.bulk import copy_lines, copy_text, insert_rows

if TYPE_CHECKING:
    from attune.accounts.models import User

MASKED_KEYS = frozenset({"password", "token", "secret"})
_HEAD_FIELDS = ["last_hash", "event_count", "signature"]  # what moving a chain's head writes


class _FromObject:
    """Default for ``pupil``: take the child from the object."""


FROM_OBJECT: Any = _FromObject()


def digest(value: Any) -> dict[str, Any]:
    """What an event keeps of a sensitive value: that there was one, how long, and a keyed
    digest (equal values give equal digests; the text cannot be recovered or guessed without
    the server's key)."""
    text = "" if value is None else str(value)
    mac = hmac.new(chain_key(), f"field|{text}".encode(), hashlib.sha256).hexdigest()
    return {"digest": mac[:32], "length": len(text)}


def digest_changes(changes: Mapping[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    """``changes`` with the values of ``fields`` (single values or [before, after]) digested."""
    hidden = frozenset(fields)
    return {
        name: (
            ([digest(v) for v in value] if isinstance(value, list | tuple) else digest(value))
            if name in hidden
            else value
        )
        for name, value in changes.items()
    }


def _masked(changes: Mapping[str, Any]) -> dict[str, Any]:
    return {k: ("***" if k in MASKED_KEYS else v) for k, v in changes.items()}


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str, separators=(",", ":"))


def _label(obj: Any) -> str:
    meta = getattr(obj, "_meta", None)
    return str(meta.label) if meta is not None else ""


def school_id_of(obj: Any) -> int | None:
    """The school an object belongs to: its ``school_id``, or the school itself."""
    if _label(obj) == "people.School":
        return int(obj.pk)
    school_id = getattr(obj, "school_id", None)
    return int(school_id) if school_id is not None else None


def pupil_id_of(obj: Any) -> uuid.UUID | None:
    """The child an object is about: the child itself, or its ``pupil_id``."""
    if _label(obj) == "people.Pupil":
        return obj.pk  # type: ignore[no-any-return]
    return getattr(obj, "pupil_id", None)


def _pupil_id(pupil: Any) -> uuid.UUID | None:
    if pupil is None:
        return None
    return pupil if isinstance(pupil, uuid.UUID) else pupil.pk


def _stored_changes(obj: Any, changes: Mapping[str, Any] | None) -> dict[str, Any]:
    sensitive = getattr(type(obj), "sensitive_fields", ())
    return _masked(digest_changes(changes or {}, sensitive) if sensitive else changes or {})


@dataclass(frozen=True, slots=True)
class Ref:
    """An object named by its kind and id, for an event about a row that is not loaded."""

    object_type: str
    pk: Any


def _object_type(obj: Any) -> str:
    return obj.object_type if isinstance(obj, Ref) else type(obj).__name__


@dataclass(frozen=True, slots=True)
class Entry:
    """One thing to record, for :func:`record_many`."""

    action: Action
    obj: Any
    pupil: Any = FROM_OBJECT  # a child, a child's id, None, or taken from ``obj``
    changes: Mapping[str, Any] | None = None


def record(
    action: Action,
    obj: Any,
    *,
    actor: User | None,
    pupil: Any = FROM_OBJECT,
    changes: Mapping[str, Any] | None = None,
    school: Any = FROM_OBJECT,
) -> AuditEvent:
    """Append one event to the object's school's chain.

    ``school`` and ``pupil`` default to the object's own; pass them only when the object
    does not carry them (``school=None`` for an event that belongs to no school).
    """
    school_id = school_id_of(obj) if school is FROM_OBJECT else _school_id(school)
    [event] = record_many(
        actor=actor, school_id=school_id, entries=[Entry(action, obj, pupil, changes)]
    )
    return event


def _school_id(school: Any) -> int | None:
    if school is None or isinstance(school, int):
        return school
    return int(school.pk)


def record_many(
    *, actor: User | None, school_id: int | None, entries: Sequence[Entry]
) -> list[AuditEvent]:
    """Append several events to one school's chain in one locked step (imports use this)."""
    return record_across(actor=actor, entries={school_id: entries})


def record_across(
    *, actor: User | None, entries: Mapping[int | None, Sequence[Entry]]
) -> list[AuditEvent]:
    """Append events to several schools' chains (and the system chain, ``None``) in one
    locked step: every head locked in one query, every event written in one insert, every
    head moved in one update. A list of children across many schools records a read on each
    school's chain; one step per chain made the Virtual School's list three queries a school.
    """
    chains = _chains(entries)
    if not chains:
        return []
    with transaction.atomic():
        heads = locked_heads(sorted(chains))
        events = [
            AuditEvent(actor=actor, **dict(zip(_ROW_COLUMNS, row, strict=True)))
            for row in _chained_rows(actor, chains, heads)
        ]
        AuditEvent.objects.bulk_create(events, batch_size=500)
        _save(heads)
    return events


def record_reads(*, actor: User | None, reads: Sequence[ReadNote], path: str) -> None:
    """The children whose records one page opened: a read event for each, on its school's
    chain; a read reached only through break glass is recorded against the grant.

    Every page that shows children writes these, a hundred or more on a register or a list.
    They go in as plain rows (COPY on PostgreSQL, as an import's events do; one batched insert
    on SQLite), not model instances: a nursery register's hundred reads took 12 ms as model
    instances and take 7 ms this way on PostgreSQL (``docs/early-years.md``).
    """
    by_school: dict[int | None, list[Entry]] = {}
    for note in reads:
        if note.break_glass_grant is not None:
            grant = Ref("BreakGlassGrant", note.break_glass_grant)
            entry = Entry(Action.BREAK_GLASS_READ, grant, note.pupil_id, {"page": path})
        else:
            child = Ref(note.object_type, note.pupil_id)
            entry = Entry(Action.RECORD_VIEWED, child, note.pupil_id, {"page": path})
        by_school.setdefault(note.school_id, []).append(entry)
    chains = _chains(by_school)
    if not chains:
        return
    with transaction.atomic():
        heads = locked_heads(sorted(chains))
        actor_id = actor.pk if actor else None
        changes = _ROW_COLUMNS.index("changes")  # stored as JSON text, as JSONField does
        insert_rows(
            AuditEvent,
            ("actor_id", *_ROW_COLUMNS),
            (
                (actor_id, *row[:changes], _json(row[changes]), *row[changes + 1 :])
                for row in _chained_rows(actor, chains, heads)
            ),
        )
        _save(heads)


# An event's columns as ``_chained_rows`` gives them: the hashed ones in their order, but for
# the actor (an instance or an id, as the caller writes it), then the two hashes.
_ROW_COLUMNS = (
    *(column for column in HASHED_COLUMNS if column != "actor_id"),
    "previous_hash",
    "entry_hash",
)


def _chains(
    entries: Mapping[int | None, Sequence[Entry]],
) -> dict[str, tuple[int | None, list[Entry]]]:
    return {
        chain_name(school_id): (school_id, list(found))
        for school_id, found in entries.items()
        if found
    }


def _chained_rows(
    actor: User | None,
    chains: Mapping[str, tuple[int | None, list[Entry]]],
    heads: Mapping[str, AuditChainHead],
) -> list[tuple[Any, ...]]:
    """Each entry as an event's values (``_ROW_COLUMNS``), hashed onto its chain, and each
    head moved past its new events (saved by the caller, after the events)."""
    now = timezone.now()
    key = chain_key()
    address = client_address()
    actor_id = actor.pk if actor else None
    label = str(actor) if actor else "system"
    rows: list[tuple[Any, ...]] = []
    for name in sorted(chains):
        school_id, found = chains[name]
        head = heads[name]
        previous = head.last_hash
        for entry in found:
            pupil = pupil_id_of(entry.obj) if entry.pupil is FROM_OBJECT else entry.pupil
            action, object_type = entry.action.value, _object_type(entry.obj)
            object_id, pupil_id = str(entry.obj.pk), _pupil_id(pupil)
            changes = _stored_changes(entry.obj, entry.changes)
            hashed = hashed_payload(
                school_id, actor_id, label, action, object_type, object_id, pupil_id, changes,
                address, now,
            )  # fmt: skip
            before, previous = previous, hashed_after(previous, hashed, key)
            rows.append(
                (school_id, label, action, object_type, object_id, pupil_id, changes, address,
                 now, before, previous)
            )  # fmt: skip
        advance(head, previous, len(found), key)
    return rows


def _save(heads: Mapping[str, AuditChainHead]) -> None:
    if len(heads) == 1:
        [head] = heads.values()
        head.save(update_fields=_HEAD_FIELDS)
    else:
        save_heads(list(heads.values()))


@dataclass(frozen=True, slots=True)
class PupilChanges:
    """One school's share of an action touching many children, for
    :func:`record_per_pupil_across`."""

    school_id: int
    obj: Any
    changes_by_pupil: Mapping[uuid.UUID, dict[str, Any]]


def record_per_pupil_across(
    action: Action, *, actor: User | None, shares: Sequence[PupilChanges]
) -> int:
    """One event per child for one action on each school's object (an import touching many
    children, in many schools).

    Each school's events join its own chain, exactly as ``record_many`` would write them,
    but built as plain rows and, on PostgreSQL, written with one COPY: a county's daily import
    touches 250,000 children, and building a model instance for each was half the import's
    time (``docs/county-scale.md``). The events are hashed as the COPY takes them, so the
    server stores each chunk while the next is hashed. Returns the number of events written.
    """
    shares = [share for share in shares if share.changes_by_pupil]
    if not shares:
        return 0
    with transaction.atomic():
        heads = locked_heads(sorted({chain_name(share.school_id) for share in shares}))
        at = timezone.now()
        address = client_address()
        written = 0
        lines: list[Iterator[str]] = []
        events: list[Iterator[AuditEvent]] = []
        for share in shares:
            head = heads[chain_name(share.school_id)]
            common = {
                "school_id": share.school_id,
                "actor_id": actor.pk if actor else None,
                "actor_label": str(actor) if actor else "system",
                "action": action.value,
                "object_type": _object_type(share.obj),
                "object_id": str(share.obj.pk),
                "ip_address": address,
                "at": at.isoformat(),
            }
            # Hashed as they are written, and each head moved once its last event is.
            rows = chain_per_pupil(
                head, common, share.changes_by_pupil, lambda c: _json(_masked(c))
            )
            written += len(share.changes_by_pupil)
            if connection.vendor == "postgresql":
                lines.append(_copy_lines(common, at, rows))
            else:
                events.append(_events(common, at, rows))
        if lines:
            copy_lines(AuditEvent._meta.db_table, _EVENT_COLUMNS, chain.from_iterable(lines))
        AuditEvent.objects.bulk_create(chain.from_iterable(events), batch_size=500)
        save_heads(list(heads.values()))
    return written


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


def _copy_lines(common: dict[str, Any], at: datetime, rows: Iterable[Chained]) -> Iterator[str]:
    """COPY text lines: the columns every event shares are written once."""
    prefix = "".join(f"{copy_text(value)}\t" for value in _shared(common, at))
    escaped: dict[str, str] = {}
    for pupil_id, changes, previous_hash, entry_hash in rows:
        text = escaped.get(changes) or escaped.setdefault(changes, copy_text(changes))
        yield f"{prefix}{pupil_id}\t{text}\t{previous_hash}\t{entry_hash}\n"


def _events(common: dict[str, Any], at: datetime, rows: Iterable[Chained]) -> Iterator[AuditEvent]:
    fixed = dict(zip(_EVENT_COLUMNS[:8], _shared(common, at), strict=True))
    for pupil_id, changes, previous_hash, entry_hash in rows:
        yield AuditEvent(
            **fixed,
            pupil_id=pupil_id,
            changes=json.loads(changes),
            previous_hash=previous_hash,
            entry_hash=entry_hash,
        )
