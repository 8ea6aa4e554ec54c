"""``attune attendance_report``: the stable output, byte for byte, and its error paths."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from attune.attendance import week_counts
from attune.attendance.domain.calculations import summarise
from attune.attendance.models import SessionMark
from attune.attendance.selectors import school_attendance
from attune.people.models import Pupil
from attune.tenancy import school_scope
from attune.testing import SchoolWorld

pytestmark = pytest.mark.django_db


def mark(pupil: Pupil, day: date, session: str, code: str) -> SessionMark:
    """One mark, with its week's and year's counts kept as every writer keeps them."""
    with school_scope(pupil.school_id):
        made = SessionMark.objects.create(
            school_id=pupil.school_id,
            pupil=pupil,
            date=day,
            session=session,
            code=code,
            original_code=code,
        )
        week_counts.refresh(pupil.school_id, [(pupil.pk, day)])
        return made


@pytest.fixture
def register(world: SchoolWorld, other_world: SchoolWorld) -> SchoolWorld:
    """Maya: 8 possible sessions, 1 authorised and 1 unauthorised absence, a closure, an X.
    Leo: no marks. The other school's child has marks that must never appear."""
    codes = ["/", "\\", "/", "I", "L", "\\", "/", "N", "#", "X"]
    for n, code in enumerate(codes):
        mark(world.child, date(2026, 9, 7 + n // 2), ("AM", "PM")[n % 2], code)
    mark(other_world.child, date(2026, 9, 7), "AM", "N")
    return world


def report(*args: str) -> str:
    out = io.StringIO()
    call_command("attendance_report", *args, stdout=out)
    return out.getvalue()


def test_json_is_exactly_as_specified(register: SchoolWorld) -> None:
    maya, leo = register.child.upn, register.looked_after_child.upn
    records = {
        maya: (
            f'    "upn": "{maya}",\n'
            '    "possible_sessions": 8,\n'
            '    "present_sessions": 6,\n'
            '    "authorised_absence_sessions": 1,\n'
            '    "unauthorised_absence_sessions": 1,\n'
            '    "attendance_pct": 75.0,\n'
            '    "persistent_absence": true,\n'
            '    "severe_absence": false\n'
        ),
        leo: (
            f'    "upn": "{leo}",\n'
            '    "possible_sessions": 0,\n'
            '    "present_sessions": 0,\n'
            '    "authorised_absence_sessions": 0,\n'
            '    "unauthorised_absence_sessions": 0,\n'
            '    "attendance_pct": null,\n'
            '    "persistent_absence": null,\n'
            '    "severe_absence": null\n'
        ),
    }
    body = "  },\n  {\n".join(records[upn] for upn in sorted(records))

    assert report("--school", "100001", "--format", "json") == "[\n  {\n" + body + "  }\n]\n"


def test_csv_is_exactly_as_specified(register: SchoolWorld) -> None:
    maya, leo = register.child.upn, register.looked_after_child.upn
    rows = {maya: f"{maya},8,6,1,1,75.0,true,false\n", leo: f"{leo},0,0,0,0,,,\n"}

    assert report("--school", "100001", "--format", "csv") == (
        "upn,possible_sessions,present_sessions,authorised_absence_sessions,"
        "unauthorised_absence_sessions,attendance_pct,persistent_absence,severe_absence\n"
        + "".join(rows[upn] for upn in sorted(rows))
    )


def test_from_and_to_include_both_ends(register: SchoolWorld) -> None:
    maya = register.child.upn
    text = report(
        "--school", "100001", "--from", "2026-09-08", "--to", "2026-09-09", "--format", "csv"
    )

    # 8 Sep: / I, 9 Sep: L \ -> 4 possible, 1 authorised absence
    assert f"{maya},4,3,1,0,75.0,true,false\n" in text


def test_a_percentage_keeps_its_decimals(world: SchoolWorld) -> None:
    for n, code in enumerate(["/", "\\", "N"]):
        mark(world.child, date(2026, 9, 7 + n // 2), ("AM", "PM")[n % 2], code)

    assert f"{world.child.upn},3,2,0,1,66.66666666666667,true,false\n" in report(
        "--school", "100001", "--format", "csv"
    )


def test_the_database_counts_agree_with_the_pure_sums(register: SchoolWorld) -> None:
    with school_scope(register.school):
        rows = {row.pupil_id: row.summary for row in school_attendance()}
        codes = list(
            SessionMark.objects.filter(pupil=register.child).values_list("code", flat=True)
        )

    assert rows[register.child.pk] == summarise(codes)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--school", "999999", "--format", "json"], "We don't have a school with URN 999999."),
        (
            ["--school", "100001", "--from", "2026-09-09", "--to", "2026-09-08", "--format", "csv"],
            "--from 2026-09-09 is after --to 2026-09-08.",
        ),
        (["--school", "100001", "--from", "9/9/2026", "--format", "csv"], "isn't a YYYY-MM-DD"),
        (["--school", "100001", "--format", "xml"], "invalid choice"),
        (["--format", "json"], "the following arguments are required: --school"),
    ],
)
def test_errors_are_one_line(register: SchoolWorld, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        report(*args)
