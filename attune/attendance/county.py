"""Attendance across many schools: each cohort's figures against all pupils, summed in SQL.

For a local authority (or any set of schools) over a date range: for every cohort, and for all
pupils, how many pupils had marks, their overall attendance, and the share persistently (10% or
more of possible sessions missed) and severely (50% or more) absent. The database adds up each
pupil's yearly and weekly counts (``week_counts``: a row a pupil for a whole school year, a row
a week otherwise, never every mark) plus the marks of any odd days at the ends of the range;
each pupil's cohorts become one number, and the pupils are added up by that number, so a
county's year is one query over one row a pupil.

Which codes are possible sessions and which are absences comes from the pure codes module, so
the SQL counts what ``calculations.summarise`` counts.

This crosses schools, so it does not use the school-scoped managers: the caller decides which
schools a user may see (an LA officer's own authority) and passes them in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Q

from attune.attendance.domain.calculations import AttendanceSummary
from attune.attendance.domain.codes import ALL_CODES
from attune.attendance.models import SessionMark, WeekCounts, YearCounts
from attune.attendance.week_counts import pupil_summaries, reading_split
from attune.people.models import Cohort, CohortMembership, Pupil
from attune.tenancy import scopes_disabled

ALL_PUPILS = ""  # the ``cohort`` of the row for all pupils
# Stored codes, retired ones included (each already carries the meaning of its date).
POSSIBLE_CODES = tuple(sorted(code for code, c in ALL_CODES.items() if c.possible))
ABSENCE_CODES = tuple(sorted(code for code, c in ALL_CODES.items() if c.is_absence))


@dataclass(frozen=True, slots=True)
class CohortFigures:
    """One cohort's (or all pupils') attendance over the range.

    Rates are ``None`` when no pupil in the group had a possible session: no rate, not 0%.
    """

    cohort: str  # a ``Cohort`` value, or ``ALL_PUPILS``
    pupils: int  # pupils with at least one possible session
    possible_sessions: int
    absent_sessions: int
    persistent_absentees: int
    severe_absentees: int

    @property
    def label(self) -> str:
        return "All pupils" if self.cohort == ALL_PUPILS else Cohort(self.cohort).label

    @property
    def attendance_pct(self) -> Decimal | None:
        if not self.possible_sessions:
            return None
        present = self.possible_sessions - self.absent_sessions
        return (Decimal(100) * present / self.possible_sessions).quantize(Decimal("0.01"))

    @property
    def persistent_absence_pct(self) -> Decimal | None:
        return _share(self.persistent_absentees, self.pupils)

    @property
    def severe_absence_pct(self) -> Decimal | None:
        return _share(self.severe_absentees, self.pupils)


def _share(part: int, whole: int) -> Decimal | None:
    return (Decimal(100) * part / whole).quantize(Decimal("0.01")) if whole else None


_MARKS = SessionMark._meta.db_table
_WEEKS = WeekCounts._meta.db_table
_YEARS = YearCounts._meta.db_table
_MEMBERS = CohortMembership._meta.db_table

# Per pupil (and school): possible and absent sessions in the range. Whole school years come
# from the yearly counts, less any weeks outside the range (``reading_split``); other whole
# weeks from the weekly counts (a few rows a pupil); the odd days at either end from the marks,
# by the (school, date) index, or their weeks less the days outside the range
# (``weeks_less_days``). A pupil whose marks all lie outside adds up to no possible
# session and is left out. Cohort membership overlapping the range counts. Each pupil's sums
# are whole numbers (``::int``): PostgreSQL adds bigints as numerics, several times slower.
_PER_PUPIL = """
    SELECT {key}, sum(possible)::int AS possible, sum(absent)::int AS absent
    FROM (
        SELECT school_id, pupil_id, possible,
               authorised_absence + unauthorised_absence AS absent
        FROM {years}
        WHERE school_id = ANY(%(schools)s) AND year = ANY(%(years)s)
        UNION ALL
        SELECT school_id, pupil_id, possible,
               authorised_absence + unauthorised_absence AS absent
        FROM {weeks}
        WHERE school_id = ANY(%(schools)s)
          AND (week BETWEEN %(weeks1_from)s AND %(weeks1_to)s
               OR week BETWEEN %(weeks2_from)s AND %(weeks2_to)s)
        UNION ALL
        SELECT school_id, pupil_id, -possible,
               -(authorised_absence + unauthorised_absence) AS absent
        FROM {weeks}
        WHERE school_id = ANY(%(schools)s)
          AND (week BETWEEN %(less1_from)s AND %(less1_to)s
               OR week BETWEEN %(less2_from)s AND %(less2_to)s)
        UNION ALL
        SELECT school_id, pupil_id, sign * (code = ANY(%(possible)s))::int,
               sign * (code = ANY(%(absence)s))::int
        FROM (
            SELECT school_id, pupil_id, code,
                   CASE WHEN date BETWEEN %(less_edge1_from)s AND %(less_edge1_to)s
                          OR date BETWEEN %(less_edge2_from)s AND %(less_edge2_to)s
                        THEN -1 ELSE 1 END AS sign
            FROM {marks}
            WHERE school_id = ANY(%(schools)s)
              AND (date BETWEEN %(edge1_from)s AND %(edge1_to)s
                   OR date BETWEEN %(edge2_from)s AND %(edge2_to)s
                   OR date BETWEEN %(less_edge1_from)s AND %(less_edge1_to)s
                   OR date BETWEEN %(less_edge2_from)s AND %(less_edge2_to)s)
        ) odd_days
    ) parts
    GROUP BY {key} HAVING sum(possible) > 0
