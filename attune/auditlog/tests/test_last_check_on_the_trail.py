"""The head sees on the audit-trail page when the school's chain was last checked, read from
the checkpoint files (outside the database), not from a table an attacker could edit."""

from __future__ import annotations

import contextlib
import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from attune.auditlog import checkpoints
from attune.auditlog.actions import Action
from attune.auditlog.chain import GENESIS, chain_name
from attune.auditlog.models import AuditEvent
from attune.auditlog.record import record
from attune.testing import SchoolWorld, SignedIn

pytestmark = pytest.mark.django_db


def trail(world: SchoolWorld, signed_in: SignedIn) -> str:
    page = signed_in(world.head).get(reverse("trail:events", kwargs={"urn": world.school.urn}))
    assert page.status_code == 200
    return page.text


def audit_verify() -> None:
    quiet = {"stdout": io.StringIO(), "stderr": io.StringIO()}
    with contextlib.suppress(CommandError):  # a failed check still writes its line
        call_command("audit_verify", **quiet)


def test_never_checked(world: SchoolWorld, signed_in: SignedIn) -> None:
    assert "Last checked for tampering: never checked." in trail(world, signed_in)


def test_checked_and_intact(world: SchoolWorld, signed_in: SignedIn) -> None:
    record(Action.RECORD_VIEWED, world.child, actor=world.teacher)
    audit_verify()

    page = trail(world, signed_in)

    assert "Last checked for tampering: " in page and " — intact." in page
    assert f"{timezone.localtime():%Y}" in page.split("Last checked for tampering:")[1][:40]


def test_a_failed_check_is_shown_with_what_it_found(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    event = record(Action.RECORD_VIEWED, world.child, actor=world.teacher)
    AuditEvent.objects.filter(pk=event.pk).update(actor_label="Someone else")
    audit_verify()

    page = trail(world, signed_in)

    assert "a problem was found.</strong>" in page and 'class="panel panel-warn"' in page
    assert f"Event {event.pk} (" in page and "was changed after it was written." in page


def test_a_check_long_ago_is_flagged(world: SchoolWorld, signed_in: SignedIn) -> None:
    long_ago = timezone.now() - timedelta(days=3)
    name = chain_name(world.school.pk)
    checkpoints.append([checkpoints.Checkpoint(name, 0, None, GENESIS, long_ago)])

    assert "over two days ago" in trail(world, signed_in)


def test_an_altered_record_of_the_last_check_is_not_trusted(
    world: SchoolWorld, signed_in: SignedIn, checkpoint_dir: Path
) -> None:
    record(Action.RECORD_VIEWED, world.child, actor=world.teacher)
    AuditEvent.objects.update(actor_label="Someone else")
    audit_verify()
    path = checkpoint_dir / f"{chain_name(world.school.pk)}.jsonl"
    path.write_text(path.read_text().replace('"result":"broken"', '"result":"intact"'))

    page = trail(world, signed_in)

    assert "The record of the last check was altered, so it can&#x27;t be trusted." in page
    assert "— intact" not in page


def test_another_schools_check_is_not_shown(
    world: SchoolWorld, other_world: SchoolWorld, signed_in: SignedIn
) -> None:
    record(Action.RECORD_VIEWED, other_world.child, actor=other_world.teacher)
    audit_verify()

    assert "Last checked for tampering: never checked." in trail(world, signed_in)
