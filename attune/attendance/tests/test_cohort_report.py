"""``attune cohort_report``: every cohort, for a school or an authority, counted as specified."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from attune import testing
from attune.attendance.cohort_report import COHORTS, FIELDS
from attune.attendance.imports import attendance_csv_import
from attune.people.models import Cohort, CohortMembership, Pupil
from attune.tenancy import school_scope
from attune.testing import SchoolWorld

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)
DAYS = [date(2026, 9, 7), date(2026, 9, 8), date(2026, 9, 9), date(2026, 9, 10), date(2026, 9, 11)]


def marks(urn: str, upn: str, absent: int, days: list[date] = DAYS) -> list[str]:
    """Five days, ten sessions, the first ``absent`` of them ill."""
    rows = []
    for n, (day, session) in enumerate((d, s) for d in days for s in ("AM", "PM")):
        code = "I" if n < absent else ("/" if session == "AM" else "\\")
        rows.append(f"{urn},{upn},{day},{session},{code},")
    return rows


def load(rows: list[str]) -> None:
    text = "school_urn,upn,date,session,code,minutes_late\n" + "\n".join(rows) + "\n"
    attendance_csv_import(stream=io.StringIO(text), file_name="m.csv", today=TODAY)


def report(*args: str) -> list[dict[str, Any]]:
    out = io.StringIO()
    call_command("cohort_report", *args, "--format", "json", stdout=out)
    records: list[dict[str, Any]] = json.loads(out.getvalue())
    return records


def test_every_cohort_in_order_with_the_fields_asked_for(world: SchoolWorld) -> None:
    # Maya 1 of 10 missed (10%: persistent); Leo (looked after) 5 of 10 (severe too).
    load(marks("100001", world.child.upn, 1) + marks("100001", world.looked_after_child.upn, 5))

    records = report("--school", "100001", "--from", "2026-09-01", "--to", "2026-09-30")

    assert [r["cohort"] for r in records] == list(COHORTS)
    assert all(list(r) == list(FIELDS) for r in records)
    by = {r["cohort"]: r for r in records}
    assert by["all"] == {
        "cohort": "all",
        "pupils": 2,
        "possible_sessions": 20,
        "attendance_pct": 70.0,
        "persistent_absence": 2,
        "severe_absence": 1,
    }
    assert by["looked_after"] == {
        "cohort": "looked_after",
        "pupils": 1,
        "possible_sessions": 10,
        "attendance_pct": 50.0,
        "persistent_absence": 1,
        "severe_absence": 1,
    }
    # A cohort with nobody in it is still there, with no rate.
    assert by["eal"] == {
        "cohort": "eal",
        "pupils": 0,
        "possible_sessions": 0,
        "attendance_pct": None,
        "persistent_absence": 0,
        "severe_absence": 0,
    }


def test_children_with_no_sessions_are_counted_but_have_no_absence(world: SchoolWorld) -> None:
    records = report("--school", "100001", "--from", "2026-09-01", "--to", "2026-09-30")

    everyone = records[0]
    assert (everyone["pupils"], everyone["possible_sessions"], everyone["attendance_pct"]) == (
        2,
        0,
        None,
    )
    assert (everyone["persistent_absence"], everyone["severe_absence"]) == (0, 0)


def test_a_cohort_counts_children_in_it_on_a_day_of_the_range(world: SchoolWorld) -> None:
    with school_scope(world.school):
        CohortMembership.objects.create(
            school=world.school,
            pupil=world.child,
            cohort=Cohort.FSM,
            start_date=date(2025, 9, 1),
            end_date=date(2026, 7, 20),
        )

    def fsm(date_from: str, date_to: str) -> int:
        records = report("--school", "100001", "--from", date_from, "--to", date_to)
        return int({r["cohort"]: r for r in records}["fsm"]["pupils"])

    assert fsm("2026-07-20", "2026-09-30") == 1  # the last day of the membership is in range
    assert fsm("2026-07-21", "2026-09-30") == 0


def test_an_authority_counts_a_child_at_two_of_its_schools_once(
    world: SchoolWorld, other_world: SchoolWorld
) -> None:
    """Both schools are in Kent (886). Maya moved: the same UPN is on Riverside's roll too."""
    with school_scope(other_world.school):
        Pupil.objects.create(
            school=other_world.school,
            upn=world.child.upn,
            legal_forename="Maya",
            legal_surname="Fletcher",
            date_of_birth=world.child.date_of_birth,
            year_group=4,
        )
    later = [day.replace(day=day.day + 7) for day in DAYS]  # her first week at Riverside
    load(marks("100001", world.child.upn, 2) + marks("100009", world.child.upn, 0, later))

    by = {r["cohort"]: r for r in report("--la", "886", "--from", "2026-09-01")}

    # Maya (20 sessions, 2 missed, on both rolls), Leo, and Riverside's own two: four
    # children, not five.
    assert (by["all"]["pupils"], by["all"]["possible_sessions"]) == (4, 20)
    assert (by["all"]["attendance_pct"], by["all"]["persistent_absence"]) == (90.0, 1)


def test_csv_is_written_through_the_one_writer(world: SchoolWorld) -> None:
    load(marks("100001", world.child.upn, 3))
    out = io.StringIO()

    call_command("cohort_report", "--school", "100001", "--format", "csv", stdout=out)

    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == list(FIELDS)
    assert rows[1] == ["all", "2", "10", "70.0", "1", "0"]
    assert rows[2][0] == "looked_after" and rows[2][3] == ""  # no sessions: no rate
    assert len(rows) == 1 + len(COHORTS)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--school", "999999"], "We don't have a school with URN 999999"),
        (["--la", "123"], "We don't have a local authority numbered 123"),
        (["--school", "100001", "--from", "2026-10-01", "--to", "2026-09-01"], "is after"),
    ],
)
def test_bad_arguments_are_one_line_reasons(
    world: SchoolWorld, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("cohort_report", *args, "--format", "json")


def test_school_and_la_cannot_both_be_given(world: SchoolWorld) -> None:
    with pytest.raises(CommandError):
        call_command("cohort_report", "--school", "100001", "--la", "886", "--format", "json")


def test_a_date_before_1990_is_refused(world: SchoolWorld) -> None:
    with pytest.raises(CommandError, match="before 1990"):
        call_command(
            "cohort_report", "--school", "100001", "--from", "0001-01-01", "--format", "json"
        )


def test_the_testing_world_shares_kent(world: SchoolWorld) -> None:
    assert world.school.local_authority == testing.local_authority()