"""
# A range read from one school year's counts alone (the usual "this school year") is one row
# a pupil already: a pupil has one row a year (a unique constraint), so nothing to add up.
_PER_PUPIL_ONE_YEAR = """
    SELECT {key}, possible, authorised_absence + unauthorised_absence AS absent
    FROM {years}
    WHERE school_id = ANY(%(schools)s) AND year = ANY(%(years)s) AND possible > 0
"""
# Each pupil's cohorts as one number, a bit a cohort (``_COHORT_BITS``): the pupils are then
# added up once, by their set of cohorts (the county benchmark has 81), and each cohort's row is
# the sum of the sets that hold it. Joining every pupil to each of their memberships and
# adding up by cohort took half as long again (0.50 s against 0.33 s for a county's year).
_COHORT_BITS = ", ".join(f"('{cohort}', {1 << n})" for n, cohort in enumerate(Cohort.values))
_SQL = """
WITH per_pupil AS (
{per_pupil}
), masks AS (
    SELECT {key}, bit_or(b.bit) AS mask
    FROM {members} m JOIN (VALUES {bits}) AS b (cohort, bit) ON m.cohort = b.cohort
    WHERE m.school_id = ANY(%(schools)s){which_cohorts}
      AND m.start_date <= %(date_to)s AND (m.end_date IS NULL OR m.end_date >= %(date_from)s)
    GROUP BY {key}
), by_cohorts AS (
    SELECT {group} coalesce(k.mask, 0) AS mask, count(*) AS pupils,
           sum(c.possible) AS possible, sum(c.absent) AS absent,
           sum((c.absent * 10 >= c.possible)::int) AS persistent,
           sum((c.absent * 2 >= c.possible)::int) AS severe
    FROM per_pupil c LEFT JOIN masks k USING ({key})
    GROUP BY {group} coalesce(k.mask, 0)
)
SELECT {group} '' AS cohort, coalesce(sum(pupils), 0)::bigint,
       coalesce(sum(possible), 0)::bigint, coalesce(sum(absent), 0)::bigint,
       coalesce(sum(persistent), 0)::bigint, coalesce(sum(severe), 0)::bigint
FROM by_cohorts {group_by_school}
UNION ALL
SELECT {group} b.cohort, sum(pupils)::bigint, sum(possible)::bigint, sum(absent)::bigint,
       sum(persistent)::bigint, sum(severe)::bigint
