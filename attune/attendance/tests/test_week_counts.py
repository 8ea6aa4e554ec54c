"""Weekly counts: kept by the importers, equal to summing the marks, for any date range.

These run on SQLite and on PostgreSQL in CI, so the SQL recount and the portable one are both
held to ``summarise`` over the stored marks.
"""

from __future__ import annotations

import io
import random
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attune.attendance import week_counts
from attune.attendance.county import cohort_figures, cohort_figures_by_school
from attune.attendance.domain.calculations import AttendanceSummary, summarise, summarise_counts
from attune.attendance.domain.codes import CODES
from attune.attendance.imports import attendance_csv_import
from attune.attendance.models import SessionMark, WeekCounts, YearCounts
from attune.people.models import Pupil
from attune.tenancy import school_scope, scopes_disabled
from attune.testing import SchoolWorld

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)
FIRST = date(2026, 9, 3)  # a Thursday, so the first week is a part week
CODES_USED = ("/", "\\", "L", "U", "I", "M", "N", "O", "G", "C", "X", "#", "B", "E")


def register(world: SchoolWorld, seed: int, days: int = 30, first: date = FIRST) -> str:
    rng = random.Random(seed)
    lines = ["school_urn,upn,date,session,code,minutes_late"]
    weekdays = [
        first + timedelta(n) for n in range(days * 2) if (first + timedelta(n)).weekday() < 5
    ]
    for child in (world.child, world.looked_after_child):
        for day in weekdays[:days]:
            for session in ("AM", "PM"):
                code = rng.choice(CODES_USED)
                late = str(rng.randint(1, 30)) if code in ("L", "U") else ""
                lines.append(f"{world.school.urn},{child.upn},{day},{session},{code},{late}")
    return "\n".join(lines) + "\n"


def load(text: str) -> None:
    attendance_csv_import(stream=io.StringIO(text), file_name="marks.csv", today=TODAY)


def from_marks(pupil: Pupil, date_from: date, date_to: date) -> AttendanceSummary:
    with school_scope(pupil.school_id):
        codes = SessionMark.objects.filter(pupil=pupil, date__range=(date_from, date_to))
        return summarise(codes.values_list("code", flat=True))


RANGES = [
    (date(2026, 9, 1), date(2026, 12, 31)),  # everything
    (date(2026, 9, 7), date(2026, 9, 20)),  # two whole weeks exactly
    (date(2026, 9, 9), date(2026, 9, 23)),  # Wednesday to Wednesday: two edges
    (date(2026, 9, 10), date(2026, 9, 11)),  # inside one week
    (date(2026, 9, 14), date(2026, 9, 18)),  # Monday to Friday: no whole week
    (date(2026, 10, 3), date(2026, 10, 4)),  # a weekend: nothing
    (date(2026, 8, 1), date(2027, 8, 1)),  # the whole school year: its yearly counts
    (date(2025, 7, 1), date(2027, 9, 30)),  # years, weeks either side and odd days
    (date(2026, 9, 1), date(2099, 1, 1)),  # to the future: the rest of the year too
    (date(2026, 9, 1), date(2026, 11, 23)),  # 1 September to today: read as the whole year
    (date(2026, 9, 10), date(2026, 11, 23)),  # from a day after the first marks
]


@pytest.mark.parametrize(("date_from", "date_to"), RANGES)
def test_any_range_adds_up_to_the_marks(world: SchoolWorld, date_from: date, date_to: date) -> None:
    load(register(world, seed=1))
    # Re-import a different register over it: marks are replaced, weeks counted again.
    load(register(world, seed=2, days=12, first=date(2026, 9, 14)))

    with school_scope(world.school):
        got = week_counts.pupil_summaries(date_from=date_from, date_to=date_to)
    for child in (world.child, world.looked_after_child):
        expected = from_marks(child, date_from, date_to)
        assert got.get(child.pk, AttendanceSummary()) == expected


def test_the_counts_are_what_a_rebuild_from_the_marks_gives(world: SchoolWorld) -> None:
    load(register(world, seed=3))
    load(register(world, seed=4, days=8, first=date(2026, 9, 21)))

    kept = kept_rows(world)
    weeks = [row for row in kept if isinstance(row[1], date)]
    assert weeks, "the import wrote weekly counts"
    assert all(isinstance(week, date) and week.weekday() == 0 for _, week, *_ in weeks)
    # Each child's school year is the sum of its weeks.
    for child in (world.child, world.looked_after_child):
        [year] = [row for row in kept if row[0] == child.pk and row[1] == 2026]
        child_weeks = [row for row in weeks if row[0] == child.pk]
        columns = zip(*(r[2:] for r in child_weeks), strict=True)
        assert list(year[2:]) == [sum(column) for column in columns]
    call_command("rebuild_attendance_counts", school=world.school.urn, stdout=io.StringIO())
    assert kept_rows(world) == kept


def test_a_rebuild_writes_a_week_at_a_time_as_imports_do(world: SchoolWorld) -> None:
    """A range of weeks is then a few runs of the table, not a row on every page."""
    load(register(world, seed=5, days=20))
    call_command("rebuild_attendance_counts", school=world.school.urn, stdout=io.StringIO())

    with scopes_disabled():
        in_order = WeekCounts.objects.filter(school=world.school).order_by("id")
        written = list(in_order.values_list("week", "pupil_id"))
    assert len({pupil for _, pupil in written}) == 2 and len({w for w, _ in written}) > 3
    assert written == sorted(written)


