"""County cohort figures: the same sums on SQLite and PostgreSQL, one query on PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attune.attendance import week_counts
from attune.attendance.county import (
    ALL_PUPILS,
    _ordered,
    _portable,
    cohort_figures,
    cohort_figures_by_school,
    county_statement,
)
from attune.attendance.models import SessionMark
from attune.people.models import Cohort, CohortMembership, Pupil, School
from attune.tenancy import school_scope, scopes_disabled
from attune.testing import SchoolWorld, pupil

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 9, 7)


def marks(place: School, child: Pupil, codes: str) -> None:
    """One code a session, AM then PM, from ``MONDAY`` on."""
    with school_scope(place):
        SessionMark.objects.bulk_create(
            SessionMark(
                school=place,
                pupil=child,
                date=MONDAY + timedelta(days=n // 2),
                session=("AM", "PM")[n % 2],
                code=code,
                original_code=code,
            )
            for n, code in enumerate(codes)
        )
        days = [MONDAY + timedelta(days=n // 2) for n in range(len(codes))]
        week_counts.refresh(place.pk, [(child.pk, day) for day in days])


def test_cohorts_against_all_pupils_across_schools(
    world: SchoolWorld, other_world: SchoolWorld
) -> None:
    # Maya: 10 possible, 1 absent (10%: persistent). Leo (looked after): 10 possible, 5 absent
    # (50%: severe too). Another school's child: 9 present, 1 "not counted" (X).
    marks(world.school, world.child, "/\\/\\/\\/\\/N")
    marks(world.school, world.looked_after_child, "/\\/\\/IIIIN")
    elsewhere = pupil(other_world.school, forename="Ada", surname="Lee")
    marks(other_world.school, elsewhere, "/\\/\\/\\/\\/X")
    schools = [world.school.pk, other_world.school.pk]

    figures = cohort_figures(school_ids=schools, date_from=MONDAY, date_to=MONDAY + timedelta(9))

    every, looked_after = figures
    assert every.cohort == ALL_PUPILS and looked_after.cohort == Cohort.LOOKED_AFTER
    assert (every.pupils, every.possible_sessions, every.absent_sessions) == (3, 29, 6)
    assert (every.persistent_absentees, every.severe_absentees) == (2, 1)
    assert every.attendance_pct == Decimal("79.31")
    assert every.persistent_absence_pct == Decimal("66.67")
    assert (looked_after.pupils, looked_after.severe_absence_pct) == (1, Decimal("100.00"))
    assert looked_after.label == "Looked after"


def test_asking_for_some_cohorts_gives_their_rows_as_asking_for_all(
    world: SchoolWorld, other_world: SchoolWorld
) -> None:
    marks(world.school, world.child, "/\\/\\/\\/\\/N")
    marks(world.school, world.looked_after_child, "/\\/\\/IIIIN")
    with school_scope(world.school):  # both children in a cohort the page does not ask for
        for child in (world.child, world.looked_after_child):
            CohortMembership.objects.create(
                school=world.school, pupil=child, cohort=Cohort.FSM, start_date=MONDAY
            )
    schools = [world.school.pk, other_world.school.pk]
    first, last = MONDAY, MONDAY + timedelta(9)
    wanted = (Cohort.LOOKED_AFTER, Cohort.CHILD_IN_NEED)

    every = cohort_figures(school_ids=schools, date_from=first, date_to=last)
    some = cohort_figures(school_ids=schools, date_from=first, date_to=last, cohorts=wanted)
    by_school = cohort_figures_by_school(
        school_ids=schools, date_from=first, date_to=last, cohorts=wanted
    )

    assert [f.cohort for f in every] == [ALL_PUPILS, Cohort.LOOKED_AFTER, Cohort.FSM]
    assert some == every[:2]  # all pupils, then only the cohorts asked for
    assert by_school == {world.school.pk: some}


def test_only_the_given_schools_and_dates_count(
    world: SchoolWorld, other_world: SchoolWorld
) -> None:
    marks(world.school, world.child, "NNNN")
    elsewhere = pupil(other_world.school, forename="Ada", surname="Lee")
    marks(other_world.school, elsewhere, "/\\/\\")

    [every] = cohort_figures(school_ids=[other_world.school.pk], date_from=MONDAY, date_to=MONDAY)
    assert (every.pupils, every.absent_sessions, every.persistent_absentees) == (1, 0, 0)
    assert every.attendance_pct == Decimal("100.00")
    [empty] = cohort_figures(
        school_ids=[world.school.pk], date_from=date(2027, 1, 1), date_to=date(2027, 1, 2)
    )
    assert (empty.pupils, empty.attendance_pct, empty.persistent_absence_pct) == (0, None, None)


def test_the_figures_are_one_query_on_postgresql(world: SchoolWorld) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the single-query form is PostgreSQL's")
    marks(world.school, world.child, "/N")
    with CaptureQueriesContext(connection) as queries:
        cohort_figures(school_ids=[world.school.pk], date_from=MONDAY, date_to=MONDAY)
    sql = [q["sql"] for q in queries.captured_queries]
    # One query adds everything up; before it, at most two index reads check whether the
    # range can be read as whole school years (week_counts.widen).
    assert len([s for s in sql if "per_pupil" in s]) == 1
    checks = [s for s in sql if "per_pupil" not in s and "attendance_sessionmark" in s]
    assert len(checks) <= 2 and all(s.startswith("SELECT 1 AS") for s in checks)


def test_a_whole_school_year_is_read_as_one_row_a_pupil(
    world: SchoolWorld, other_world: SchoolWorld
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the one-year statement is PostgreSQL's")
    marks(world.school, world.child, "/\\/\\/\\/\\/N")
    marks(world.school, world.looked_after_child, "/\\/\\/IIIIN")
    not_counted = pupil(world.school, forename="Kit", surname="Moss")
    marks(world.school, not_counted, "XXXX")  # no possible session: left out
    elsewhere = pupil(other_world.school, forename="Ada", surname="Lee")
    marks(other_world.school, elsewhere, "/\\/\\/\\/\\/X")
    schools = [world.school.pk, other_world.school.pk]
    # From 1 August (in a week the year before owns, with no counts there) to the summer.
    first, last = date(2026, 8, 1), date(2027, 7, 31)

    statement, params = county_statement(schools, first, last)
    assert "sum(possible)" not in statement.split("masks AS")[0]
    assert params["years"] == [2026]
    figures = cohort_figures(school_ids=schools, date_from=first, date_to=last)
    assert figures == _ordered(_portable(schools, first, last, by_school=False)[0])
    assert (figures[0].pupils, figures[0].possible_sessions, figures[0].absent_sessions) == (
        3,
        29,
        6,
    )
    by_school = cohort_figures_by_school(school_ids=schools, date_from=first, date_to=last)
    assert by_school == {
        school: _ordered(rows)
        for school, rows in _portable(schools, first, last, by_school=True).items()
    }


def test_an_odd_stretch_read_as_its_week_less_the_other_days(
    world: SchoolWorld, other_world: SchoolWorld
) -> None:
    # Two school weeks (the weekend between closed, "#"). Maya is absent on the first Monday
    # morning and Friday afternoon, then every session of the second week; Leo is absent on
    # the first Monday and Friday.
    marks(world.school, world.child, "N/\\/\\/\\/\\N" + "####" + "NN" * 5)
    marks(world.school, world.looked_after_child, "II" + "/\\" * 3 + "II" + "####" + "/\\" * 5)
    schools = [world.school.pk, other_world.school.pk]
    # Tuesday to Thursday, then Tuesday to the next Thursday: each odd stretch has fewer school
    # days outside it than in, so its week is read less Monday (or Friday).
    for date_from, date_to, possible, absent in (
        (MONDAY + timedelta(1), MONDAY + timedelta(3), 12, 0),
        (MONDAY + timedelta(1), MONDAY + timedelta(10), 32, 11),
    ):
        with scopes_disabled():
            split = week_counts.reading_split(date_from, date_to, schools)
        assert split.less_edges and not split.edges
        figures = cohort_figures(school_ids=schools, date_from=date_from, date_to=date_to)
        every = figures[0]
        assert (every.pupils, every.possible_sessions, every.absent_sessions) == (
            2,
            possible,
            absent,
        )
        assert figures == _ordered(_portable(schools, date_from, date_to, by_school=False)[0])
