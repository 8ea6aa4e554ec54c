"""Each pupil's weekly session counts: kept with the marks, read for school and county figures.

Why: a county's figures over a school year scanned ~95 million marks and took over a minute
(``docs/county-scale.md``). ``WeekCounts`` holds one row per pupil per week with the counts
``summarise`` would give, and ``YearCounts`` the sum of each school year's weeks, so a county's
year is one row a pupil. Any date range stays exact: whole years and whole weeks come from the
counts and the odd days at either end from the marks (``domain.calculations.split_range``).

Two ways keep them, both inside the transaction that writes the marks:

- On PostgreSQL the importer adds what it changed (``CHANGES_SQL``): the same statement that
  adds and replaces marks knows each replaced mark's old code, so each touched week and year
  gains its new marks' codes and loses the old ones'. Recounting instead read every mark of
  every touched week and every week of every touched year, a third of a county's daily import
  (``docs/attendance-storage.md``). It is exact because a school's imports queue on a lock
  (``lock_schools``), so the old code a comparison read is the one it replaces.
- Anything else (and every writer on SQLite) calls ``refresh`` with the (pupil, day) pairs it
  touched, and those weeks are counted again from the marks.

``rebuild`` counts a whole school again from its marks (``attune rebuild_attendance_counts``);
the tests hold both ways to it.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.db.models import Count, Max, Min, Q, QuerySet, Sum

from attune.attendance.domain.calculations import (
    AttendanceSummary,
    RangeSplit,
    combine,
    split_range,
    summarise_counts,
    week_of,
    weeks_less_days,
    weeks_of_year,
    year_of_week,
    years_less_weeks,
)
from attune.attendance.domain.codes import ALL_CODES, Category
from attune.attendance.models import SessionMark, WeekCounts, YearCounts
from attune.bulk import analyse_if_mostly_new, insert_rows
from attune.people.models import Pupil
from attune.tenancy import scopes_disabled

FIELDS = (
    "possible",
    "present",
    "approved_activity",
    "authorised_absence",
    "unauthorised_absence",
    "late_before_close",
    "late_after_close",
    "not_counted",
)


def _codes(*categories: Category) -> list[str]:
    return sorted(code for code, c in ALL_CODES.items() if c.category in categories)


# Which stored codes each column counts (the retired codes too, with the meaning they had before
# 19 August 2024): the SQL twin of ``summarise_counts`` (a test holds them equal).
COLUMN_CODES: dict[str, list[str]] = {
    "possible": sorted(code for code, c in ALL_CODES.items() if c.possible),
    "present": _codes(Category.PRESENT, Category.APPROVED_ACTIVITY),
    "approved_activity": _codes(Category.APPROVED_ACTIVITY),
    "authorised_absence": _codes(Category.AUTHORISED),
    "unauthorised_absence": _codes(Category.UNAUTHORISED),
    "late_before_close": ["L"],
    "late_after_close": ["U"],
    "not_counted": _codes(Category.NOT_COUNTED, Category.ADMINISTRATIVE),
}


# --- keeping the counts ----------------------------------------------------------------------


def refresh(school_id: int, touched: Iterable[tuple[Any, date]]) -> int:
    """Count again the weeks (and their years) holding these (pupil id, day) pairs, dropping
    any left without marks; returns the weeks counted.

    Call it inside the transaction that wrote or deleted the marks. The rows are sorted so
    that two writers at once take their row locks in the same order.
    """
    pairs = sorted({(pupil_id, week_of(day)) for pupil_id, day in touched})
    if not pairs:
        return 0
    years = sorted({(pupil_id, year_of_week(week)) for pupil_id, week in pairs})
    if connection.vendor == "postgresql":
        _refresh_sql(school_id, pairs)
        _refresh_years_sql(school_id, years)
    else:
        _refresh_portable(school_id, pairs)
        _refresh_years_portable(school_id, years)
    return len(pairs)


def rebuild(school_id: int) -> int:
    """Count every week of one school again from its marks; returns the weeks written.

    The rows are written a week at a time, as daily imports lay them down (each Monday adds
    every pupil's new week). A range of weeks is then a few runs of pages: written pupil by
    pupil, a term's weeks for a school of 2,000 were spread over every page of its year, and
    SQLite took 67 ms to add them up against 29 ms (``attendance_school_page``'s autumn term).
    """
    lock_schools([school_id])
    with scopes_disabled():
        WeekCounts.objects.filter(school_id=school_id).delete()
        YearCounts.objects.filter(school_id=school_id).delete()
        if connection.vendor == "postgresql":  # one pass over the school's marks
            with connection.cursor() as cursor:
                cursor.execute(_REBUILD_SQL, {"school": school_id, **COLUMN_CODES})
                weeks = int(cursor.rowcount)
                cursor.execute(_REBUILD_YEARS_SQL, {"school": school_id})
                return weeks
        marks = SessionMark.objects.filter(school_id=school_id).order_by()
        pairs = marks.values_list("pupil_id", "date").distinct()
        return refresh(school_id, pairs.iterator(chunk_size=10_000))


_WEEKS, _MARKS = WeekCounts._meta.db_table, SessionMark._meta.db_table
_COUNT_COLUMNS = ", ".join(FIELDS)
_COUNTS = ",\n           ".join(
    f"count(*) FILTER (WHERE m.code = ANY(%({name})s))" for name in FIELDS
)
# Recount the touched weeks from the marks (the unique (pupil, date, session) index finds
# each pupil's week), then, if marks were deleted, drop any touched week left with none.
_REFRESH_SQL = f"""
WITH touched AS (
    SELECT * FROM unnest(%(schools)s::bigint[], %(pupils)s::uuid[], %(weeks)s::date[])
        AS t(school_id, pupil_id, week)
)
INSERT INTO {_WEEKS} (school_id, pupil_id, week, {_COUNT_COLUMNS})
SELECT t.school_id, t.pupil_id, t.week,
           {_COUNTS}
FROM touched t
JOIN {_MARKS} m
  ON m.pupil_id = t.pupil_id AND m.date >= t.week AND m.date < t.week + 7
 AND m.school_id = t.school_id
GROUP BY t.school_id, t.pupil_id, t.week
ON CONFLICT (pupil_id, week) DO UPDATE SET
    {", ".join(f"{name} = EXCLUDED.{name}" for name in FIELDS)}
"""  # noqa: S608 (the table names are our own)
_REBUILD_SQL = f"""
INSERT INTO {_WEEKS} (school_id, pupil_id, week, {_COUNT_COLUMNS})
SELECT %(school)s, m.pupil_id, date_trunc('week', m.date)::date,
           {_COUNTS}
FROM {_MARKS} m WHERE m.school_id = %(school)s
GROUP BY 1, 2, 3
ORDER BY 3, 2
"""  # noqa: S608 (the table names are our own)
_YEARS = YearCounts._meta.db_table
_SUMS = ", ".join(f"sum(w.{name})" for name in FIELDS)
# date_part rather than extract, whose numeric result was slow to work with for 250,000 rows.
_YEAR_OF_WEEK = (
    "(CASE WHEN date_part('month', w.week) >= 8 THEN date_part('year', w.week) "
    "ELSE date_part('year', w.week) - 1 END)::int"
)
_REBUILD_YEARS_SQL = f"""
INSERT INTO {_YEARS} (school_id, pupil_id, year, {_COUNT_COLUMNS})
SELECT %(school)s, w.pupil_id, {_YEAR_OF_WEEK}, {_SUMS}
FROM {_WEEKS} w WHERE w.school_id = %(school)s
GROUP BY 1, 2, 3
"""  # noqa: S608 (the table names are our own)
# A touched year is the sum of its weeks (Mondays from its first to its last, passed in); a
# year left with no weeks goes. (Its check reads the weeks by index, not the rows the insert
# returns: against those, a county's 50,000 years a batch was a nested loop of 50,000 squared.)
_REFRESH_YEARS_SQL = f"""
WITH touched AS (
    SELECT * FROM unnest(%(schools)s::bigint[], %(pupils)s::uuid[], %(years)s::int[],
                         %(firsts)s::date[], %(lasts)s::date[])
        AS t(school_id, pupil_id, year, first_week, last_week)
), summed AS (
    INSERT INTO {_YEARS} (school_id, pupil_id, year, {_COUNT_COLUMNS})
    SELECT t.school_id, t.pupil_id, t.year, {_SUMS}
    FROM touched t
    JOIN {_WEEKS} w
      ON w.pupil_id = t.pupil_id AND w.week BETWEEN t.first_week AND t.last_week
     AND w.school_id = t.school_id
    GROUP BY t.school_id, t.pupil_id, t.year
    ON CONFLICT (pupil_id, year) DO UPDATE SET
        {", ".join(f"{name} = EXCLUDED.{name}" for name in FIELDS)}
)
DELETE FROM {_YEARS} y USING touched t
WHERE y.pupil_id = t.pupil_id AND y.year = t.year AND y.school_id = t.school_id
  AND NOT EXISTS (
      SELECT 1 FROM {_WEEKS} w
      WHERE w.pupil_id = t.pupil_id AND w.week BETWEEN t.first_week AND t.last_week
        AND w.school_id = t.school_id)
"""  # noqa: S608 (the table names are our own)
_EMPTIED_SQL = f"""
DELETE FROM {_WEEKS} w
USING unnest(%(schools)s::bigint[], %(pupils)s::uuid[], %(weeks)s::date[])
    AS t(school_id, pupil_id, week)
WHERE w.pupil_id = t.pupil_id AND w.week = t.week AND w.school_id = t.school_id
  AND NOT EXISTS (
      SELECT 1 FROM {_MARKS} m
      WHERE m.pupil_id = t.pupil_id AND m.date >= t.week AND m.date < t.week + 7
        AND m.school_id = t.school_id)
"""  # noqa: S608 (the table names are our own)

# What a batch of compared marks changed, added to the weekly and yearly counts: CTEs for a
# statement whose ``differing`` rows carry school_id, pupil_id, date, code and old_code (NULL
# for a new mark). A column gains a new mark's code and loses the code it replaced; a week or
# year not counted yet is inserted with its new marks (the columns are signed: see
# ``SessionCounts``). The marks are sorted into columns once, by week; each year adds up its
# weeks' differences (a county's day: 250,000 weeks rather than 500,000 marks again), as
# integers (the sum of a bigint is a numeric, and was slower than sorting the marks).
# Parameters: COLUMN_CODES.
_DELTAS = ",\n           ".join(
    f"(count(*) FILTER (WHERE d.code = ANY(%({name})s))"
    f" - count(*) FILTER (WHERE d.old_code = ANY(%({name})s)))::int AS {name}"
    for name in FIELDS
)
_WEEK_OF_MARK = "date_trunc('week', d.date)::date"
_UPDATE_BY_ADDING = ", ".join(f"{name} = c.{name} + EXCLUDED.{name}" for name in FIELDS)

CHANGES_SQL = f"""
week_differences AS MATERIALIZED (
    SELECT d.school_id, d.pupil_id, {_WEEK_OF_MARK} AS week,
           {_DELTAS}
    FROM differing d GROUP BY 1, 2, 3
), weeks_changed AS (
    INSERT INTO {_WEEKS} AS c (school_id, pupil_id, week, {_COUNT_COLUMNS})
    SELECT * FROM week_differences
    ON CONFLICT (pupil_id, week) DO UPDATE SET {_UPDATE_BY_ADDING}
), years_changed AS (
    INSERT INTO {_YEARS} AS c (school_id, pupil_id, year, {_COUNT_COLUMNS})
    SELECT w.school_id, w.pupil_id, {_YEAR_OF_WEEK}, {_SUMS}
    FROM week_differences w GROUP BY 1, 2, 3
    ON CONFLICT (pupil_id, year) DO UPDATE SET {_UPDATE_BY_ADDING}
)"""  # noqa: S608 (the table names are our own)

# Two writers of one school's marks at once would each add differences read before the other
# wrote; a transaction-level advisory lock per school makes them queue instead.
_LOCK_SQL = "SELECT pg_advisory_xact_lock(%s, id) FROM unnest(%s::int[]) AS id"
_MARKS_LOCK = 0x4D41524B  # 'MARK': keeps these locks apart from any other advisory lock


def lock_schools(school_ids: Iterable[int]) -> None:
    """PostgreSQL: hold each school's marks lock until the transaction ends (in id order, so
    two writers never wait on each other crosswise). Elsewhere a writer has the database to
    itself."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_SQL, [_MARKS_LOCK, sorted(set(school_ids))])


_BATCH = 50_000


def _refresh_sql(school_id: int, pairs: Sequence[tuple[Any, date]]) -> None:
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), _BATCH):
            batch = pairs[start : start + _BATCH]
            params: dict[str, Any] = {
                "schools": [school_id] * len(batch),
                "pupils": [pupil_id for pupil_id, _ in batch],
                "weeks": [week for _, week in batch],
                **COLUMN_CODES,
            }
            cursor.execute(_REFRESH_SQL, params)
            # The years are added up from these weeks next (see ``analyse_if_mostly_new``).
            analyse_if_mostly_new(_WEEKS, cursor.rowcount, len(batch))
            cursor.execute(_EMPTIED_SQL, params)


