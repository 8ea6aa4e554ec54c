"""``attune add_school``: adds a school, or updates the one with that URN."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.people.models import LocalAuthority, School

pytestmark = pytest.mark.django_db


def add_school(*args: str) -> str:
    out = StringIO()
    call_command("add_school", *args, stdout=out)
    return out.getvalue()


def test_adds_a_school_with_its_local_authority() -> None:
    output = add_school(
        "123456", "Oakfield Primary", "--phase", "primary", "--la", "886", "--la-name", "Kent"
    )

    assert output == "Added Oakfield Primary (URN 123456).\n"
    school = School.objects.select_related("local_authority").get(urn="123456")
    assert (school.name, school.phase) == ("Oakfield Primary", "primary")
    assert school.local_authority is not None
    assert (school.local_authority.code, school.local_authority.name) == (886, "Kent")
    assert AuditEvent.objects.filter(action=Action.SCHOOL_ADDED, school=school).count() == 1


def test_running_again_updates_the_same_school() -> None:
    add_school("123456", "Oakfield Primary", "--phase", "primary")

    output = add_school("123456", "Oakfield Primary Academy", "--phase", "primary")

    assert output == "Updated Oakfield Primary Academy (URN 123456).\n"
    assert list(School.objects.values_list("urn", "name")) == [
        ("123456", "Oakfield Primary Academy")
    ]


def test_la_name_names_a_local_authority_known_only_by_number() -> None:
    add_school("123456", "Oakfield Primary", "--phase", "primary", "--la", "886")
    assert LocalAuthority.objects.get(code=886).name == "Local authority 886"

    add_school(
        "123457", "Brook Nursery", "--phase", "early_years", "--la", "886", "--la-name", "Kent"
    )

    assert LocalAuthority.objects.get(code=886).name == "Kent"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("123456", "Oakfield", "--phase", "infant"), "Unknown phase 'infant'"),
        (("12AB56", "Oakfield", "--phase", "primary"), "URN '12AB56' should be"),
        (("123456", "  ", "--phase", "primary"), "Please give the school's name"),
        (("123456", "Oakfield", "--phase", "primary", "--la", "4000"), "three digits"),
        (("123456", "Oakfield", "--phase", "primary", "--la-name", "Kent"), "--la-name needs --la"),
    ],
)
def test_bad_input_is_explained_and_saves_nothing(args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        add_school(*args)

    assert not School.objects.exists()


def test_running_again_without_an_la_keeps_the_schools_local_authority() -> None:
    call_command("add_school", "100123", "Brookside Primary", "--phase", "primary", "--la", "886")
    call_command("add_school", "100123", "Brookside Primary School", "--phase", "primary")
    school = School.objects.get(urn="100123")
    assert school.name == "Brookside Primary School"
    assert school.local_authority is not None
    assert school.local_authority.code == 886


def test_estab_is_stored_with_the_local_authority() -> None:
    add_school("123456", "Oakfield Primary", "--phase", "primary", "--la", "886", "--estab", "2001")

    school = School.objects.get(urn="123456")
    assert school.estab == "2001"
    event = AuditEvent.objects.get(action=Action.SCHOOL_ADDED, school=school)
    assert event.changes["estab"] == "2001"
    add_school("123456", "Oakfield Primary", "--phase", "primary")  # no --estab: kept
    assert School.objects.get(urn="123456").estab == "2001"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--la", "886", "--estab", "201"], "should be four digits"),
        (["--la", "886", "--estab", "20a1"], "should be four digits"),
        (["--estab", "2001"], "needs the local authority's number"),
    ],
)
def test_a_bad_estab_is_refused(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        add_school("123456", "Oakfield Primary", "--phase", "primary", *args)

    assert not School.objects.filter(urn="123456").exists()


def test_two_schools_cannot_share_la_and_estab() -> None:
    add_school("123456", "Oakfield Primary", "--phase", "primary", "--la", "886", "--estab", "2001")

    with pytest.raises(CommandError, match=r"Oakfield Primary \(URN 123456\) already has LA 886"):
        add_school("654321", "Elm Primary", "--phase", "primary", "--la", "886", "--estab", "2001")

    assert not School.objects.filter(urn="654321").exists()