FROM by_cohorts JOIN (VALUES {bits}) AS b (cohort, bit) ON by_cohorts.mask & b.bit <> 0
GROUP BY {group} b.cohort
"""


def _statement(
    key: str, group: str, group_by_school: str, per_pupil: str, *, some_cohorts: bool
) -> str:
    tables = {"years": _YEARS, "weeks": _WEEKS, "marks": _MARKS, "members": _MEMBERS}
    return _SQL.format(
        per_pupil=per_pupil.format(key=key, **tables).strip("\n"),
        key=key,
        group=group,
        group_by_school=group_by_school,
        bits=_COHORT_BITS,
        which_cohorts=" AND m.cohort = ANY(%(cohorts)s)" if some_cohorts else "",
        **tables,
    )


def _statements(key: str, group: str, group_by_school: str) -> dict[tuple[bool, bool], str]:
    """Keyed by whether the range is one school year's counts alone, and whether only some
    cohorts are asked for (the Virtual School's page wants its 6 of 11: a county's year took
    0.19 s rather than 0.45 s with only their 12,000 memberships to make sets of)."""
    return {
        (one_year, some): _statement(
            key,
            group,
            group_by_school,
            _PER_PUPIL_ONE_YEAR if one_year else _PER_PUPIL,
            some_cohorts=some,
        )
        for one_year in (False, True)
        for some in (False, True)
    }


_COUNTY_SQL = _statements("pupil_id", "", "")
# A pupil who moved school in the range counts at each school, with that school's marks.
_BY_SCHOOL_SQL = _statements("school_id, pupil_id", "school_id,", "GROUP BY school_id")


def county_statement(
    schools: list[int],
    date_from: date,
    date_to: date,
    *,
    by_school: bool = False,
    cohorts: Iterable[str] | None = None,
) -> tuple[str, dict[str, Any]]:
    """The statement ``cohort_figures`` runs for the range, and its parameters."""
    params = _params(schools, date_from, date_to)
    if cohorts is not None:
        params["cohorts"] = list(cohorts)
    statements = _BY_SCHOOL_SQL if by_school else _COUNTY_SQL
    return statements[params.pop("one_year"), cohorts is not None], params


def _params(schools: list[int], date_from: date, date_to: date) -> dict[str, Any]:
    with scopes_disabled():
        split = reading_split(date_from, date_to, schools)
        # Years with no counts at these schools add nothing (a range widened over the summer
        # reaches into the year before); leaving them out can make the range one year alone.
        years = [
            year
            for year in split.years
            if YearCounts.objects.filter(school_id__in=schools, year=year).exists()
        ]
    params: dict[str, Any] = {
        "schools": schools,
        "date_from": date_from,
        "date_to": date_to,
        "years": years,
        "one_year": len(years) == 1
        and not (split.weeks or split.less_weeks or split.edges or split.less_edges),
        "possible": list(POSSIBLE_CODES),
        "absence": list(ABSENCE_CODES),
    }
    # The statement has room for two stretches of each kind (``split_range`` makes no more);
    # one not used is (NULL, NULL), which no BETWEEN matches.
    for name, stretches in (
        ("weeks", split.weeks),
        ("less", split.less_weeks),
        ("edge", split.edges),
        ("less_edge", split.less_edges),
    ):
        padded = [*stretches, (None, None), (None, None)]
        for n, (first, last) in enumerate(padded[:2], start=1):
            params[f"{name}{n}_from"], params[f"{name}{n}_to"] = first, last
    return params


def _run(sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    with transaction.atomic(), connection.cursor() as cursor:
        # Room to count a county's pupils in a hash table rather than sort them on disk, and
        # no JIT: compiling the plan took 0.6 s of a county's 1 s year, and saved nothing.
        cursor.execute("SET LOCAL work_mem = '128MB'; SET LOCAL jit = off")
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows


def cohort_figures(
    *,
    school_ids: Iterable[int],
    date_from: date,
    date_to: date,
    cohorts: Iterable[str] | None = None,
) -> list[CohortFigures]:
    """All pupils first, then every cohort with pupils, in ``Cohort`` order (one query).

    ``cohorts`` (``Cohort`` values) leaves out every other cohort's row, and its work."""
    schools = list(school_ids)
    wanted = None if cohorts is None else tuple(cohorts)
    if connection.vendor != "postgresql":  # SQLite has no arrays: per-pupil sums, then here
        return _ordered(_portable(schools, date_from, date_to, by_school=False, cohorts=wanted)[0])
    rows = _run(*county_statement(schools, date_from, date_to, cohorts=wanted))
    return _ordered(CohortFigures(*row) for row in rows)