def _refresh_years_sql(school_id: int, years: Sequence[tuple[Any, int]]) -> None:
    with connection.cursor() as cursor:
        for start in range(0, len(years), _BATCH):
            batch = years[start : start + _BATCH]
            bounds = [weeks_of_year(year) for _, year in batch]
            cursor.execute(
                _REFRESH_YEARS_SQL,
                {
                    "schools": [school_id] * len(batch),
                    "pupils": [pupil_id for pupil_id, _ in batch],
                    "years": [year for _, year in batch],
                    "firsts": [first for first, _ in bounds],
                    "lasts": [last for _, last in bounds],
                },
            )


def _refresh_years_portable(school_id: int, years: Sequence[tuple[Any, int]]) -> None:
    """Any database: add up the touched years' weeks in Python and write the rows."""
    wanted = set(years)
    pupil_ids = sorted({pupil_id for pupil_id, _ in years})
    with scopes_disabled():
        for start in range(0, len(pupil_ids), 500):
            chunk = pupil_ids[start : start + 500]
            sums: dict[tuple[Any, int], list[AttendanceSummary]] = defaultdict(list)
            weeks = WeekCounts.objects.filter(school_id=school_id, pupil_id__in=chunk)
            for pupil_id, week, *counts in weeks.values_list("pupil_id", "week", *FIELDS):
                key = (pupil_id, year_of_week(week))
                if key in wanted:
                    sums[key].append(AttendanceSummary(*counts))
            # One delete per year: a single OR of every (pupil, year) pair outgrows SQLite's
            # expression depth (1,000) once 500 pupils have marks in two school years.
            in_chunk = set(chunk)
            by_year: dict[int, list[Any]] = defaultdict(list)
            for pupil_id, year in wanted:
                if pupil_id in in_chunk:
                    by_year[year].append(pupil_id)
            for year, pupils in by_year.items():
                YearCounts.objects.filter(
                    school_id=school_id, year=year, pupil_id__in=pupils
                ).delete()
            rows = [
                (school_id, pupil_id, year, *(getattr(combine(parts), n) for n in FIELDS))
                for (pupil_id, year), parts in sums.items()
            ]
            insert_rows(YearCounts, ("school_id", "pupil_id", "year", *FIELDS), rows)


