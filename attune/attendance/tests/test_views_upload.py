"""Uploading register files: the same importers as the commands, one school, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from attune import testing
from attune.accounts.roles import Role
from attune.attendance.models import AttendanceImport, SessionMark
from attune.tenancy import school_scope
from attune.testing import SchoolWorld, SignedIn

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
HEADER = "school_urn,upn,date,session,code,minutes_late\n"


def url(urn: str) -> str:
    return reverse("attendance:upload", kwargs={"urn": urn})


def upload(client: Client, urn: str, kind: str, name: str, content: bytes) -> Any:
    return client.post(url(urn), {"kind": kind, "file": SimpleUploadedFile(name, content)})


def marks_csv(world: SchoolWorld, *rows: str) -> bytes:
    return (HEADER + "".join(row + "\n" for row in rows)).encode()


def good_csv(world: SchoolWorld) -> bytes:
    urn, maya, leo = world.school.urn, world.child.upn, world.looked_after_child.upn
    return marks_csv(
        world,
        f"{urn},{maya},2025-09-08,AM,/,",
        f"{urn},{maya},2025-09-08,PM,N,",
        f"{urn},{leo},2025-09-08,AM,L,5",
    )


def test_office_staff_upload_a_marks_csv(world: SchoolWorld, signed_in: SignedIn) -> None:
    client = signed_in(world.office)
    assert client.get(url(world.school.urn)).status_code == 200

    page = upload(client, world.school.urn, "csv", "week.csv", good_csv(world))

    assert page.status_code == 200
    assert "Imported 3 marks into Hollybrook Primary School: 3 new" in page.text
    with school_scope(world.school):
        assert SessionMark.objects.count() == 3
        assert AttendanceImport.objects.get().actor == world.office


def test_every_bad_row_is_listed_and_nothing_is_saved(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    urn, maya = world.school.urn, world.child.upn
    content = marks_csv(
        world,
        f"{urn},{maya},2025-09-08,AM,/,",
        f"{urn},{maya},2025-09-08,XX,/,",
        f"{urn},{maya},2025-09-09,AM,QQ,",
    )
    page = upload(signed_in(world.lead), urn, "csv", "bad.csv", content)

    assert page.status_code == 422
    problems = page.context["rejected"].errors
    assert [(p.row, p.field) for p in problems] == [(3, "session"), (4, "code")]
    assert "Nothing was imported: the file has 2 problems." in page.text
    with school_scope(world.school):
        assert not SessionMark.objects.exists()


def test_rows_for_another_school_are_refused(
    world: SchoolWorld, other_world: SchoolWorld, signed_in: SignedIn
) -> None:
    content = marks_csv(
        world,
        f"{world.school.urn},{world.child.upn},2025-09-08,AM,/,",
        f"{other_world.school.urn},{other_world.child.upn},2025-09-08,AM,/,",
    )
    page = upload(signed_in(world.lead), world.school.urn, "csv", "two.csv", content)

    assert page.status_code == 422
    [problem] = page.context["rejected"].errors
    assert (problem.row, problem.field, problem.code) == (3, "school_urn", "urn.other_school")
    for place in (world.school, other_world.school):
        with school_scope(place):
            assert not SessionMark.objects.exists()


def test_a_ctf_from_this_school_is_imported(db: None, signed_in: SignedIn) -> None:
    sender = testing.school("123456", "Sender School")
    lead = testing.user(sender, Role.ATTACHMENT_LEAD)
    content = (FIXTURES / "ctf25_synthetic.xml").read_bytes()

    page = upload(signed_in(lead), "123456", "ctf", "leaving.xml", content)

    assert page.status_code == 200
    assert "Imported" in page.text
    with school_scope(sender):
        assert SessionMark.objects.exists()


def test_a_ctf_sent_by_another_school_is_refused(world: SchoolWorld, signed_in: SignedIn) -> None:
    testing.school("123456", "Sender School")
    content = (FIXTURES / "ctf25_synthetic.xml").read_bytes()

    page = upload(signed_in(world.lead), world.school.urn, "ctf", "theirs.xml", content)

    assert page.status_code == 422
    [problem] = page.context["rejected"].errors
    assert problem.code == "urn.other_school"


def test_a_file_that_is_not_a_ctf_is_refused(world: SchoolWorld, signed_in: SignedIn) -> None:
    page = upload(signed_in(world.lead), world.school.urn, "ctf", "x.xml", b"<html></html>")

    assert page.status_code == 422
    assert "Whole file" in page.text


def test_a_missing_file_is_an_error_on_the_field(world: SchoolWorld, signed_in: SignedIn) -> None:
    page = signed_in(world.lead).post(url(world.school.urn), {"kind": "csv"})
    assert page.status_code == 200
    assert 'id="id_file_error"' in page.text


def test_a_teacher_may_not_upload(world: SchoolWorld, signed_in: SignedIn) -> None:
    page = upload(signed_in(world.teacher), world.school.urn, "csv", "w.csv", good_csv(world))
    assert page.status_code == 403
    with school_scope(world.school):
        assert not SessionMark.objects.exists()
