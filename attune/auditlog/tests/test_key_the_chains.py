"""The migration that re-keys chains written with plain SHA-256 (``0005_key_the_chains``)."""

from __future__ import annotations

import hashlib
import hmac
import importlib
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command

from attune.auditlog.actions import Action
from attune.auditlog.chain import HASHED_COLUMNS, chain_key, head_is_signed, payload
from attune.auditlog.models import AuditChainHead, AuditEvent
from attune.auditlog.record import record
from attune.auditlog.verify import audit_chain_verify
from attune.testing import SchoolWorld

pytestmark = pytest.mark.django_db

migration: Any = importlib.import_module("attune.auditlog.migrations.0005_key_the_chains")


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of two, so every test crosses batch boundaries."""
    monkeypatch.setattr(migration, "BATCH", 2)


def steps(world: SchoolWorld, count: int, start: int = 0) -> list[AuditEvent]:
    return [
        record(Action.RECORD_VIEWED, world.child, actor=world.teacher, changes={"n": n})
        for n in range(start, start + count)
    ]


def as_before_this_change() -> None:
    """Rewrite every chain as the server wrote it before: plain SHA-256, heads unsigned."""
    migration.rewrite(AuditEvent.objects.all(), AuditChainHead.objects, migration.plain, b"")
    AuditChainHead.objects.update(event_count=0, signature="")


def key_the_chains() -> None:
    migration.key_the_chains(apps, None)


def hashes() -> list[tuple[int, str, str]]:
    return list(AuditEvent.objects.values_list("id", "previous_hash", "entry_hash"))


def test_plain_chains_are_rekeyed_and_their_heads_signed(
    world: SchoolWorld, other_world: SchoolWorld
) -> None:
    steps(world, 3)
    steps(other_world, 2)
    steps(world, 2, start=3)
    record(Action.SIGNED_OUT_EVERYWHERE, world.teacher, actor=world.teacher, school=None)
    keyed = hashes()
    as_before_this_change()
    first = AuditEvent.objects.order_by("id").first()
    assert first is not None
    text = payload(*(getattr(first, c) for c in HASHED_COLUMNS))
    assert first.entry_hash == hashlib.sha256(f"{'0' * 64}|{text}".encode()).hexdigest()
    assert audit_chain_verify() == first.pk  # a plain chain no longer passes

    key_the_chains()

    assert hashes() == keyed
    assert audit_chain_verify() is None
    counts = dict(AuditChainHead.objects.values_list("chain", "event_count"))
    assert counts == {
        f"school-{world.school.pk}": 5,
        f"school-{other_world.school.pk}": 2,
        "system": 1,
    }
    assert all(head_is_signed(head) for head in AuditChainHead.objects.all())


@pytest.mark.parametrize(
    ("attack", "refusal"),
    [
        ("edit", "Audit event {bad} was changed after it was written."),
        ("delete", "Audit event {bad} does not follow the event before it."),
        ("cut the tail", "does not end where its head says (its last event is {bad})"),
        ("delete the head", "has no head (its last event is {bad})"),
    ],
)
def test_a_chain_that_fails_its_old_check_is_refused_and_nothing_is_rewritten(
    world: SchoolWorld, attack: str, refusal: str
) -> None:
    events = steps(world, 5)
    as_before_this_change()
    if attack == "edit":
        AuditEvent.objects.filter(pk=events[2].pk).update(changes={"n": 9})
        bad = events[2].pk
    elif attack == "delete":
        AuditEvent.objects.filter(pk=events[2].pk).delete()
        bad = events[3].pk
    elif attack == "cut the tail":
        AuditEvent.objects.filter(pk=events[4].pk).delete()
        bad = events[3].pk
    else:
        AuditChainHead.objects.all().delete()
        bad = events[4].pk
    before = hashes()

    with pytest.raises(migration.ChainBroken) as refused:
        key_the_chains()

    assert refusal.format(bad=bad) in str(refused.value)
    assert hashes() == before


def test_a_chain_already_keyed_part_way_is_accepted(world: SchoolWorld) -> None:
    """A server that ran the keyed code before migrating left plain events, then keyed ones."""
    steps(world, 3)
    as_before_this_change()
    head = AuditChainHead.objects.get()
    head.event_count = 3
    head.save()
    steps(world, 2, start=3)  # appended with the key, onto the plain chain
    assert audit_chain_verify() is not None

    key_the_chains()

    assert audit_chain_verify() is None
    assert AuditChainHead.objects.get().event_count == 5


def test_once_keyed_a_chain_cannot_go_back_to_plain(world: SchoolWorld) -> None:
    """A plain event after a keyed one is someone recomputing hashes without the key."""
    events = steps(world, 4)
    later = events[2:]
    previous = events[1].entry_hash
    for event in later:
        event.previous_hash = previous
        text = payload(*(getattr(event, c) for c in HASHED_COLUMNS))
        event.entry_hash = previous = hashlib.sha256(f"{previous}|{text}".encode()).hexdigest()
        event.save(update_fields=["previous_hash", "entry_hash"])
    AuditChainHead.objects.update(last_hash=previous)

    with pytest.raises(migration.ChainBroken, match=f"Audit event {events[2].pk} was changed"):
        key_the_chains()


def test_the_key_comes_from_the_settings(world: SchoolWorld) -> None:
    steps(world, 2)
    as_before_this_change()
    key_the_chains()
    event = AuditEvent.objects.order_by("id").first()
    assert event is not None
    text = payload(*(getattr(event, c) for c in HASHED_COLUMNS))
    expected = hmac.new(chain_key(), f"{'0' * 64}|{text}".encode(), hashlib.sha256)
    assert event.entry_hash == expected.hexdigest()


@pytest.mark.django_db(transaction=True)
def test_the_migration_runs_backwards_and_forwards(world: SchoolWorld) -> None:
    """Through Django's own migrate: unapplied, the chains are plain again; applied, keyed."""
    steps(world, 3)
    keyed = hashes()
    try:
        call_command("migrate", "auditlog", "0004", verbosity=0)
        plain = hashes()
        assert plain != keyed
        event = AuditEvent.objects.order_by("id").first()
        assert event is not None
        text = payload(*(getattr(event, c) for c in HASHED_COLUMNS))
        assert plain[0][2] == hashlib.sha256(f"{'0' * 64}|{text}".encode()).hexdigest()
    finally:
        call_command("migrate", "auditlog", verbosity=0)
    assert hashes() == keyed
    assert audit_chain_verify() is None