def _refresh_portable(school_id: int, pairs: Sequence[tuple[Any, date]]) -> None:
    """Any database: count the touched weeks' marks per code, summarise, write the rows."""
    weeks_by_pupil: dict[Any, set[date]] = defaultdict(set)
    for pupil_id, week in pairs:
        weeks_by_pupil[pupil_id].add(week)
    first, last = min(w for _, w in pairs), max(w for _, w in pairs) + timedelta(days=6)
    with scopes_disabled():
        rows: list[tuple[Any, ...]] = []
        pupil_ids = list(weeks_by_pupil)
        for start in range(0, len(pupil_ids), 500):
            chunk = pupil_ids[start : start + 500]
            counts: dict[tuple[Any, date], dict[str, int]] = defaultdict(dict)
            marks = (
                SessionMark.objects.filter(
                    school_id=school_id, pupil_id__in=chunk, date__range=(first, last)
                )
                .order_by()
                .values_list("pupil_id", "date", "code")
                .annotate(n=Count("id"))
            )
            for pupil_id, day, code, n in marks:
                key = (pupil_id, week_of(day))
                if key[1] in weeks_by_pupil[pupil_id]:
                    counts[key][code] = counts[key].get(code, 0) + n
            stale = Q()
            for pupil_id in chunk:
                stale |= Q(pupil_id=pupil_id, week__in=sorted(weeks_by_pupil[pupil_id]))
            WeekCounts.objects.filter(stale, school_id=school_id).delete()
            for (pupil_id, week), by_code in counts.items():
                summary = summarise_counts(by_code)
                rows.append(
                    (school_id, pupil_id, week, *(getattr(summary, name) for name in FIELDS))
                )
        rows.sort(key=lambda row: (row[2], row[1]))  # a week's rows together (``rebuild``)
        insert_rows(WeekCounts, ("school_id", "pupil_id", "week", *FIELDS), rows)


