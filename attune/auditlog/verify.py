"""Checking the audit record's chains for edits, cuts and rollbacks.

One pass over every event in id order (a server-side cursor on PostgreSQL: a county holds tens
of millions), recomputing each chain with the server's key; then each chain's end is compared
with its head (signed, in the database) and with its latest checkpoint (signed, outside it:
``checkpoints.py``). Verification only reads.

What each piece catches, for someone who can write the database but does not hold the key:
an edited event, or events cut from the middle, fail their hash (recomputing the chain needs
the key); events cut from the end leave the head pointing past the new end, and the head
cannot be moved without the key; a head put back from an old copy (a genuine, earlier end),
or a chain deleted with its head, is caught only by the checkpoint, which the database's
writer cannot reach.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils import timezone

from attune.auditlog import checkpoints
from attune.auditlog.chain import GENESIS, HASHED_COLUMNS, chain_key, chain_name, head_is_signed
from attune.auditlog.chain import payload as event_payload
from attune.auditlog.checkpoints import BROKEN, Checkpoint
from attune.auditlog.models import AuditChainHead, AuditEvent

if TYPE_CHECKING:
    from attune.people.models import School

_COLUMNS = ("id", *HASHED_COLUMNS, "previous_hash", "entry_hash")
_CHUNK = 5000


@dataclass(frozen=True, slots=True)
class Problem:
    """What is wrong with one chain, in words, and the event it concerns: the first bad event,
    or the last one left when events are missing from the end (None when none is left)."""

    chain: str
    text: str
    event_id: int | None = None
    at_event: bool = True  # False when events are missing after ``event_id``


@dataclass(slots=True)
class ChainEnd:
    """How far one chain verified: its count, last event and last hash."""

    events: int = 0
    last_id: int | None = None
    last_hash: str = GENESIS
    problem: Problem | None = None


@dataclass(slots=True)
class Outcome:
    ends: dict[str, ChainEnd] = field(default_factory=dict)
    bad_lines: list[checkpoints.BadLine] = field(default_factory=list)
    events_read: int = 0
    finished_at: datetime = field(default_factory=timezone.now)

    @property
    def problems(self) -> list[Problem]:
        return [end.problem for _, end in sorted(self.ends.items()) if end.problem]

    @property
    def intact(self) -> bool:
        return not self.problems and not self.bad_lines

    def checkpoints(self) -> list[Checkpoint]:
        """A line for each chain checked: intact, or broken with what was found (an altered
        line in the chain's own checkpoint file counts, so the head sees that too)."""
        altered = {bad.path.name.removesuffix(".jsonl"): bad.number for bad in self.bad_lines}
        lines = []
        for name, end in sorted(self.ends.items()):
            problem = end.problem.text if end.problem else ""
            if not problem and name in altered:
                problem = f"Line {altered[name]} of this chain's checkpoint file was altered."
            lines.append(
                Checkpoint(
                    chain=name,
                    events=end.events,
                    last_event_id=end.last_id,
                    last_hash=end.last_hash,
                    at=self.finished_at,
                    result=BROKEN if problem else checkpoints.INTACT,
                    problem=problem,
                )
            )
        return lines


def verify_chains(only: str | None = None, *, use_checkpoints: bool = True) -> Outcome:
    """Check every chain (or the one named ``only``); see the module's docstring."""
    with _reading():
        return _verify(only, use_checkpoints)


@contextmanager
def _reading() -> Iterator[None]:
    """On PostgreSQL, one read-only transaction: the database itself then refuses any write,
    and the cursor streams rows as they are read (outside a transaction Django declares it
    WITH HOLD, and PostgreSQL first copies the whole result aside). SQLite takes its write
    lock at the start of every transaction here (``IMMEDIATE``), so there it runs without."""
    if connection.vendor != "postgresql":
        yield
        return
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost:  # (inside a test's transaction it is too late to say so)
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION READ ONLY")
        yield


def _verify(only: str | None, use_checkpoints: bool) -> Outcome:
    key = chain_key()
    # Heads first: events appended while the stream runs are then extra, never missing.
    heads = {head.chain: head for head in _heads(only)}
    history = checkpoints.read(only) if use_checkpoints else checkpoints.History()
    outcome = Outcome(bad_lines=history.bad_lines)
    ends = outcome.ends
    keyed = hmac.new(key, digestmod=hashlib.sha256)
    for row in _stream(only):
        event_id, *hashed, previous_hash, entry_hash = row
        name = chain_name(hashed[0])
        end = ends.get(name) or ends.setdefault(name, ChainEnd())
        outcome.events_read += 1
        if end.problem:
            continue  # the first problem is the one to investigate; the rest follows from it
        if previous_hash != end.last_hash:
            end.problem = _bad_event(name, row, "does not follow the event before it in the chain")
            continue
        mac = keyed.copy()
        mac.update(f"{previous_hash}|{event_payload(*hashed)}".encode())
        if not hmac.compare_digest(mac.hexdigest(), entry_hash):
            end.problem = _bad_event(name, row, "was changed after it was written")
            continue
        mark = history.latest.get(name)
        if mark and end.events < mark.events:
            end.problem = _against_checkpoint(name, row, end, mark)
            if end.problem:
                continue
        end.events += 1
        end.last_id, end.last_hash = event_id, entry_hash
    if only is not None:
        ends.setdefault(only, ChainEnd())  # a school with no events yet is checked too
    for name in sorted(heads.keys() | history.latest.keys()):
        end = ends.setdefault(name, ChainEnd())
        if not end.problem:
            end.problem = _end_problem(name, end, heads.get(name), history.latest.get(name), key)
    _headless(ends, heads, key)
    return outcome


def _heads(only: str | None) -> list[AuditChainHead]:
    heads = AuditChainHead.objects.order_by("chain")
    return list(heads if only is None else heads.filter(chain=only))


def _stream(only: str | None) -> Iterator[tuple[Any, ...]]:
    events = AuditEvent.objects.order_by("id")
    if only is not None:
        school_id = school_of_chain(only)
        events = (
            events.filter(school__isnull=True)
            if school_id is None
            else events.filter(school_id=school_id)
        )
    return events.values_list(*_COLUMNS).iterator(chunk_size=_CHUNK)


def school_of_chain(chain: str) -> int | None:
    return int(chain.removeprefix("school-")) if chain.startswith("school-") else None


def _bad_event(chain: str, row: tuple[Any, ...], what: str) -> Problem:
    event_id, action, at = row[0], row[1 + HASHED_COLUMNS.index("action")], row[-3]
    return Problem(chain, f"Event {event_id} ({moment(at)}, {action}) {what}.", event_id)


def moment(at: datetime) -> str:
    """A time in words a person checks against the trail page: 7 Dec 2026 09:14:03."""
    local = timezone.localtime(at)
    return f"{local.day} {local:%b %Y %H:%M:%S}"


def _against_checkpoint(
    chain: str, row: tuple[Any, ...], end: ChainEnd, mark: Checkpoint
) -> Problem | None:
    """An event the latest checkpoint covers must be one it saw: no newer than its last event,
    and, at its count, that very event. A chain deleted with its head and begun again, or
    rebuilt, fails here at its first event that differs."""
    event_id, entry_hash = row[0], row[-1]
    if event_id > (mark.last_event_id or 0):
        return _bad_event(
            chain,
            row,
            f"is newer than {_when(mark)}, which found {_events(mark.events)} up to event "
            f"{mark.last_event_id}, yet only {end.events:,} come before it: events are missing "
            "before it",
        )
    if end.events + 1 == mark.events and entry_hash != mark.last_hash:
        return _bad_event(chain, row, f"is not the event {_when(mark)} found at that place")
    return None


def _when(mark: Checkpoint) -> str:
    return f"the check of {moment(mark.at)}"


def _end_problem(
    chain: str, end: ChainEnd, head: AuditChainHead | None, mark: Checkpoint | None, key: bytes
) -> Problem | None:
    if mark and end.events < mark.events:
        found = f"{_when(mark)} found {_events(mark.events)} up to event {mark.last_event_id}"
        return _missing(chain, end, found)
    if head is None:
        return None  # a chain with events and no head is looked at once the stream is done
    if not head_is_signed(head, key):
        verified = f"up to event {end.last_id}" if end.last_id else "with no events left"
        return Problem(
            chain,
            "The chain's head was changed without the server's key (it no longer matches its "
            f"signature); the chain itself verified {verified}.",
            end.last_id,
            at_event=False,
        )
    if end.events < head.event_count:
        return _missing(chain, end, f"its head counts {_events(head.event_count)}")
    if end.events == head.event_count and end.last_hash != head.last_hash:
        return Problem(chain, "The chain does not end where its head says.", end.last_id, False)
    return None


def _missing(chain: str, end: ChainEnd, expected: str) -> Problem:
    if end.events == 0:
        text = f"The whole chain is missing: {expected}."
    else:
        text = (
            f"Events are missing from the end of the chain: it now ends at event "
            f"{end.last_id} with {_events(end.events)}, but {expected}."
        )
    return Problem(chain, text, end.last_id, at_event=False)


def _events(count: int) -> str:
    return f"{count:,} event{'' if count == 1 else 's'}"


def _headless(ends: dict[str, ChainEnd], heads: dict[str, AuditChainHead], key: bytes) -> None:
    """A chain with events and no head: either it began while the stream ran (its head is
    there now), or its head was deleted."""
    names = [name for name, end in ends.items() if name not in heads and not end.problem]
    found = {head.chain: head for head in AuditChainHead.objects.filter(chain__in=names)}
    for name in names:
        head, end = found.get(name), ends[name]
        if head is None and end.events:
            end.problem = Problem(name, "The chain's head is missing.", end.last_id, at_event=False)
        elif head is not None and not head_is_signed(head, key):
            end.problem = Problem(
                name, "The chain's head was changed without the server's key.", end.last_id, False
            )


def audit_chain_verify(school: School | None = None) -> int | None:
    """The first bad event of every chain (or one school's), recomputed from the database
    alone: its id, the last surviving id when events were cut from the end (0 when none is
    left), or None when the chains hold. ``attune audit_verify`` also checks the checkpoints."""
    outcome = verify_chains(
        chain_name(school.pk) if school is not None else None, use_checkpoints=False
    )
    at_events = [p.event_id for p in outcome.problems if p.at_event and p.event_id]
    if at_events:
        return min(at_events)
    for problem in outcome.problems:
        return problem.event_id or 0
    return None
