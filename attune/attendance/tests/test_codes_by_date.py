"""A pre-2024 register gives the figures the rules of its day give, everywhere they are read:
the weekly and yearly counts, the report, cohort figures, early warnings and the child's page;
and marks stored before codes were read by date are put right by migration 0010."""

from __future__ import annotations

import importlib
import io
import json
from collections import Counter, defaultdict
from datetime import date, timedelta
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command

from attune.attendance import week_counts
from attune.attendance.county import cohort_figures
from attune.attendance.domain.calculations import week_of
from attune.attendance.domain.codes import Category, category
from attune.attendance.imports import attendance_csv_import
from attune.attendance.models import MarkChange, SessionMark, WeekCounts, YearCounts
from attune.attendance.selectors import pupil_attendance_page
from attune.people.models import Pupil
from attune.tenancy import school_scope, scopes_disabled
from attune.testing import SchoolWorld, weekdays_from

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)
MONDAY = date(2023, 10, 2)  # the week of the interview


def register_2023(world: SchoolWorld) -> str:
    """Maya: nine present and an interview (J). Leo: holidays (H, F), an enforced closure (Y),
    an X sub-code, and an interview after the change day."""
    maya, leo = world.child.upn, world.looked_after_child.upn
    rows = ["school_urn,upn,date,session,code,minutes_late"]
    for n, day in enumerate(weekdays_from(MONDAY, 5)):
        rows += [
            f"100001,{maya},{day},AM,/,",
            f"100001,{maya},{day},PM,{'J' if n == 4 else chr(92)},",
        ]
    for day, am, pm in [
        (date(2023, 10, 2), "H", "F"),
        (date(2023, 10, 3), "Y", "x07"),
        (date(2023, 10, 4), "/", "\\"),
        (date(2024, 9, 2), "J", "/"),  # after 19 August 2024: J is J1, leave
    ]:
        rows += [f"100001,{leo},{day},AM,{am},", f"100001,{leo},{day},PM,{pm},"]
    return "\n".join(rows) + "\n"


def load(world: SchoolWorld) -> None:
    attendance_csv_import(
        stream=io.StringIO(register_2023(world)), file_name="2023.csv", today=TODAY
    )


FIELDS = ("possible", "present", "approved_activity", "authorised_absence", "not_counted")
ATTENDED = (Category.PRESENT, Category.APPROVED_ACTIVITY)
ABSENT = (Category.AUTHORISED, Category.UNAUTHORISED)


def scan(school_id: int) -> dict[tuple[Any, date], tuple[int, ...]]:
    """Each pupil's weeks counted straight from the marks as written, by the one rule
    (``codes.category`` of the original code and its date), not through the stored code."""
    weeks: dict[tuple[Any, date], Counter[Category]] = defaultdict(Counter)
    with scopes_disabled():
        rows = SessionMark.objects.filter(school_id=school_id).values_list(
            "pupil_id", "date", "original_code"
        )
        for pupil_id, day, original in rows:
            weeks[pupil_id, week_of(day)][category(original, day)] += 1
    return {
        key: (
            sum(c[k] for k in (*ATTENDED, *ABSENT)),
            sum(c[k] for k in ATTENDED),
            c[Category.APPROVED_ACTIVITY],
            c[Category.AUTHORISED],
            c[Category.NOT_COUNTED] + c[Category.ADMINISTRATIVE],
        )
        for key, c in weeks.items()
    }


def kept_weeks(school_id: int) -> dict[tuple[Any, date], tuple[int, ...]]:
    with scopes_disabled():
        rows = WeekCounts.objects.filter(school_id=school_id).values_list(
            "pupil_id", "week", *FIELDS
        )
        return {(pupil_id, week): tuple(counts) for pupil_id, week, *counts in rows}


def kept_years(school_id: int) -> list[tuple[Any, ...]]:
    with scopes_disabled():
        return sorted(
            YearCounts.objects.filter(school_id=school_id).values_list("pupil_id", "year", *FIELDS)
        )


def test_an_interview_in_october_2023_is_attended_not_absence(world: SchoolWorld) -> None:
    load(world)
    out = io.StringIO()

    call_command(
        "attendance_report",
        "--school",
        "100001",
        "--from",
        "2023-09-01",
        "--to",
        "2024-07-31",
        "--format",
        "json",
        stdout=out,
    )

    by_upn = {row["upn"]: row for row in json.loads(out.getvalue())}
    maya = by_upn[world.child.upn]
    assert (maya["possible_sessions"], maya["attendance_pct"]) == (10, 100.0)
    assert maya["persistent_absence"] is False
    # Leo: H and F are leave (authorised), Y and X07 not counted, then present twice.
    leo = by_upn[world.looked_after_child.upn]
    assert (leo["possible_sessions"], leo["authorised_absence_sessions"]) == (4, 2)