# --- reading ---------------------------------------------------------------------------------


def widen(date_from: date, date_to: date, school_ids: Sequence[int] | None) -> tuple[date, date]:
    """The same range stretched over days with no marks, so whole school years can be read.

    A range from 1 September (or any day before the first mark of the school year) to the
    latest marks (today, say: registers are never marked ahead) gives the same figures as the
    whole school year, and a whole year is one row a pupil. An end that cannot reach its
    school year's may still reach its week's (a term ending on a Friday, a range starting on a
    Sunday), so the weekly counts answer that week and not its marks. Checked, not assumed: a
    mark in a stretched part keeps that end as it is. At most four small index reads.
    """
    marks = SessionMark.objects.all()
    if school_ids is not None:
        marks = SessionMark.objects.filter(school_id__in=list(school_ids))
    year_start = weeks_of_year(year_of_week(week_of(date_from)))[0]
    monday = week_of(date_from)
    if (
        year_start < date_from
        and not marks.filter(date__gte=year_start, date__lt=date_from).exists()
    ):
        date_from = year_start
    elif monday < date_from and not marks.filter(date__gte=monday, date__lt=date_from).exists():
        date_from = monday
    year_end = weeks_of_year(year_of_week(week_of(date_to)))[1] + timedelta(days=6)
    sunday = week_of(date_to) + timedelta(days=6)
    if date_to < year_end and not marks.filter(date__gt=date_to, date__lte=year_end).exists():
        date_to = year_end
    elif date_to < sunday and not marks.filter(date__gt=date_to, date__lte=sunday).exists():
        # A term ending on a Friday is whole weeks (no weekend marks): its last week is read
        # from the weekly counts, not from a week of marks.
        date_to = sunday
    return date_from, date_to


