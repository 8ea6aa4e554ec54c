"""The audit record's chains: each event's hash covers the event and the one before it.

Each school has its own chain (events with no school form one more, ``system``), so recording a
read in one school never waits on another. The hash is keyed (HMAC-SHA-256) with a secret held
in the server's environment (``ATTUNE_AUDIT_KEY``), never in the database, so someone who can
write the database but does not hold the key cannot recompute the chain after editing or cutting
an event. Each chain's head carries the number of events and a signature over its end, so
the end cannot be moved either. Verification is in ``verify.py``; checkpoints kept outside the
database, which notice what the database alone cannot (a chain rolled back to an earlier,
genuinely signed end, or deleted with its head), are in ``checkpoints.py``.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import uuid
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings

from attune.auditlog.models import AuditChainHead
from attune.bulk import update_rows

if TYPE_CHECKING:
    from attune.auditlog.models import AuditEvent

GENESIS = "0" * 64


def chain_name(school_id: int | None) -> str:
    return f"school-{school_id}" if school_id is not None else "system"


def chain_key() -> bytes:
    """The secret every hash is keyed with (``settings.ATTUNE_AUDIT_KEY``)."""
    key: str = settings.ATTUNE_AUDIT_KEY
    return key.encode()


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str, separators=(",", ":"))


def entry_hash(previous_hash: str, payload: str, key: bytes | None = None) -> str:
    """The hash of one event: its payload (canonical JSON) after the previous event's hash."""
    message = f"{previous_hash}|{payload}".encode()
    return hmac.new(key or chain_key(), message, hashlib.sha256).hexdigest()


# The columns an event's hash covers, in the order ``payload`` takes them.
HASHED_COLUMNS = (
    "school_id",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "pupil_id",
    "changes",
    "ip_address",
    "at",
)


def payload(
    school_id: int | None,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    pupil_id: uuid.UUID | None,
    changes: Any,
    ip_address: str | None,
    at: datetime,
) -> str:
    """What an event's hash covers, as canonical JSON: the one definition, used on write and
    on verify (which reads plain rows, not model instances, to stay fast)."""
    return _json(
        {
            "school_id": school_id,
            "actor_id": actor_id,
            "actor_label": actor_label,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "pupil_id": str(pupil_id) if pupil_id else None,
            "changes": changes,
            "ip_address": ip_address,
            "at": at.isoformat(),
        }
    )


def event_hash(previous_hash: str, event: AuditEvent, key: bytes | None = None) -> str:
    fields = (getattr(event, column) for column in HASHED_COLUMNS)
    return entry_hash(previous_hash, payload(*fields), key)


def head_signature(chain: str, event_count: int, last_hash: str, key: bytes | None = None) -> str:
    """The HMAC a chain's head carries over where the chain ends."""
    message = f"head|{chain}|{event_count}|{last_hash}".encode()
    return hmac.new(key or chain_key(), message, hashlib.sha256).hexdigest()


def advance(head: AuditChainHead, last_hash: str, added: int, key: bytes | None = None) -> None:
    """Move a head past ``added`` new events ending at ``last_hash``, and sign it again."""
    head.last_hash = last_hash
    head.event_count += added
    head.signature = head_signature(head.chain, head.event_count, last_hash, key)


def head_is_signed(head: AuditChainHead, key: bytes | None = None) -> bool:
    expected = head_signature(head.chain, head.event_count, head.last_hash, key)
    return hmac.compare_digest(expected, head.signature)


class PerPupilPayload:
    """``_json({**common, "pupil_id": str(pupil_id), "changes": changes})`` for many pupils,
    with the text around the two varying values written once.

    An import hashes an event for each of up to 250,000 children; writing the same nine
    fields as JSON every time was most of that. The result is the same text, character for
    character (a test holds it to ``_json``), so verification still agrees.
    """

    def __init__(self, common: dict[str, Any]) -> None:
        # Stand-ins for the two values, marked so that no other value in the text is one of
        # them (a common value equal to a fixed stand-in once cut the text in the wrong place).
        for n in itertools.count():
            stand_ins = {"pupil_id": f"\x00pupil{n}\x00", "changes": f"\x00changes{n}\x00"}
            text = _json({**common, **stand_ins})
            pupil, changes = _json(stand_ins["pupil_id"]), _json(stand_ins["changes"])
            if text.count(pupil) == text.count(changes) == 1:
                break
        # Keys sort "changes" before "pupil_id", so the template reads a C b P c.
        self.before, rest = text.split(changes)
        self.between, self.after = rest.split(pupil)

    def __call__(self, pupil_id: Any, changes_json: str) -> str:
        # A UUID's text needs no escaping, so its JSON is the text in quotes.
        pupil = f'"{pupil_id}"' if isinstance(pupil_id, uuid.UUID) else _json(str(pupil_id))
        return f"{self.before}{changes_json}{self.between}{pupil}{self.after}"


# (pupil id, changes as JSON, previous hash, entry hash): one event's varying part.
Chained = tuple[uuid.UUID, str, str, str]


def chain_per_pupil(
    head: AuditChainHead,
    common: dict[str, Any],
    changes_by_pupil: Mapping[uuid.UUID, dict[str, Any]],
    masked_json: Any,
) -> Iterator[Chained]:
    """Each child's event hashed onto the chain, in order, as they are taken; once the last
    is taken, moves the head to it (and signs it again).

    Lazily, so that an import's events are written to the database while the next are
    hashed. ``masked_json(changes)`` writes one child's changes as they are stored.
    """
    previous = head.last_hash
    per_pupil = PerPupilPayload(common)
    secret = chain_key()
    keyed = hmac.new(secret, digestmod=hashlib.sha256)
    written: dict[tuple[Any, ...], str] = {}
    for pupil_id, changes in changes_by_pupil.items():
        # An import's changes repeat a handful of shapes ({"added": 2, ...}): each is written
        # as JSON once. The key carries each value's type, as 1, 1.0 and True are equal keys.
        try:
            key = tuple((name, type(value), value) for name, value in changes.items())
            text = written.get(key) or written.setdefault(key, masked_json(changes))
        except TypeError:  # a value that cannot be a key (a list, a dict)
            text = masked_json(changes)
        mac = keyed.copy()
        mac.update(f"{previous}|{per_pupil(pupil_id, text)}".encode())
        entry = mac.hexdigest()
        yield pupil_id, text, previous, entry
        previous = entry
    advance(head, previous, len(changes_by_pupil), secret)


def locked_heads(chains: list[str]) -> dict[str, AuditChainHead]:
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


def save_heads(heads: list[AuditChainHead], batch: int = 200) -> None:
    """Write moved heads back: one ``UPDATE … FROM (VALUES …)`` for up to ``batch`` heads.

    An import moves 600 heads at once; ``bulk_update`` builds a ``CASE`` per field per head in
    Python, and for the three fields a head now has that took a quarter of a second of the
    county import's CPU, and most of a second of its wall time (PostgreSQL and SQLite 3.33+
    both take this form).
    """
    update_rows(
        AuditChainHead,
        "chain",
        ["last_hash", "event_count", "signature"],
        [(head.chain, head.last_hash, head.event_count, head.signature) for head in heads],
        casts={"event_count": "BIGINT"},
        batch=batch,
    )
