"""``attune audit_verify`` against someone who can write the database but lacks the key.

Each attack is made the way such a person would make it: rows edited or deleted with plain
SQL, hashes recomputed with plain SHA-256 (all they can compute), heads moved or put back from
an earlier copy. Each must fail the check, exit 1 and name the event or what is missing.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from attune.auditlog.actions import Action
from attune.auditlog.chain import HASHED_COLUMNS, chain_name, payload
from attune.auditlog.context import ReadNote
from attune.auditlog.models import AuditChainHead, AuditEvent
from attune.auditlog.record import record, record_reads
from attune.auditlog.verify import audit_chain_verify, moment
from attune.testing import SchoolWorld

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


def audit_verify(*args: str) -> Run:
    """The command as cron runs it: the exit code, what it printed and what it complained."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit_verify", *args, stdout=out, stderr=err)
    except CommandError as error:
        return Run(error.returncode, out.getvalue(), f"{err.getvalue()}{error}")
    return Run(0, out.getvalue(), err.getvalue())


@contextmanager
def statements() -> Iterator[list[str]]:
    """The SQL run inside the block."""
    seen: list[str] = []

    def watch(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        yield seen


def steps(world: SchoolWorld, count: int) -> list[AuditEvent]:
    return [
        record(Action.RECORD_VIEWED, world.child, actor=world.teacher, changes={"n": n})
        for n in range(count)
    ]


def head_of(world: SchoolWorld) -> AuditChainHead:
    return AuditChainHead.objects.get(chain=chain_name(world.school.pk))


def named(run: Run, event: AuditEvent) -> bool:
    """The complaint names the event: its id, its time and its action, and the school."""
    return f"Event {event.pk} ({moment(event.at)}, {event.action})" in run.err


def test_times_are_written_as_people_read_them() -> None:
    assert moment(datetime(2026, 12, 7, 9, 14, 3, tzinfo=UTC)) == "7 Dec 2026 09:14:03"
    assert moment(datetime(2026, 7, 1, 9, 0, tzinfo=UTC)) == "1 Jul 2026 10:00:00"  # BST


def test_a_fresh_install_with_no_events_and_no_checkpoint_verifies(checkpoint_dir: Path) -> None:
    run = audit_verify()

    assert run.code == 0
    assert "The audit record is intact: 0 chains, 0 events" in run.out


def test_an_intact_record_verifies_and_leaves_a_signed_checkpoint(
    world: SchoolWorld, other_world: SchoolWorld, checkpoint_dir: Path
) -> None:
    ours, theirs = steps(world, 3), steps(other_world, 2)

    run = audit_verify("-v", "2")

    assert run.code == 0, run.err
    assert "2 chains, 5 events" in run.out
    school = f"Hollybrook Primary School, URN 100001 (chain school-{world.school.pk})"
    assert f"{school}: intact, 3 events up to event {ours[-1].pk}." in run.out
    [line] = (checkpoint_dir / f"school-{other_world.school.pk}.jsonl").read_text().splitlines()
    written = json.loads(line)
    assert written["chain"] == f"school-{other_world.school.pk}"
    assert (written["events"], written["last_event_id"]) == (2, theirs[-1].pk)
    assert written["last_hash"] == theirs[-1].entry_hash
    assert written["result"] == "intact" and len(written["mac"]) == 64
    assert audit_verify().code == 0  # and again, against the checkpoint just written


# (a) An edited event.
def test_an_edited_event_is_named(world: SchoolWorld) -> None:
    events = steps(world, 5)
    assert audit_verify().code == 0

    AuditEvent.objects.filter(pk=events[2].pk).update(changes={"n": 99})

    run = audit_verify()
    assert run.code == 1
    assert named(run, events[2]) and "was changed after it was written" in run.err
    assert f"Hollybrook Primary School, URN 100001 (chain school-{world.school.pk})" in run.err
    assert "1 problem," in run.err


# (b) A deleted middle event, every later hash recomputed with plain SHA-256, the head moved.
def test_a_deleted_middle_event_with_the_chain_recomputed_is_named(world: SchoolWorld) -> None:
    events = steps(world, 6)
    assert audit_verify().code == 0

    AuditEvent.objects.filter(pk=events[2].pk).delete()
    previous = events[1].entry_hash
    for event in AuditEvent.objects.filter(pk__gt=events[2].pk).order_by("id"):
        event.previous_hash = previous
        text = payload(*(getattr(event, column) for column in HASHED_COLUMNS))
        event.entry_hash = previous = hashlib.sha256(f"{previous}|{text}".encode()).hexdigest()
        event.save(update_fields=["previous_hash", "entry_hash"])
    AuditChainHead.objects.filter(chain=chain_name(world.school.pk)).update(
        last_hash=previous, event_count=5
    )

    run = audit_verify()
    assert run.code == 1
    assert named(run, events[3]) and "was changed after it was written" in run.err
    assert audit_chain_verify(world.school) == events[3].pk  # the database alone sees it too


# (c) A deleted tail with the head moved back to the new last event.
@pytest.mark.parametrize("head", ["forged", "put back from an earlier copy"])
def test_a_deleted_tail_with_the_head_moved_back_is_caught(world: SchoolWorld, head: str) -> None:
    events = steps(world, 3)
    earlier = head_of(world)  # a genuine, signed head: what a database backup would hold
    events += steps(world, 2)
    assert audit_verify().code == 0

    AuditEvent.objects.filter(pk__in=[events[3].pk, events[4].pk]).delete()
    if head == "forged":
        moved = {"last_hash": events[2].entry_hash, "event_count": 3, "signature": "0" * 64}
    else:
        moved = {f: getattr(earlier, f) for f in ("last_hash", "event_count", "signature")}
    AuditChainHead.objects.filter(chain=earlier.chain).update(**moved)

    run = audit_verify()
    assert run.code == 1
    assert (
        f"Events are missing from the end of the chain: it now ends at event {events[2].pk} "
        f"with 3 events, but the check of " in run.err
    )
    assert f"found 5 events up to event {events[4].pk}." in run.err


def test_without_a_checkpoint_only_a_forged_head_shows_a_cut_tail(world: SchoolWorld) -> None:
    """Why checkpoints exist: a head put back from an earlier copy is genuinely signed, so the
    database alone cannot tell the cut; a forged head can be told."""
    events = steps(world, 3)
    earlier = head_of(world)
    steps(world, 2)
    AuditEvent.objects.filter(pk__gt=events[2].pk).delete()
    earlier.save()

    assert audit_chain_verify(world.school) is None

    AuditChainHead.objects.filter(chain=earlier.chain).update(signature="0" * 64)
    assert audit_chain_verify(world.school) == events[2].pk
    assert "head was changed without the server's key" in audit_verify().err


# (d) A school's whole chain and its head deleted.
@pytest.mark.parametrize("afterwards", ["nothing", "the school carries on"])
def test_a_deleted_chain_and_head_are_caught(
    world: SchoolWorld, other_world: SchoolWorld, afterwards: str
) -> None:
    ours, theirs = steps(world, 4), steps(other_world, 2)
    assert audit_verify().code == 0

    AuditEvent.objects.filter(school=world.school).delete()
    AuditChainHead.objects.filter(chain=chain_name(world.school.pk)).delete()
    if afterwards == "the school carries on":
        [new] = steps(world, 1)  # a new chain starts, with a new, genuinely signed head

    run = audit_verify()
    assert run.code == 1
    if afterwards == "nothing":
        assert (
            "The whole chain is missing: the check of " in run.err
            and f"found 4 events up to event {ours[-1].pk}." in run.err
        )
    else:
        assert named(run, new) and f"which found 4 events up to event {ours[-1].pk}" in run.err
    assert f"school-{other_world.school.pk}" not in run.err  # the other school's chain holds
    assert theirs  # (written, and untouched)


def test_an_edited_checkpoint_line_is_reported(world: SchoolWorld, checkpoint_dir: Path) -> None:
    steps(world, 5)
    assert audit_verify().code == 0
    path = checkpoint_dir / f"school-{world.school.pk}.jsonl"
    text = path.read_text()
    # Someone who can write the files but lacks the key lowers the count, hoping to hide a cut.
    path.write_text(text.replace('"events":5', '"events":3'))

    run = audit_verify()

    assert run.code == 1
    assert f"A checkpoint line was altered (its signature does not match): {path}, line 1." in (
        run.err
    )
    last = json.loads(path.read_text().splitlines()[-1])  # and the head sees it on the page
    assert last["result"] == "broken"
    assert last["problem"] == "Line 1 of this chain's checkpoint file was altered."


def test_a_checkpoint_written_after_a_failure_does_not_hide_it(world: SchoolWorld) -> None:
    """A failed check writes a line saying so; the next check still compares with the last
    intact one, so the failure keeps showing until someone deals with it."""
    events = steps(world, 4)
    assert audit_verify().code == 0
    AuditEvent.objects.filter(pk=events[3].pk).delete()
    AuditChainHead.objects.filter(chain=chain_name(world.school.pk)).delete()

    assert audit_verify().code == 1
    assert audit_verify().code == 1


def test_checking_never_writes_to_the_audit_record(
    world: SchoolWorld, other_world: SchoolWorld
) -> None:
    events = steps(world, 3) + steps(other_world, 3)
    AuditEvent.objects.filter(pk=events[1].pk).update(changes={"n": 7})
    before = list(AuditEvent.objects.values_list("id", "entry_hash", "changes").order_by("id"))
    heads = list(AuditChainHead.objects.values_list().order_by("chain"))

    with statements() as run:
        assert audit_verify().code == 1
        assert audit_verify("--school", other_world.school.urn).code == 0

    reads = ("SELECT", "SAVEPOINT", "RELEASE SAVEPOINT", "SET TRANSACTION READ ONLY")
    assert run and [sql for sql in run if not sql.lstrip().upper().startswith(reads)] == []
    assert list(AuditEvent.objects.values_list("id", "entry_hash", "changes")) == before
    assert list(AuditChainHead.objects.values_list().order_by("chain")) == heads


def test_the_check_streams_with_a_fixed_number_of_queries(
    world: SchoolWorld, other_world: SchoolWorld
) -> None:
    """No query per event (a county holds tens of millions)."""
    counts = []
    for _ in range(2):
        steps(world, 30)
        steps(other_world, 30)
        with statements() as run:
            assert audit_verify().code == 0
        counts.append(len(run))
    assert counts[0] == counts[1]


def test_one_school_is_checked_on_its_own(
    world: SchoolWorld, other_world: SchoolWorld, checkpoint_dir: Path
) -> None:
    steps(world, 2)
    [theirs] = steps(other_world, 1)
    AuditEvent.objects.filter(pk=theirs.pk).update(actor_label="Someone else")

    run = audit_verify("--school", world.school.urn, "-v", "2")

    assert run.code == 0, run.err
    assert "1 chain, 2 events" in run.out
    assert [p.name for p in checkpoint_dir.iterdir()] == [f"school-{world.school.pk}.jsonl"]
    assert audit_verify("--school", other_world.school.urn).code == 1
    with pytest.raises(CommandError, match="We don't have a school with URN 999999"):
        call_command("audit_verify", "--school", "999999")


def test_a_school_with_no_events_yet_is_checked_too(world: SchoolWorld) -> None:
    assert audit_verify("--school", world.school.urn).code == 0


def test_quiet_prints_nothing_unless_something_is_wrong(world: SchoolWorld) -> None:
    events = steps(world, 2)

    quiet = audit_verify("-v", "0")
    assert (quiet.code, quiet.out, quiet.err) == (0, "", "")

    AuditEvent.objects.filter(pk=events[0].pk).update(ip_address="198.51.100.9")
    loud = audit_verify("-v", "0")
    assert loud.code == 1 and loud.out == "" and named(loud, events[0])


def test_a_checkpoint_that_cannot_be_written_fails_the_run(
    world: SchoolWorld, settings: Any, tmp_path: Path
) -> None:
    steps(world, 1)
    (tmp_path / "a-file").write_text("")
    settings.ATTUNE_AUDIT_CHECKPOINT_DIR = tmp_path / "a-file" / "checkpoints"

    run = audit_verify()

    assert run.code == 1 and "its checkpoint could not be written to" in run.err


def test_events_without_a_head_are_caught(world: SchoolWorld) -> None:
    events = steps(world, 2)
    AuditChainHead.objects.all().delete()

    run = audit_verify()

    assert run.code == 1 and "The chain's head is missing." in run.err
    assert audit_chain_verify() == events[-1].pk


def _database_url() -> str:
    """The test database, for a command run in a process of its own."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_the_command_exits_non_zero_from_the_shell(
    world: SchoolWorld, checkpoint_dir: Path
) -> None:
    """What cron sees: the exit status, and the complaint on standard error."""
    events = steps(world, 2)
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "ATTUNE_AUDIT_CHECKPOINT_DIR": str(checkpoint_dir),
    }

    def shell() -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "attune.cli", "audit_verify", "-v", "0"]
        return subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603

    passed = shell()
    assert (passed.returncode, passed.stdout, passed.stderr) == (0, "", "")
    AuditEvent.objects.filter(pk=events[1].pk).update(changes={"n": 5})
    failed = shell()
    assert failed.returncode == 1 and failed.stdout == ""
    assert f"Event {events[1].pk} (" in failed.stderr


def test_a_pages_reads_across_schools_verify_among_the_events_around_them(
    world: SchoolWorld, other_world: SchoolWorld, checkpoint_dir: Path
) -> None:
    # On PostgreSQL a page's reads go in by COPY rather than as model instances: they must
    # hash exactly as the events written around them do.
    steps(world, 1)
    reads = [
        ReadNote(world.school.pk, world.child.pk),
        ReadNote(other_world.school.pk, other_world.child.pk),
        ReadNote(world.school.pk, world.looked_after_child.pk),
    ]
    record_reads(actor=world.teacher, reads=reads, path="/register/")
    steps(world, 1)

    run = audit_verify()

    assert run.code == 0, run.err
    assert "2 chains, 5 events" in run.out
    read = AuditEvent.objects.get(school=other_world.school)
    assert (read.action, read.object_type, read.object_id, read.pupil_id) == (
        Action.RECORD_VIEWED.value,
        "Pupil",
        str(other_world.child.pk),
        other_world.child.pk,
    )
    assert (read.actor_id, read.actor_label, read.changes) == (
        world.teacher.pk,
        str(world.teacher),
        {"page": "/register/"},
    )
    assert head_of(world).event_count == 4