def cohort_figures_by_school(
    *,
    school_ids: Iterable[int],
    date_from: date,
    date_to: date,
    cohorts: Iterable[str] | None = None,
) -> dict[int, list[CohortFigures]]:
    """``cohort_figures`` for each school (one query): schools with no pupils are left out.

    Adding up the schools' rows gives the area's figures counted by enrolment (a pupil who
    moved counts once at each school), which is what lets a table of schools and its totals
    be suppressed consistently.
    """
    schools = list(school_ids)
    wanted = None if cohorts is None else tuple(cohorts)
    if connection.vendor != "postgresql":
        found = _portable(schools, date_from, date_to, by_school=True, cohorts=wanted)
        return {school: _ordered(figures) for school, figures in found.items()}
    by_school: dict[int, list[CohortFigures]] = defaultdict(list)
    statement = county_statement(schools, date_from, date_to, by_school=True, cohorts=wanted)
    for school_id, *row in _run(*statement):
        by_school[school_id].append(CohortFigures(*row))
    return {school: _ordered(figures) for school, figures in by_school.items()}


def _ordered(figures: Iterable[CohortFigures]) -> list[CohortFigures]:
    order = [ALL_PUPILS, *Cohort.values]
    return sorted(figures, key=lambda f: order.index(f.cohort))


def _portable(
    schools: list[int],
    date_from: date,
    date_to: date,
    *,
    by_school: bool,
    cohorts: tuple[str, ...] | None = None,
) -> dict[int, list[CohortFigures]]:
    """The same sums for SQLite (development, tests): per-pupil counts, cohorts here.

    Keyed by school when ``by_school``, else everything under the key 0.
    """
    with scopes_disabled():
        summaries = pupil_summaries(date_from=date_from, date_to=date_to, school_ids=schools)
        counted = {k: v for k, v in summaries.items() if v.possible}
        homes = dict(Pupil.objects.filter(pk__in=list(counted)).values_list("id", "school_id"))
        memberships = CohortMembership.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=date_from),
            school_id__in=schools,
            start_date__lte=date_to,
            pupil_id__in=list(counted),
        )
        if cohorts is not None:
            memberships = memberships.filter(cohort__in=cohorts)
        members = set(memberships.values_list("pupil_id", "cohort"))
    groups: dict[int, dict[str, list[AttendanceSummary]]] = defaultdict(lambda: defaultdict(list))
    if not by_school:  # the area's "all pupils" row is there even with no pupils, as in SQL
        groups[0][ALL_PUPILS] = []
    for pupil_id, summary in counted.items():
        groups[homes[pupil_id] if by_school else 0][ALL_PUPILS].append(summary)
    for pupil_id, cohort in members:
        groups[homes[pupil_id] if by_school else 0][cohort].append(counted[pupil_id])
    return {
        key: [
            CohortFigures(
                cohort,
                len(pupils),
                sum(s.possible for s in pupils),
                sum(s.absence for s in pupils),
                sum(1 for s in pupils if s.persistent_absence),
                sum(1 for s in pupils if s.severe_absence),
            )
            for cohort, pupils in by_cohort.items()
        ]
        for key, by_cohort in groups.items()
    }
