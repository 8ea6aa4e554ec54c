"""The Virtual School sees each of its own looked-after children by name, wherever they learn,
with nothing hidden; another authority's officer finds none of them."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attune import testing
from attune.accounts.models import User
from attune.attendance.imports import attendance_csv_import
from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.relationships.models import KeyAdultRelationship
from attune.tenancy import school_scope
from attune.testing import SchoolWorld
from attune.virtualschool import registers
from attune.virtualschool.models import SourceKind
from attune.virtualschool.tests.conftest import MARSH_LANE, OurChildren

pytestmark = pytest.mark.django_db

SignedIn = Callable[[User], Client]


def school_days(n: int) -> list[date]:
    """The last ``n`` weekdays up to today."""
    days: list[date] = []
    day = timezone.localdate()
    while len(days) < n:
        if day.weekday() < 5:
            days.append(day)
        day -= timedelta(days=1)
    return sorted(days)


def give_marks(world: SchoolWorld, ours: OurChildren) -> None:
    marks: dict[Any, list[registers.Mark]]
    """Leo: 10 sessions at Hollybrook, 2 of them missed (80%). Kieran: 4 sessions entered
    for Marsh Lane, one a suspension (75%)."""
    days = school_days(5)
    lines = "school_urn,upn,date,session,code,minutes_late\n"
    for n, day in enumerate(days):
        for session in ("AM", "PM"):
            code = "O" if n == 0 else "/" if session == "AM" else "\\"
            lines += f"{world.school.urn},{world.looked_after_child.upn},{day},{session},{code},\n"
    attendance_csv_import(stream=io.StringIO(lines), file_name="r.csv", today=days[-1])
    marks = {
        ours.not_on_attune.pk: [
            (days[0], "AM", "/", "/", None),
            (days[0], "PM", "E", "E", None),
            (days[1], "AM", "/", "/", None),
            (days[1], "PM", "\\", "\\", None),
        ]
    }
    registers.marks_save(
        authority=ours.las.kent,
        school_urn=MARSH_LANE,
        marks=marks,
        kind=SourceKind.OFFICER_UPLOAD,
    )
    with school_scope(world.school):
        KeyAdultRelationship.objects.create(
            school=world.school,
            pupil=world.looked_after_child,
            key_adult=world.key_adult,
            started_on=days[0] - timedelta(days=30),
            reason="Leo chose her.",
        )


def page(client: Client, la: int = 886, **query: str) -> str:
    response = client.get(reverse("virtualschool:children", kwargs={"la_code": la}), query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_head_sees_each_child_by_name_wherever_they_learn(
    world: SchoolWorld, ours: OurChildren, signed_in: SignedIn
) -> None:
    give_marks(world, ours)
    text = page(signed_in(ours.las.kent_head))
    for name in ("Leo Brennan", "Kieran Ashdown", "Tegan Moorcroft"):
        assert name in text
    assert "80.0%" in text and "persistently absent" in text  # Leo, from Hollybrook's register
    assert "75.0%" in text  # Kieran, from the marks entered for Marsh Lane
    assert "Priya Shah" in text  # Leo's key adult at Hollybrook
    assert "Not on Attune" in text and "out of area" in text
    assert "≤5" not in text and "&lt;5" not in text  # nothing hidden: these are its own children


def test_filters_find_children_by_where_they_learn_and_their_pep(
    world: SchoolWorld, ours: OurChildren, signed_in: SignedIn
) -> None:
    client = signed_in(ours.las.kent_officer)
    assert "Kieran" in page(client, where="not_on_attune")
    assert not testing.names_in(page(client, where="not_on_attune"), "Leo")
    assert "Tegan" in page(client, where="out_of_area")
    assert "Tegan" in page(client, q="moorcroft")


def test_opening_the_page_records_a_read_of_each_child_and_their_school_record(
    world: SchoolWorld, ours: OurChildren, signed_in: SignedIn
) -> None:
    page(signed_in(ours.las.kent_officer))
    reads = AuditEvent.objects.filter(action=Action.RECORD_VIEWED.value)
    own = set(reads.filter(school=None).values_list("pupil_id", flat=True))
    assert own == {ours.at_attune.pk, ours.not_on_attune.pk, ours.out_of_area.pk}
    assert reads.filter(school=world.school, pupil_id=world.looked_after_child.pk).exists()
    assert reads.filter(pupil_id=ours.out_pupil.pk).exclude(school=None).exists()


def test_a_childs_page_shows_their_schools_record(
    world: SchoolWorld, ours: OurChildren, signed_in: SignedIn
) -> None:
    give_marks(world, ours)
    url = reverse("virtualschool:our_child", kwargs={"la_code": 886, "child_id": ours.at_attune.pk})
    text = signed_in(ours.las.kent_officer).get(url).content.decode()
    assert "Leo Brennan" in text and "80.0%" in text and "Priya Shah" in text


def test_another_authority_finds_none_of_them(
    world: SchoolWorld, ours: OurChildren, signed_in: SignedIn
) -> None:
    medway = signed_in(ours.las.medway_head)
    assert "Leo" not in page(medway, la=887) and "Tegan" not in page(medway, la=887)
    for child in (ours.at_attune, ours.not_on_attune, ours.out_of_area):
        for la in (886, 887):
            url = reverse("virtualschool:our_child", kwargs={"la_code": la, "child_id": child.pk})
            assert medway.get(url).status_code == 404
    kent_list = reverse("virtualschool:children", kwargs={"la_code": 886})
    assert medway.get(kent_list).status_code == 404


def test_a_school_user_cannot_open_the_authoritys_pages(
    world: SchoolWorld, ours: OurChildren, signed_in: SignedIn
) -> None:
    client = signed_in(world.head)
    url = reverse("virtualschool:our_child", kwargs={"la_code": 886, "child_id": ours.at_attune.pk})
    assert client.get(url).status_code == 404


def test_the_list_takes_a_fixed_number_of_queries(
    world: SchoolWorld,
    ours: OurChildren,
    signed_in: SignedIn,
    django_assert_max_num_queries: object,
) -> None:
    client = signed_in(ours.las.kent_officer)
    page(client)  # sessions and two-factor settle
    with django_assert_max_num_queries(40):  # type: ignore[operator]
        page(client)
    for n in range(12):
        from attune.virtualschool.tests.helpers import looked_after

        other = testing.pupil(world.school)
        looked_after(ours.las.kent, child_id=f"K-{n}", upn=other.upn, school_urn=world.school.urn)
    with django_assert_max_num_queries(40):  # type: ignore[operator]
        page(client)


def test_vs_children_prints_one_object_per_child(
    world: SchoolWorld, ours: OurChildren, capsys: pytest.CaptureFixture[str]
) -> None:
    give_marks(world, ours)
    call_command("vs_children", "--la", "886", "--format", "json")
    found = {item["child_id"]: item for item in json.loads(capsys.readouterr().out)}
    assert set(found) == {"K-LEO", "K-KIERAN", "K-TEGAN"}
    assert found["K-LEO"] == {
        "child_id": "K-LEO",
        "upn": world.looked_after_child.upn,
        "name": "Leo Brennan",
        "school_urn": world.school.urn,
        "on_attune": True,
        "attendance_pct": 80.0,
        "pep_status": "overdue",
        "key_adult": "Priya Shah",
    }
    assert found["K-KIERAN"]["on_attune"] is False
    assert found["K-KIERAN"]["attendance_pct"] == 75.0
    assert found["K-KIERAN"]["key_adult"] is None
    assert found["K-TEGAN"]["attendance_pct"] is None  # no marks at Riverside yet
    assert all(set(item) == set(found["K-LEO"]) for item in found.values())
    assert {item["pep_status"] for item in found.values()} <= {"held", "due", "overdue"}