def test_each_mark_is_stored_as_its_day_read_it_and_the_original_kept(world: SchoolWorld) -> None:
    load(world)
    with school_scope(world.school):
        stored = dict(
            SessionMark.objects.filter(pupil=world.looked_after_child).values_list(
                "original_code", "code"
            )
        )
        maya_j = SessionMark.objects.get(pupil=world.child, original_code="J")
    assert maya_j.code == "J"
    assert stored["H"] == "H" and stored["F"] == "F" and stored["Y"] == "Y"
    assert stored["x07"] == "X"
    with school_scope(world.school):
        after = SessionMark.objects.get(
            pupil=world.looked_after_child, date=date(2024, 9, 2), session="AM"
        )
    assert (after.original_code, after.code) == ("J", "J1")


def test_the_kept_counts_agree_with_a_scan_of_the_marks(world: SchoolWorld) -> None:
    load(world)

    assert kept_weeks(world.school.pk) == scan(world.school.pk)
    before = kept_years(world.school.pk)
    week_counts.rebuild(world.school.pk)
    assert kept_years(world.school.pk) == before
    assert kept_weeks(world.school.pk) == scan(world.school.pk)


def test_cohort_figures_count_the_interview_as_attended(world: SchoolWorld) -> None:
    load(world)

    [everyone, *_] = cohort_figures(
        school_ids=[world.school.pk], date_from=MONDAY, date_to=MONDAY + timedelta(days=4)
    )
    # Maya's 10 attended, Leo's 2 authorised of 4 possible: 2 absent of 14.
    assert (everyone.possible_sessions, everyone.absent_sessions) == (14, 2)


def test_the_childs_page_shows_the_code_as_written_and_what_it_counts_as(
    world: SchoolWorld,
) -> None:
    load(world)
    with school_scope(world.school):
        page = pupil_attendance_page(world.looked_after_child, today=date(2024, 9, 6))
    [week] = page.weeks
    monday = week.days[0]
    assert (monday.am, monday.am_read, monday.pm, monday.pm_read) == ("J", "J1", "/", "")
    assert [c.code for c in page.codes_used] == ["/", "J1"]


# --- putting right marks stored the old way -----------------------------------------------------

MIGRATION = importlib.import_module("attune.attendance.migrations.0010_codes_read_by_date")


def store_the_old_way(world: SchoolWorld) -> None:
    """What every import stored before codes were read by date: J -> J1, H/F -> C, Y -> Y7
    whatever the date, counted that way."""
    load(world)
    with scopes_disabled():
        marks = SessionMark.objects.filter(school=world.school)
        for old, was in MIGRATION.STORED_AS.items():
            marks.filter(original_code=old, date__lt=date(2024, 8, 19)).update(code=was)
        change = SessionMark.objects.get(pupil=world.child, original_code="J")
        MarkChange.objects.create(
            school=world.school,
            pupil=world.child,
            date=change.date,
            session=change.session,
            old_code="J1",
            old_original_code="J",
            new_code="J1",
            new_original_code="J",
            changed_at=change.date.isoformat() + "T09:00:00Z",
        )
    week_counts.rebuild(world.school.pk)  # the counts those stored codes gave


def test_the_migration_puts_stored_marks_and_their_counts_right(world: SchoolWorld) -> None:
    store_the_old_way(world)
    with school_scope(world.school):
        maya = Pupil.objects.get(pk=world.child.pk)
        assert pupil_attendance_page(maya, today=date(2023, 10, 6)).summary.attendance_pct == 90.0

    with scopes_disabled():
        MIGRATION.forwards(apps, None)

    with scopes_disabled():
        assert SessionMark.objects.get(pupil=world.child, original_code="J").code == "J"
        assert MarkChange.objects.get().old_code == "J"
    assert kept_weeks(world.school.pk) == scan(world.school.pk)
    moved = kept_years(world.school.pk)
    week_counts.rebuild(world.school.pk)
    assert kept_years(world.school.pk) == moved  # as a recount gives them
    with school_scope(world.school):
        assert pupil_attendance_page(maya, today=date(2023, 10, 6)).summary.attendance_pct == 100.0


def test_the_migration_goes_back_too(world: SchoolWorld) -> None:
    store_the_old_way(world)
    stored_before = kept_years(world.school.pk)

    with scopes_disabled():
        MIGRATION.forwards(apps, None)
        MIGRATION.backwards(apps, None)

    assert kept_years(world.school.pk) == stored_before
    with scopes_disabled():
        assert SessionMark.objects.get(pupil=world.child, original_code="J").code == "J1"
