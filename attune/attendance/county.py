"""Attendance across many schools: each cohort's figures against all pupils, summed in SQL.

For a local authority (or any set of schools) over a date range: for every cohort, and for all
pupils, how many pupils had marks, their overall attendance, and the share persistently (10% or
more of possible sessions missed) and severely (50% or more) absent. The database counts each
pupil's possible and absent sessions once (one pass over the marks, ``GROUP BY pupil``); the
cohorts are joined to those per-pupil counts, so a county's year is one query.

Which codes are possible sessions and which are absences comes from the pure codes module, so
the SQL counts what ``calculations.summarise`` counts.

This crosses schools, so it does not use the school-scoped managers: the caller decides which
schools a user may see (an LA officer's own authority) and passes them in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from attune.attendance.domain.codes import CODES
from attune.attendance.models import SessionMark
from attune.people.models import Cohort, CohortMembership

ALL_PUPILS = ""  # the ``cohort`` of the row for all pupils
POSSIBLE_CODES = tuple(sorted(code for code, c in CODES.items() if c.possible))
ABSENCE_CODES = tuple(sorted(code for code, c in CODES.items() if c.is_absence))


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
_MEMBERS = CohortMembership._meta.db_table

# Per pupil: possible and absent sessions in the range (one pass over the marks, using the
# (school, date) index or a parallel scan). Cohort membership overlapping the range counts.
_SQL = f"""
WITH per_pupil AS MATERIALIZED (
    SELECT pupil_id,
           count(*) FILTER (WHERE code = ANY(%(possible)s)) AS possible,
           count(*) FILTER (WHERE code = ANY(%(absence)s)) AS absent
    FROM {_MARKS}
    WHERE school_id = ANY(%(schools)s) AND date BETWEEN %(date_from)s AND %(date_to)s
    GROUP BY pupil_id
), counted AS (
    SELECT pupil_id, possible, absent,
           (absent * 10 >= possible)::int AS persistent,
           (absent * 2 >= possible)::int AS severe
    FROM per_pupil WHERE possible > 0
), members AS (
    SELECT DISTINCT pupil_id, cohort FROM {_MEMBERS}
    WHERE school_id = ANY(%(schools)s)
      AND start_date <= %(date_to)s AND (end_date IS NULL OR end_date >= %(date_from)s)
)
SELECT '' AS cohort, count(*), coalesce(sum(possible), 0), coalesce(sum(absent), 0),
       coalesce(sum(persistent), 0), coalesce(sum(severe), 0)
FROM counted
UNION ALL
SELECT m.cohort, count(*), sum(c.possible), sum(c.absent), sum(c.persistent), sum(c.severe)
FROM counted c JOIN members m USING (pupil_id)
GROUP BY m.cohort
"""  # noqa: S608 (the table names are our own)


def cohort_figures(
    *, school_ids: Iterable[int], date_from: date, date_to: date
) -> list[CohortFigures]:
    """All pupils first, then every cohort with pupils, in ``Cohort`` order (one query)."""
    schools = list(school_ids)
    if connection.vendor != "postgresql":  # SQLite has no arrays: per-pupil sums, then here
        return _cohort_figures_portable(schools, date_from, date_to)
    params: dict[str, Any] = {
        "schools": schools,
        "date_from": date_from,
        "date_to": date_to,
        "possible": list(POSSIBLE_CODES),
        "absence": list(ABSENCE_CODES),
    }
    with transaction.atomic(), connection.cursor() as cursor:
        # Room to count a county's pupils in a hash table: with the default 4 MB the database
        # sorts every mark by pupil on disk instead (several times slower). This query only.
        cursor.execute("SET LOCAL work_mem = '128MB'")
        cursor.execute(_SQL, params)
        rows = cursor.fetchall()
    return _ordered(CohortFigures(*row) for row in rows)


def _ordered(figures: Iterable[CohortFigures]) -> list[CohortFigures]:
    order = [ALL_PUPILS, *Cohort.values]
    return sorted(figures, key=lambda f: order.index(f.cohort))


def _cohort_figures_portable(
    schools: list[int], date_from: date, date_to: date
) -> list[CohortFigures]:
    """The same sums for SQLite (development, tests): per-pupil counts in SQL, cohorts here."""
    from django.db.models import Count, Q

    from attune.tenancy import scopes_disabled

    with scopes_disabled():
        rows = (
            SessionMark.objects.filter(school_id__in=schools, date__range=(date_from, date_to))
            .order_by()
            .values("pupil_id")
            .annotate(
                possible=Count("id", filter=Q(code__in=POSSIBLE_CODES)),
                absent=Count("id", filter=Q(code__in=ABSENCE_CODES)),
            )
        )
        counted = {r["pupil_id"]: (r["possible"], r["absent"]) for r in rows if r["possible"]}
        members = set(
            CohortMembership.objects.filter(
                Q(end_date__isnull=True) | Q(end_date__gte=date_from),
                school_id__in=schools,
                start_date__lte=date_to,
                pupil_id__in=list(counted),
            ).values_list("pupil_id", "cohort")
        )
    groups: dict[str, list[tuple[int, int]]] = {ALL_PUPILS: list(counted.values())}
    for pupil_id, cohort in members:
        groups.setdefault(cohort, []).append(counted[pupil_id])
    return _ordered(
        CohortFigures(
            cohort,
            len(pupils),
            sum(p for p, _ in pupils),
            sum(a for _, a in pupils),
            sum(1 for p, a in pupils if a * 10 >= p),
            sum(1 for p, a in pupils if a * 2 >= p),
        )
        for cohort, pupils in groups.items()
    )