def kept_rows(world: SchoolWorld) -> list[tuple[object, ...]]:
    with scopes_disabled():
        weeks = WeekCounts.objects.filter(school=world.school).order_by("pupil_id", "week")
        years = YearCounts.objects.filter(school=world.school).order_by("pupil_id", "year")
        return list(weeks.values_list("pupil_id", "week", *week_counts.FIELDS)) + list(
            years.values_list("pupil_id", "year", *week_counts.FIELDS)
        )


def shuffled_register(world: SchoolWorld, rng: random.Random, days: list[date]) -> str:
    """Some of the children's marks on some of the days, in any order, with any codes."""
    lines = ["school_urn,upn,date,session,code,minutes_late"]
    for child in (world.child, world.looked_after_child):
        for day in rng.sample(days, rng.randint(1, len(days))):
            for session in rng.sample(["AM", "PM"], rng.randint(1, 2)):
                # Few codes, so marks often come back the same, or differ only in minutes.
                code = rng.choice(("/", "L", "N", "X"))
                late = str(rng.randint(1, 3)) if code == "L" else ""
                lines.append(f"{world.school.urn},{child.upn},{day},{session},{code},{late}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("seed", range(4))
def test_counts_kept_through_many_imports_equal_a_rebuild(world: SchoolWorld, seed: int) -> None:
    # Across the summer, so a week's year is the one its Monday falls in (28 July 2025 is
    # a Monday of 2024/25; its Saturday, 2 August, counts there too).
    rng = random.Random(seed)
    days = [date(2025, 7, 21) + timedelta(n) for n in range(21)]
    for _ in range(6):
        load(shuffled_register(world, rng, days))
    kept = kept_rows(world)
    assert {row[1] for row in kept if isinstance(row[1], int)} <= {2024, 2025}
    call_command("rebuild_attendance_counts", school=world.school.urn, stdout=io.StringIO())
    assert kept_rows(world) == kept


@pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks are PostgreSQL's")
def test_a_schools_writers_queue_on_its_lock(world: SchoolWorld, other_world: SchoolWorld) -> None:
    ids = [other_world.school.pk, world.school.pk]
    week_counts.lock_schools(ids)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND pid = pg_backend_pid() AND classid = %s",
            [week_counts._MARKS_LOCK],
        )
        assert sorted(objid for (objid,) in cursor.fetchall()) == sorted(ids)


def test_weeks_left_without_marks_lose_their_counts(world: SchoolWorld) -> None:
    load(register(world, seed=5, days=5, first=date(2026, 9, 7)))
    with scopes_disabled():
        SessionMark.objects.filter(school=world.school, pupil=world.child).delete()
        week_counts.refresh(world.school.pk, [(world.child.pk, date(2026, 9, 9))])
        assert not WeekCounts.objects.filter(pupil=world.child).exists()
        assert not YearCounts.objects.filter(pupil=world.child).exists()
        assert WeekCounts.objects.filter(pupil=world.looked_after_child).exists()
        assert YearCounts.objects.filter(pupil=world.looked_after_child).exists()


@pytest.mark.parametrize("code", sorted(CODES))
def test_each_column_counts_the_codes_summarise_counts(code: str) -> None:
    summary = summarise_counts({code: 1})
    for name in week_counts.FIELDS:
        assert getattr(summary, name) == (code in week_counts.COLUMN_CODES[name]), name


def test_county_figures_match_school_by_school_and_the_marks(
    world: SchoolWorld, other_world: SchoolWorld
) -> None:
    load(register(world, seed=6))
    schools = [world.school.pk, other_world.school.pk]
    date_from, date_to = date(2026, 9, 9), date(2026, 10, 7)

    [every, *cohorts] = cohort_figures(school_ids=schools, date_from=date_from, date_to=date_to)
    by_school = cohort_figures_by_school(school_ids=schools, date_from=date_from, date_to=date_to)

    assert list(by_school) == [world.school.pk]  # the other school has no marks
    assert by_school[world.school.pk][0] == every
    assert [f.cohort for f in by_school[world.school.pk][1:]] == [f.cohort for f in cohorts]
    summaries = [
        from_marks(child, date_from, date_to) for child in (world.child, world.looked_after_child)
    ]
    assert every.possible_sessions == sum(s.possible for s in summaries)
    assert every.absent_sessions == sum(s.absence for s in summaries)
    assert every.persistent_absentees == sum(bool(s.persistent_absence) for s in summaries)


def test_most_of_the_marked_weeks_are_read_as_the_year_less_the_others(
    world: SchoolWorld,
) -> None:
    load(register(world, seed=8))  # 30 school days from 1 September
    date_from, date_to = date(2026, 9, 7), date(2026, 10, 4)  # four of the six marked weeks
    with school_scope(world.school), CaptureQueriesContext(connection) as queries:
        got = week_counts.pupil_summaries(date_from=date_from, date_to=date_to)
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert "attendance_yearcounts" in tables and "attendance_weekcounts" in tables
    assert got == {
        child.pk: from_marks(child, date_from, date_to)
        for child in (world.child, world.looked_after_child)
    }


def test_from_september_to_today_is_read_from_the_yearly_counts(world: SchoolWorld) -> None:
    load(register(world, seed=7))
    with school_scope(world.school), CaptureQueriesContext(connection) as queries:
        got = week_counts.pupil_summaries(date_from=date(2026, 9, 1), date_to=TODAY)
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert "attendance_yearcounts" in tables and "attendance_weekcounts" not in tables
    assert got[world.child.pk] == from_marks(world.child, date(2026, 9, 1), TODAY)
