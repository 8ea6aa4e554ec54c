"""The "Connection to your MIS" page: each state it can be in, the Wonde id form, "sync now"
through the background worker, and who may open it (administrator, headteacher, strategic
attachment lead; another school gets 404)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from attune import testing
from attune.accounts.models import User
from attune.accounts.roles import Role
from attune.auditlog.models import AuditEvent
from attune.mis.models import SyncRun, SyncState
from attune.mis.testing import FakeSchool, FakeWonde, Record
from attune.mis.testing import student as wonde_student
from attune.people.domain.upn import make_upn
from attune.people.models import Pupil
from attune.tenancy import school_scope
from attune.testing import SchoolWorld

SignedIn = Callable[[User], Client]


def page_url(world: SchoolWorld) -> str:
    return reverse("mis:connection", kwargs={"urn": world.school.urn})


def admin(world: SchoolWorld) -> User:
    return testing.user(world.school, Role.ADMINISTRATOR)


def status_of(client: Client, world: SchoolWorld) -> str:
    response = client.get(page_url(world))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_not_connected_asks_for_the_wonde_id(world: SchoolWorld, signed_in: SignedIn) -> None:
    text = status_of(signed_in(admin(world)), world)
    assert "Not connected" in text
    assert "Sync now" not in text


@pytest.mark.django_db
def test_a_missing_token_is_said_plainly(
    world: SchoolWorld, signed_in: SignedIn, settings: Any
) -> None:
    settings.ATTUNE_WONDE_TOKEN = ""
    world.school.wonde_id = "A1930499544"
    world.school.save(update_fields=["wonde_id"])
    text = status_of(signed_in(world.head), world)
    assert "Waiting for the server&#x27;s Wonde token" in text
    assert "Missing: whoever runs Attune should set <code>ATTUNE_WONDE_TOKEN</code>" in text
    assert "Sync now" not in text


@pytest.mark.django_db
def test_connected_and_not_yet_synced(
    world: SchoolWorld, mis_school: FakeSchool, signed_in: SignedIn
) -> None:
    text = status_of(signed_in(world.lead), world)
    assert "Connected, not synced yet" in text
    assert "Sync now" in text
    assert text.count("Never") == 5


@pytest.mark.django_db
def test_working_shows_the_last_sync_of_each_kind(
    world: SchoolWorld, mis_school: FakeSchool, sync: Callable[..., Any], signed_in: SignedIn
) -> None:
    mis_school.students["A1"] = Record(
        wonde_student("A1", upn=make_upn(886, 3001, 19, 1), forename="Ava")
    )
    sync()
    text = status_of(signed_in(admin(world)), world)
    assert "Connected and working" in text
    assert "1 new pupil" in text
    assert "SIMS" in text


@pytest.mark.django_db
def test_a_failure_is_shown_in_plain_words(
    world: SchoolWorld,
    mis_school: FakeSchool,
    wonde: FakeWonde,
    sync: Callable[..., Any],
    signed_in: SignedIn,
) -> None:
    wonde.fail("schools/", 403)
    sync()
    text = status_of(signed_in(admin(world)), world)
    assert "Wonde refused access: the school may not have approved Attune" in text
    assert "Wonde refused access to this school&#x27;s data." in text


@pytest.mark.django_db
def test_problems_to_check_are_listed(
    world: SchoolWorld, mis_school: FakeSchool, sync: Callable[..., Any], signed_in: SignedIn
) -> None:
    mis_school.students["A1"] = Record(wonde_student("A1", upn=None))
    sync("pupils")
    text = status_of(signed_in(admin(world)), world)
    assert "1 to check" in text
    assert "not added, because the MIS gave no UPN" in text


@pytest.mark.django_db
def test_the_administrator_enters_the_wonde_id(
    world: SchoolWorld, other_world: SchoolWorld, signed_in: SignedIn
) -> None:
    client = signed_in(admin(world))
    response = client.post(page_url(world), {"wonde_id": " A1930499544 "})
    assert response.status_code == 302
    world.school.refresh_from_db()
    assert world.school.wonde_id == "A1930499544"
    event = AuditEvent.objects.get(action="mis.connection.set")
    assert event.changes == {"wonde_id": [None, "A1930499544"]}
    bad = client.post(page_url(world), {"wonde_id": "A19-30"})
    assert bad.status_code == 422
    assert "letters and digits only" in bad.content.decode()
    other_world.school.wonde_id = "A2"
    other_world.school.save(update_fields=["wonde_id"])
    taken = client.post(page_url(world), {"wonde_id": "A2"})
    assert "Another school in Attune already has the Wonde id A2" in taken.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.KEY_ADULT, Role.TEACHER, Role.OFFICE, Role.VIRTUAL_SCHOOL])
def test_other_roles_are_refused(world: SchoolWorld, signed_in: SignedIn, role: Role) -> None:
    client = signed_in(testing.user(world.school, role))
    assert client.get(page_url(world)).status_code == 403
    sync = reverse("mis:sync_now", kwargs={"urn": world.school.urn})
    assert client.post(sync).status_code == 403


@pytest.mark.django_db
def test_another_schools_administrator_finds_nothing(
    world: SchoolWorld, other_world: SchoolWorld, signed_in: SignedIn
) -> None:
    client = signed_in(admin(other_world))
    assert client.get(page_url(world)).status_code == 404
    sync = reverse("mis:sync_now", kwargs={"urn": world.school.urn})
    assert client.post(sync).status_code == 404


@pytest.mark.django_db
def test_the_page_reads_a_few_queries_however_many_runs(
    world: SchoolWorld,
    mis_school: FakeSchool,
    signed_in: SignedIn,
    django_assert_max_num_queries: Any,
) -> None:
    now = timezone.now()
    with school_scope(world.school):
        for n in range(40):
            SyncRun.objects.create(
                school=world.school, kind="attendance", started_at=now - timedelta(minutes=15 * n)
            )
        SyncState.objects.create(school=world.school, kind="attendance", last_success_at=now)
    client = signed_in(admin(world))
    client.get(page_url(world))
    with django_assert_max_num_queries(12):
        client.get(page_url(world))


@pytest.mark.django_db(transaction=True)
def test_sync_now_queues_the_worker_which_brings_the_data_in(
    world: SchoolWorld, mis_school: FakeSchool, wonde: FakeWonde, signed_in: SignedIn, settings: Any
) -> None:
    from attune.checkins.testing import run_worker

    settings.ATTUNE_WONDE_BASE_URL = wonde.base_url
    mis_school.students["A1"] = Record(
        wonde_student("A1", upn=make_upn(886, 3001, 19, 1), forename="Ava")
    )
    client = signed_in(world.head)
    response = client.post(reverse("mis:sync_now", kwargs={"urn": world.school.urn}))
    assert response.status_code == 302
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    assert "A sync is queued" in status_of(client, world)
    assert AuditEvent.objects.filter(action="mis.sync.requested").count() == 1
    run_worker()
    with school_scope(world.school):
        assert Pupil.objects.filter(legal_forename="Ava").exists()
        run = SyncRun.objects.get(kind="pupils")
        assert run.actor_id == world.head.pk
    assert "Connected and working" in status_of(client, world)