def pupil_summaries(
    *,
    date_from: date,
    date_to: date,
    pupils: QuerySet[Pupil] | None = None,
    school_ids: Sequence[int] | None = None,
) -> dict[uuid.UUID, AttendanceSummary]:
    """Each pupil's summary over the range, exactly as ``summarise`` over their marks would be.

    Within the open school scope by default (``pupils=None``: every pupil with marks), or
    across ``school_ids`` (a local authority's schools; the caller decides which it may see).
    A query for whole years, one for whole weeks, one for weeks taken away from a year
    (``reading_split``) and one for each odd stretch of days.
    """
    found = summaries_by_stored_id(
        date_from=date_from, date_to=date_to, pupils=pupils, school_ids=school_ids
    )
    return {as_uuid(pupil_id): summary for pupil_id, summary in found.items()}


def as_uuid(stored: Any) -> uuid.UUID:
    """A pupil id as the database gave it (a UUID from PostgreSQL, hex text from SQLite)."""
    return stored if isinstance(stored, uuid.UUID) else uuid.UUID(stored)


def stored_rows(queryset: QuerySet[Any]) -> Iterator[tuple[Any, ...]]:
    """A queryset's rows as the database driver gives them, without Django's converters
    (at 2,000 pupils, making a UUID and an int of every value was a fifth of a school page)."""
    sql, params = queryset.query.sql_with_params()
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(20_000):
            yield from rows


