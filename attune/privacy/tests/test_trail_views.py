"""The audit trail page: "who looked at this child this term?", for the head and administrator."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from attune import testing
from attune.accounts.models import User
from attune.accounts.roles import Role
from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.auditlog.record import record
from attune.people.models import Pupil
from attune.testing import SchoolWorld, SignedIn

pytestmark = pytest.mark.django_db


def trail_url(world: SchoolWorld, name: str = "events") -> str:
    return reverse(f"trail:{name}", kwargs={"urn": world.school.urn})


def viewed(world: SchoolWorld, who: User, child: Pupil, days_ago: int = 0) -> AuditEvent:
    event = record(Action.RECORD_VIEWED, child, actor=who, changes={"page": "/"})
    if days_ago:
        AuditEvent.objects.filter(pk=event.pk).update(at=event.at - timedelta(days=days_ago))
    return event


@pytest.fixture
def admin(world: SchoolWorld) -> User:
    return testing.user(world.school, Role.ADMINISTRATOR)


@pytest.fixture
def history(world: SchoolWorld, other_world: SchoolWorld) -> None:
    viewed(world, world.teacher, world.child)
    viewed(world, world.key_adult_user, world.looked_after_child)
    viewed(world, world.office, world.child, days_ago=200)
    viewed(other_world, other_world.teacher, other_world.child)


@pytest.mark.usefixtures("history")
def test_the_administrator_finds_who_looked_at_a_child_this_term(
    world: SchoolWorld, admin: User, signed_in: SignedIn
) -> None:
    term_start = (timezone.localdate() - timedelta(days=60)).isoformat()
    page = signed_in(admin).get(trail_url(world), {"child": "Fletcher", "date_from": term_start})
    assert page.status_code == 200
    rows = page.context["rows"]
    assert [(e.actor_id, child) for e, child in rows] == [(world.teacher.pk, "Maya Fletcher")]


@pytest.mark.usefixtures("history")
def test_search_by_person_action_and_exact_child(
    world: SchoolWorld, admin: User, signed_in: SignedIn
) -> None:
    client = signed_in(admin)
    by_person = client.get(trail_url(world), {"person": world.office.email[:10]})
    assert [e.actor_id for e, _ in by_person.context["rows"]] == [world.office.pk]
    by_action = client.get(trail_url(world), {"action": "relationships."})
    assert by_action.context["rows"] == []
    exact = client.get(trail_url(world), {"pupil": str(world.looked_after_child.pk)})
    assert [c for _, c in exact.context["rows"]] == ["Leo Brennan"]


def test_a_backwards_date_range_is_explained(
    world: SchoolWorld, admin: User, signed_in: SignedIn
) -> None:
    page = signed_in(admin).get(
        trail_url(world), {"date_from": "2026-05-01", "date_to": "2026-04-01"}
    )
    assert "The end date must be on or after the start date." in page.text


def test_the_trail_shows_only_this_schools_events(
    world: SchoolWorld, other_world: SchoolWorld, signed_in: SignedIn
) -> None:
    viewed(other_world, other_world.teacher, other_world.child)
    page = signed_in(world.head).get(trail_url(world))
    assert page.status_code == 200
    assert page.context["page"].paginator.count == 0
    assert other_world.teacher.full_name not in page.text


def test_the_list_is_paginated_with_a_fixed_query_count(
    world: SchoolWorld,
    admin: User,
    signed_in: SignedIn,
    django_assert_max_num_queries: Callable[[int], object],
) -> None:
    for _ in range(60):
        viewed(world, world.teacher, world.child)
    client = signed_in(admin)
    with django_assert_max_num_queries(10):  # type: ignore[attr-defined]
        page = client.get(trail_url(world))
    assert len(page.context["rows"]) == 50
    assert "Page 1 of 2" in page.text
    assert len(client.get(trail_url(world), {"page": 2}).context["rows"]) == 10


@pytest.mark.usefixtures("history")
def test_the_export_is_a_csv_of_the_search_and_is_itself_recorded(
    world: SchoolWorld, admin: User, signed_in: SignedIn
) -> None:
    response = signed_in(admin).get(trail_url(world, "export"), {"child": "Fletcher"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-trail-100001-')
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode())))
    assert [(r["person_email"], r["child"]) for r in rows] == [
        (world.teacher.email, "Maya Fletcher"),
        (world.office.email, "Maya Fletcher"),
    ]
    exported = AuditEvent.objects.get(action=Action.TRAIL_EXPORTED)
    assert exported.actor_id == admin.pk
    assert exported.school_id == world.school.pk
    assert exported.changes == {"filters": {"child": "Fletcher"}}


def test_the_export_defuses_spreadsheet_formulas(
    world: SchoolWorld, admin: User, signed_in: SignedIn
) -> None:
    sly = testing.pupil(world.school, forename="=HYPERLINK(1)", surname="Evans")
    viewed(world, world.teacher, sly)
    response = signed_in(admin).get(trail_url(world, "export"))
    text = response.getvalue().decode()
    assert "'=HYPERLINK(1) Evans" in text


@pytest.mark.parametrize("role", [Role.ATTACHMENT_LEAD, Role.TEACHER, Role.KEY_ADULT, Role.OFFICE])
@pytest.mark.parametrize("name", ["events", "export"])
def test_other_roles_are_refused(
    world: SchoolWorld, signed_in: SignedIn, role: Role, name: str
) -> None:
    user = testing.user(world.school, role)
    assert signed_in(user).get(trail_url(world, name)).status_code == 403
    assert not AuditEvent.objects.filter(action=Action.TRAIL_EXPORTED).exists()


@pytest.mark.parametrize("name", ["events", "export"])
def test_another_schools_head_gets_not_found(
    world: SchoolWorld, other_world: SchoolWorld, signed_in: SignedIn, name: str
) -> None:
    assert signed_in(other_world.head).get(trail_url(world, name)).status_code == 404
