"""Bad values never reach the database nor break a page: dates from 1990 to a year ahead, a
400 page saying why for any other date in an address, NUL bytes a row problem on every
database, an upload size limit, and a refused file's first 200 problems with the count of the
rest."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from attune.attendance.imports import AttendanceImportRejected, attendance_csv_import
from attune.attendance.models import SessionMark
from attune.people.imports import PupilImportRejected, pupils_import
from attune.people.models import Phase, Pupil
from attune.tenancy import school_scope
from attune.testing import SchoolWorld, SignedIn

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 23)
HEADER = "school_urn,upn,date,session,code,minutes_late\n"


# --- files -------------------------------------------------------------------------------------


@pytest.mark.parametrize("day", ["0001-01-01", "1989-12-31"])
def test_a_mark_before_1990_is_refused_naming_the_row(world: SchoolWorld, day: str) -> None:
    text = HEADER + f"100001,{world.child.upn},{day},AM,/,\n"

    with pytest.raises(AttendanceImportRejected) as caught:
        attendance_csv_import(stream=io.StringIO(text), file_name="m.csv", today=TODAY)

    [error] = caught.value.errors
    assert (error.row, error.field, error.code) == (2, "date", "date.out_of_range")
    assert "before 1990" in error.message
    with school_scope(world.school):
        assert not SessionMark.objects.exists()


def test_a_nul_byte_in_a_name_is_a_row_problem(world: SchoolWorld) -> None:
    text = (
        "school_urn,upn,legal_forename,legal_surname,preferred_name,date_of_birth,sex,"
        "year_group,registration_group\n"
        f"100001,{world.child.upn},Ma\x00ya,Fletcher,,2017-03-14,F,4,4B\n"
    )

    with pytest.raises(PupilImportRejected) as caught:
        pupils_import(stream=io.StringIO(text), today=TODAY)

    [error] = caught.value.errors
    assert (error.row, error.field, error.code) == (2, "legal_forename", "value.nul")
    with school_scope(world.school):
        assert Pupil.objects.get(pk=world.child.pk).legal_forename == "Maya"


def test_a_nul_byte_in_a_mark_is_a_row_problem(world: SchoolWorld) -> None:
    text = HEADER + f"100001,{world.child.upn},2026-09-07,AM,/\x00,\n"

    with pytest.raises(AttendanceImportRejected) as caught:
        attendance_csv_import(stream=io.StringIO(text), file_name="m.csv", today=TODAY)

    assert ("code", "value.nul") in {(e.field, e.code) for e in caught.value.errors}


def test_the_report_refuses_a_date_outside_the_range(world: SchoolWorld) -> None:
    with pytest.raises(CommandError, match="before 1990"):
        call_command(
            "attendance_report", "--school", "100001", "--from", "0001-01-01", "--format", "json"
        )


# --- pages: a 400 saying why --------------------------------------------------------------------


def _attendance(world: SchoolWorld, name: str) -> str:
    return reverse(f"attendance:{name}", kwargs={"urn": world.school.urn})


@pytest.mark.parametrize("page", ["school", "cohorts", "cohorts_csv"])
@pytest.mark.parametrize(
    ("query", "why"),
    [
        ("date_from=0001-01-01", "before 1990"),
        ("date_to=2999-01-01", "more than a year from today"),
        ("date_from=2026-13-40", "Enter a valid date"),
    ],
)
def test_attendance_pages_answer_a_bad_date_with_400(
    world: SchoolWorld, signed_in: SignedIn, page: str, query: str, why: str
) -> None:
    response = signed_in(world.lead).get(f"{_attendance(world, page)}?{query}")

    assert response.status_code == 400
    assert why in response.content.decode()


def test_the_chronology_answers_a_bad_date_with_400(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    url = reverse("plans:chronology", kwargs={"urn": "100001", "pupil_id": world.child.pk})

    response = signed_in(world.lead).get(f"{url}?since=0001-01-01")

    assert response.status_code == 400
    assert "before 1990" in response.content.decode()


def test_the_audit_trail_answers_a_bad_date_with_400(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    client = signed_in(world.head)
    for name in ("trail:events", "trail:export"):
        response = client.get(f"{reverse(name, kwargs={'urn': '100001'})}?date_from=0001-01-01")
        assert response.status_code == 400, name


def test_today_answers_a_bad_day_with_400(world: SchoolWorld, signed_in: SignedIn) -> None:
    client = signed_in(world.key_adult_user)
    url = reverse("checkins:today", kwargs={"urn": "100001"})

    assert client.get(f"{url}?day=0001-01-01").status_code == 400
    assert client.get(f"{url}?day=yesterday").status_code == 400
    assert client.get(url).status_code == 200


def test_the_early_years_day_record_answers_a_bad_day_with_400(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    world.school.phase = Phase.EARLY_YEARS
    world.school.save(update_fields=["phase"])
    client = signed_in(world.lead)
    for day in ("0001-01-01", "2026-02-30"):
        url = reverse("earlyyears:day_record", kwargs={"urn": "100001", "day": day})
        response = client.get(url)
        assert response.status_code == 400, day
        assert response.content.decode().count("That address can") >= 1


def test_a_range_that_ends_before_it_starts_is_still_explained_on_the_page(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    url = _attendance(world, "school") + "?date_from=2026-10-01&date_to=2026-09-01"

    response = signed_in(world.lead).get(url)

    assert response.status_code == 200
    assert "on or after its start" in response.content.decode()


# --- uploads -------------------------------------------------------------------------------------


def _attendance_url() -> str:
    return reverse("attendance:upload", kwargs={"urn": "100001"})


@override_settings(ATTUNE_UPLOAD_MAX_MB=1)
def test_an_upload_over_the_limit_is_refused_pointing_to_the_command(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    big = (HEADER + f"100001,{world.child.upn},2026-09-07,AM,/,\n" * 30_000).encode()

    response = signed_in(world.lead).post(
        _attendance_url(), {"kind": "csv", "file": SimpleUploadedFile("big.csv", big)}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "the page takes files up to 1 MB" in page
    assert "attune import_attendance" in page
    with school_scope(world.school):
        assert not SessionMark.objects.exists()


def test_a_refused_upload_lists_the_first_200_problems_and_counts_the_rest(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    rows = "".join(f"100001,{world.child.upn},2026-09-07,AM,?{n},\n" for n in range(450))

    response = signed_in(world.lead).post(
        _attendance_url(),
        {"kind": "csv", "file": SimpleUploadedFile("bad.csv", (HEADER + rows).encode())},
    )

    assert response.status_code == 422
    assert len(response.context["problems"]) == 200
    assert response.context["more_problems"] == 250
    assert "there are 250 more" in response.content.decode()