def summaries_by_stored_id(
    *,
    date_from: date,
    date_to: date,
    pupils: QuerySet[Pupil] | None = None,
    school_ids: Sequence[int] | None = None,
) -> dict[Any, AttendanceSummary]:
    """``pupil_summaries`` keyed by the pupil id as the database stores it (``as_uuid``)."""
    split = reading_split(date_from, date_to, school_ids)
    years, weeks = YearCounts.objects.all(), WeekCounts.objects.all()
    marks = SessionMark.objects.all()
    if school_ids is not None:
        years = YearCounts.objects.filter(school_id__in=list(school_ids))
        weeks = WeekCounts.objects.filter(school_id__in=list(school_ids))
        marks = SessionMark.objects.filter(school_id__in=list(school_ids))
    if pupils is not None:
        years = years.filter(pupil_id__in=pupils.values("id"))
        weeks = weeks.filter(pupil_id__in=pupils.values("id"))
        marks = marks.filter(pupil_id__in=pupils.values("id"))
    parts: dict[Any, list[AttendanceSummary]] = defaultdict(list)
    counted: list[tuple[Any, int]] = []  # rows, and +1 to add them or -1 to take them away
    if split.years:
        counted.append((years.filter(year__in=split.years), 1))
    for runs_of_weeks, sign in ((split.weeks, 1), (split.less_weeks, -1)):
        if runs_of_weeks:
            runs = Q()
            for first, last in runs_of_weeks:
                runs |= Q(week__range=(first, last))
            counted.append((weeks.filter(runs), sign))
    for rows, sign in counted:
        # Added up per pupil in the database: a term is a dozen weeks a pupil, and turning
        # each row into Python objects was most of a school page's time.
        sums = rows.order_by().values("pupil_id").annotate(**{f"{f}_sum": Sum(f) for f in FIELDS})
        summed = stored_rows(sums.values_list("pupil_id", *(f"{f}_sum" for f in FIELDS)))
        if len(counted) == 1 and sign == 1 and not (split.edges or split.less_edges):
            # One read and nothing to add (the usual whole school year).
            return {pupil_id: AttendanceSummary(*counts) for pupil_id, *counts in summed}
        if sign == 1:
            for pupil_id, *counts in summed:
                parts[pupil_id].append(AttendanceSummary(*counts))
        else:
            for pupil_id, *counts in summed:
                parts[pupil_id].append(AttendanceSummary(*(-n for n in counts)))
    for stretches, sign in ((split.edges, 1), (split.less_edges, -1)):
        if not stretches:
            continue
        by_code: dict[Any, dict[str, int]] = defaultdict(dict)
        # A query a stretch: joined by OR, PostgreSQL read the stretches through the (pupil,
        # day) index, every mark the school has (100 ms of a Wednesday-to-Wednesday range's
        # 180 ms at 2,000 pupils, where the (school, day) index reads a stretch in 2 ms).
        for stretch in stretches:
            found = (
                marks.filter(date__range=stretch)
                .order_by()
                .values_list("pupil_id", "code")
                .annotate(n=Count("id"))
            )
            for pupil_id, code, n in stored_rows(found):
                tally = by_code[pupil_id]
                tally[code] = tally.get(code, 0) + sign * n
        for pupil_id, counts_by_code in by_code.items():
            parts[pupil_id].append(summarise_counts(counts_by_code))
    summaries = {pupil_id: combine(found) for pupil_id, found in parts.items()}
    if split.less_weeks or split.less_edges:  # marks all outside the range add up to nothing
        return {pupil_id: s for pupil_id, s in summaries.items() if s != NO_MARKS}
    return summaries


NO_MARKS = AttendanceSummary()  # a pupil with no marks in the range


def reading_split(date_from: date, date_to: date, school_ids: Sequence[int] | None) -> RangeSplit:
    """How to read a range's figures from the counts: widened (``widen``), split into years,
    weeks and odd days (``split_range``), an odd stretch read as its week less the other days
    (``weeks_less_days``) and a run of weeks as its year less the other weeks
    (``years_less_weeks``), wherever fewer rows lie that way."""
    split = weeks_less_days(split_range(*widen(date_from, date_to, school_ids)))
    if split.weeks:
        marked = marked_days(school_ids)
        if marked is not None:
            split = years_less_weeks(split, *marked)
    return split


def marked_days(school_ids: Sequence[int] | None) -> tuple[date, date] | None:
    """The first and last days with marks in the open school (or these schools)."""
    if school_ids is not None and connection.vendor == "postgresql":
        # Each school's ends by its (school, date) index: an aggregate over many schools at
        # once would read every mark of theirs.
        with connection.cursor() as cursor:
            cursor.execute(_MARKED_DAYS_SQL, [list(school_ids)])
            first, last = cursor.fetchone()
    else:
        marks = SessionMark.objects.all()
        if school_ids is not None:
            marks = SessionMark.objects.filter(school_id__in=list(school_ids))
        if school_ids is None:
            # Two index reads: SQLite answers min() and max() together by reading every mark.
            dates = marks.order_by().values_list("date", flat=True)
            first, last = dates.order_by("date").first(), dates.order_by("-date").first()
        else:
            ends = marks.aggregate(first=Min("date"), last=Max("date"))
            first, last = ends["first"], ends["last"]
    return None if first is None else (first, last)


_MARKED_DAYS_SQL = f"""
SELECT min(f.date), max(l.date)
FROM unnest(%s::bigint[]) AS s (id)
LEFT JOIN LATERAL (
    SELECT date FROM {_MARKS} WHERE school_id = s.id ORDER BY date LIMIT 1) f ON true
LEFT JOIN LATERAL (
    SELECT date FROM {_MARKS} WHERE school_id = s.id ORDER BY date DESC LIMIT 1) l ON true
"""  # noqa: S608 (the table name is our own)
