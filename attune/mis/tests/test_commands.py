"""``attune mis_sync``, ``attune mis_schedule`` and ``attune add_school --wonde-id``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django_tasks_db.models import DBTaskResult

from attune.mis.domain.schedule import Timetable
from attune.mis.management.commands.mis_schedule import queue_due
from attune.mis.models import MisConnection, SyncState
from attune.mis.testing import FakeSchool, FakeWonde, Record
from attune.mis.testing import student as wonde_student
from attune.people.domain.upn import make_upn
from attune.people.models import Pupil, School
from attune.tenancy import school_scope
from attune.testing import SchoolWorld

pytestmark = pytest.mark.django_db


def arrange(school: FakeSchool) -> None:
    for n in range(4):
        data = wonde_student(f"A{n}", upn=make_upn(886, 3001, 19, n + 1), forename=f"Kid{n}")
        school.students[f"A{n}"] = Record(data)


def run(wonde: FakeWonde, *args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("mis_sync", "--school", "100001", "--base-url", wonde.base_url, *args, stdout=out)
    return out.getvalue()


def test_mis_sync_prints_what_each_kind_did(
    world: SchoolWorld, mis_school: FakeSchool, wonde: FakeWonde
) -> None:
    arrange(mis_school)
    out = run(wonde, "--only", "pupils")
    assert out.splitlines()[0] == "Pupils: 4 new pupils."
    with school_scope(world.school):
        assert Pupil.objects.count() == 6


def test_a_dry_run_prints_the_changes_and_keeps_none(
    world: SchoolWorld, mis_school: FakeSchool, wonde: FakeWonde
) -> None:
    arrange(mis_school)
    out = run(wonde, "--dry-run")
    assert "Pupils: 4 new pupils." in out
    assert out.strip().endswith("Dry run: nothing was changed.")
    with school_scope(world.school):
        assert Pupil.objects.count() == 2
        assert not SyncState.objects.exists()


def test_since_asks_wonde_for_changes_after_that_time(
    world: SchoolWorld, mis_school: FakeSchool, wonde: FakeWonde
) -> None:
    run(wonde, "--only", "staff", "--since", "2026-09-01T08:00")
    asked = [path for path in wonde.requests if "employees" in path]
    assert asked and "updated_after=2026-09-01+07%3A00%3A00" in asked[0]  # UK summer time


def test_a_failed_kind_exits_with_its_reason(
    world: SchoolWorld, mis_school: FakeSchool, wonde: FakeWonde
) -> None:
    wonde.fail("employees", 401)
    with pytest.raises(CommandError, match="The sync of staff stopped: Wonde did not accept"):
        run(wonde, "--only", "staff")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--only", "lunch"], "--only takes pupils, staff, contacts, groups, attendance"),
        (["--since", "last week"], "is not a date or time"),
    ],
)
def test_bad_options_say_what_is_wrong(
    world: SchoolWorld, mis_school: FakeSchool, wonde: FakeWonde, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        run(wonde, *args)


def test_a_school_without_a_wonde_id_is_refused(world: SchoolWorld, wonde: FakeWonde) -> None:
    with pytest.raises(CommandError, match="has no Wonde school id yet"):
        run(wonde)
    with pytest.raises(CommandError, match="URN 999999"):
        call_command("mis_sync", "--school", "999999")


def test_add_school_sets_the_wonde_id() -> None:
    call_command("add_school", "123456", "Brook Primary", "--phase", "primary", "--wonde-id", "A42")
    assert School.objects.get(urn="123456").wonde_id == "A42"
    call_command("add_school", "123457", "Other Primary", "--phase", "primary")
    with pytest.raises(CommandError, match="already has the Wonde id A42"):
        call_command(
            "add_school", "123457", "Other Primary", "--phase", "primary", "--wonde-id", "A42"
        )


def test_the_schedule_queues_due_schools_once(
    world: SchoolWorld,
    mis_school: FakeSchool,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    monday_10am = datetime(2026, 10, 5, 10, 0, tzinfo=ZoneInfo("Europe/London"))
    assert queue_due(monday_10am, Timetable()) == 1
    assert queue_due(monday_10am, Timetable()) == 0  # already queued
    with school_scope(world.school):
        MisConnection.objects.update(sync_requested_at=None)
        for kind in ("pupils", "staff", "contacts", "groups", "attendance"):
            SyncState.objects.create(
                school=world.school,
                kind=kind,
                last_started_at=datetime(2026, 10, 5, 8, 40, tzinfo=UTC),  # 09:40 in London
            )
    with django_capture_on_commit_callbacks(execute=True):
        assert queue_due(monday_10am, Timetable()) == 1  # the registers, 15 minutes on
    batch = DBTaskResult.objects.get(task_path__endswith="sync_registers")
    assert batch.args_kwargs["args"] == [[world.school.pk]]


def test_the_schedule_command_queues_on_the_worker(
    world: SchoolWorld, mis_school: FakeSchool, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        call_command("mis_schedule", "--once")
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["args"][1] == ["pupils", "staff", "contacts", "groups", "attendance"]


def test_the_schedule_needs_the_token(world: SchoolWorld, settings: Any) -> None:
    settings.ATTUNE_WONDE_TOKEN = ""
    with pytest.raises(CommandError, match="ATTUNE_WONDE_TOKEN"):
        call_command("mis_schedule", "--once")
