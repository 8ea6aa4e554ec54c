"""Signed checkpoints of the audit record's chains, kept outside the database.

After ``attune audit_verify`` has checked a chain it appends one line to that chain's file in
``settings.ATTUNE_AUDIT_CHECKPOINT_DIR`` (``school-12.jsonl``, ``system.jsonl``): how many
events the chain held, the last one's id and hash, when, and whether it was intact, signed with
the server's key. The next check compares the chain with its latest intact checkpoint, which
notices what the database alone cannot: a chain rolled back to an earlier end (its head
restored from an old copy, so genuinely signed) or a whole chain deleted with its head. The
audit-trail page reads the latest line to say when the school's chain was last checked.

A line, one per check (``problem`` only when the result is ``broken``)::

    {"at":"2026-12-07T02:00:04.118204+00:00","chain":"school-12","events":40120,
     "last_event_id":51234,"last_hash":"9f2c…","result":"intact","mac":"41d0…"}

Lines are only ever appended; nothing here reads or writes the database.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings

from attune.auditlog.chain import chain_key, chain_name

INTACT, BROKEN = "intact", "broken"
# A nightly check older than this has probably stopped running: the page says so.
STALE_AFTER = timedelta(hours=48)
_CHAIN_FILE = re.compile(r"^(school-[0-9]+|system)\.jsonl$")


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """One check of one chain. For a broken chain, the counts describe the part that held."""

    chain: str
    events: int
    last_event_id: int | None
    last_hash: str
    at: datetime
    result: str = INTACT
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.result == INTACT

    def fields(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "chain": self.chain,
            "events": self.events,
            "last_event_id": self.last_event_id,
            "last_hash": self.last_hash,
            "at": self.at.isoformat(),
            "result": self.result,
        }
        if self.problem:
            values["problem"] = self.problem
        return values


@dataclass(frozen=True, slots=True)
class BadLine:
    """A line whose signature does not match what it says (or that cannot be read at all)."""

    path: Path
    number: int


@dataclass(slots=True)
class History:
    """What a check needs from the files: each chain's latest intact checkpoint, and any line
    that was altered."""

    latest: dict[str, Checkpoint] = field(default_factory=dict)
    bad_lines: list[BadLine] = field(default_factory=list)


def directory() -> Path:
    return Path(settings.ATTUNE_AUDIT_CHECKPOINT_DIR)


def _path(chain: str) -> Path:
    return directory() / f"{chain}.jsonl"


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _signature(fields: dict[str, Any]) -> str:
    message = f"checkpoint|{_json(fields)}".encode()
    return hmac.new(chain_key(), message, hashlib.sha256).hexdigest()


def line(checkpoint: Checkpoint) -> str:
    fields = checkpoint.fields()
    return _json({**fields, "mac": _signature(fields)}) + "\n"


def append(checkpoints: Iterable[Checkpoint]) -> None:
    """Add a line to each chain's file. Each line is one small append (``O_APPEND``), so a
    second check running at the same time cannot interleave with it; flushed to disk before
    returning, as a check that reports success should leave its evidence behind."""
    folder = directory()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    for checkpoint in checkpoints:
        descriptor = os.open(_path(checkpoint.chain), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(descriptor, line(checkpoint).encode())
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def parse(text: str) -> Checkpoint | None:
    """The checkpoint a line records, or None when the line was altered or is not one."""
    try:
        values = json.loads(text)
        mac = values.pop("mac")
        if not isinstance(mac, str) or not hmac.compare_digest(_signature(values), mac):
            return None
        return Checkpoint(
            chain=values["chain"],
            events=int(values["events"]),
            last_event_id=values["last_event_id"],
            last_hash=values["last_hash"],
            at=datetime.fromisoformat(values["at"]),
            result=values["result"],
            problem=values.get("problem", ""),
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def read(only: str | None = None) -> History:
    """Every chain's file (or one chain's), each line's signature checked."""
    history = History()
    if only is not None:
        paths = [_path(only)]
    elif directory().is_dir():
        paths = sorted(p for p in directory().iterdir() if _CHAIN_FILE.match(p.name))
    else:
        paths = []
    for path in paths:
        if not path.is_file():
            continue
        chain = path.name.removesuffix(".jsonl")
        with path.open(encoding="utf-8", errors="replace") as lines:
            for number, text in enumerate(lines, start=1):
                if not text.strip():
                    continue
                checkpoint = parse(text)
                if checkpoint is None or checkpoint.chain != chain:
                    history.bad_lines.append(BadLine(path, number))
                elif checkpoint.intact:
                    history.latest[chain] = checkpoint
    return history


def latest(chain: str) -> Checkpoint | BadLine | None:
    """The latest line of one chain's file (the last check, whatever it found), read from the
    end: the audit-trail page asks on every visit, and the file grows by a line a night."""
    path = _path(chain)
    try:
        text = _last_line(path)
    except FileNotFoundError:
        return None
    if text is None:
        return None
    checkpoint = parse(text)
    if checkpoint is None or checkpoint.chain != chain:
        return BadLine(path, 0)
    return checkpoint


def _last_line(path: Path, block: int = 4096) -> str | None:
    with path.open("rb") as file:
        end = file.seek(0, os.SEEK_END)
        tail = b""
        while end > 0:
            start = max(0, end - block)
            file.seek(start)
            tail = file.read(end - start) + tail
            end = start
            lines = tail.rstrip(b"\n").split(b"\n")
            if len(lines) > 1 or start == 0:
                last = lines[-1].decode("utf-8", errors="replace")
                return last if last.strip() else None
    return None


@dataclass(frozen=True, slots=True)
class LastCheck:
    """What the audit-trail page says about the school's latest check (never checked when
    ``at`` is None and there is no problem)."""

    at: datetime | None = None
    intact: bool = False
    problem: str = ""
    stale: bool = False


def last_check(school_id: int, now: datetime) -> LastCheck:
    """The school's latest check, read from its checkpoint file (outside the database, so
    someone who can edit the database cannot make a failed check look passed)."""
    found = latest(chain_name(school_id))
    if found is None:
        return LastCheck()
    if isinstance(found, BadLine):
        return LastCheck(
            problem="The record of the last check was altered, so it can't be trusted."
        )
    return LastCheck(found.at, found.intact, found.problem, now - found.at > STALE_AFTER)
