"""Re-key the audit record: hashes written with plain SHA-256 become HMAC-SHA-256 with the
server's key (``ATTUNE_AUDIT_KEY``), and each chain's head gets its count and signature.

Nothing is rewritten until every chain has been checked under the rule it was written with:
if one fails, the migration stops and names the first bad event, because re-keying a chain that
was already altered would seal the alteration in. A chain may end in events that are already
keyed (written by a server that ran the keyed code before this migration); once an event is
keyed, every later one must be too. Then each chain is rewritten in id order, in batches, in
this migration's one transaction: a failure leaves every chain as it was.

The hashing rules are copied here, not imported, so that a later change to the live code
cannot change what this migration does. Reversing it writes plain SHA-256 hashes again.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections, migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

GENESIS = "0" * 64
BATCH = 5000
Rule = Callable[[str, str], str]  # (previous hash, payload) -> entry hash


class ChainBroken(Exception):
    """A chain failed its check before re-keying: the migration refuses to seal it."""


def plain(previous: str, payload: str) -> str:
    return hashlib.sha256(f"{previous}|{payload}".encode()).hexdigest()


def keyed(key: bytes) -> Rule:
    def rule(previous: str, payload: str) -> str:
        return hmac.new(key, f"{previous}|{payload}".encode(), hashlib.sha256).hexdigest()

    return rule


def payload(event: Any) -> str:
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
    return json.dumps(fields, sort_keys=True, default=str, separators=(",", ":"))


def chain_name(school_id: int | None) -> str:
    return f"school-{school_id}" if school_id is not None else "system"


def head_signature(key: bytes, chain: str, count: int, last_hash: str) -> str:
    message = f"head|{chain}|{count}|{last_hash}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


COLUMNS = (
    "id",
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
    "previous_hash",
    "entry_hash",
)


def batches(events: Any) -> Iterator[list[Any]]:
    """Every event in id order as plain rows (named tuples: a model instance each made a
    county's migration several times slower), a batch at a time, each batch its own query
    (keyset): safe to update the rows already read, on SQLite as on PostgreSQL."""
    last = 0
    rows = events.order_by("id").values_list(*COLUMNS, named=True)
    while batch := list(rows.filter(id__gt=last)[:BATCH]):
        yield batch
        last = batch[-1].id


def update_hashes(events: Any, hashes: list[tuple[int, str, str]], size: int = 300) -> None:
    """Write (id, previous hash, entry hash) back, ``size`` rows a statement (under SQLite's
    oldest limit of 999 parameters): ``bulk_update`` builds a CASE per row in Python and was
    most of the migration's time."""
    connection = connections[events.db]
    table = connection.ops.quote_name(events.model._meta.db_table)
    for start in range(0, len(hashes), size):
        chunk = hashes[start : start + size]
        values = ", ".join(["(CAST(%s AS BIGINT), %s, %s)"] * len(chunk))
        sql = (
            f"WITH rehashed (id, previous_hash, entry_hash) AS (VALUES {values}) "
            f"UPDATE {table} SET previous_hash = rehashed.previous_hash, "
            f"entry_hash = rehashed.entry_hash FROM rehashed WHERE {table}.id = rehashed.id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [value for row in chunk for value in row])


@dataclass
class End:
    hash: str = GENESIS
    count: int = 0
    last_id: int = 0
    second_rule: bool = False  # once an event is in the second rule, the rest must be too


def check(events: Any, heads: Any, first: Rule, second: Rule | None = None) -> None:
    """Check each chain under ``first`` (events may switch to ``second`` part way, never
    back); raise ChainBroken naming the first bad event, or the chain whose end is missing."""
    ends: dict[str, End] = {}
    for batch in batches(events):
        for event in batch:
            end = ends.setdefault(chain_name(event.school_id), End())
            text = payload(event)
            if event.previous_hash != end.hash:
                raise ChainBroken(f"Audit event {event.id} does not follow the event before it.")
            if not end.second_rule and first(end.hash, text) == event.entry_hash:
                pass
            elif second is not None and second(end.hash, text) == event.entry_hash:
                end.second_rule = True
            else:
                raise ChainBroken(f"Audit event {event.id} was changed after it was written.")
            end.hash, end.count, end.last_id = event.entry_hash, end.count + 1, event.id
    names = {head.chain: head.last_hash for head in heads.all()}
    for name in sorted(names.keys() | ends.keys()):
        end = ends.get(name, End())
        last = f"its last event is {end.last_id or 'gone'}"
        if name not in names:
            raise ChainBroken(f"The audit chain {name} has no head ({last}).")
        if names[name] != end.hash:
            raise ChainBroken(f"The audit chain {name} does not end where its head says ({last}).")


def rewrite(events: Any, heads: Any, rule: Rule, key: bytes) -> None:
    """Hash every event again under ``rule``, in id order, and sign each head."""
    ends: dict[str, End] = {}
    for batch in batches(events):
        hashes = []
        for event in batch:
            end = ends.setdefault(chain_name(event.school_id), End())
            previous, end.hash = end.hash, rule(end.hash, payload(event))
            end.count += 1
            hashes.append((event.id, previous, end.hash))
        update_hashes(events, hashes)
    for head in heads.all():
        end = ends.get(head.chain, End())
        head.last_hash, head.event_count = end.hash, end.count
        head.signature = head_signature(key, head.chain, end.count, end.hash)
        head.save(update_fields=["last_hash", "event_count", "signature"])


def _models(apps: StateApps) -> tuple[Any, Any]:
    event = apps.get_model("auditlog", "AuditEvent")
    head = apps.get_model("auditlog", "AuditChainHead")
    return event.objects.all(), head.objects


def key_the_chains(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    key = settings.ATTUNE_AUDIT_KEY.encode()
    events, heads = _models(apps)
    check(events, heads, plain, keyed(key))
    rewrite(events, heads, keyed(key), key)


def unkey_the_chains(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    key = settings.ATTUNE_AUDIT_KEY.encode()
    events, heads = _models(apps)
    check(events, heads, keyed(key))
    rewrite(events, heads, plain, key)


class Migration(migrations.Migration):
    dependencies = [
        ("auditlog", "0004_head_count_and_signature"),
    ]

    operations = [
        migrations.RunPython(key_the_chains, unkey_the_chains, elidable=False),
    ]
