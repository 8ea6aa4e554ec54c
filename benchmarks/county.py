"""A synthetic county on PostgreSQL: daily import, cohort figures, a pupil's page, and DuckDB.

Run ``DATABASE_URL=postgres://.../county .venv/bin/python -m benchmarks.county`` on an empty
database (PostgreSQL only). It builds 600 schools and 250,000 pupils (valid UPNs, cohorts at
roughly national shares), then generates register marks in SQL (``generate_series``), one
school day at a time for every pupil, as a year of daily imports would lay them on disk. The
full year is 190 days (95 million marks); ``COUNTY_GEN_SECONDS`` (default 600) caps the time
spent generating, and the figures say how many days were made, so the scan figures can be
scaled to the year (they grow with the rows read; see ``docs/county-scale.md``). Each
generated day also gets the audit events its import would have written (``county_audit``).

Then it measures:

- the **daily import**: one new school day for the whole county (500,000 marks) through
  ``attune import_attendance``, as a CSV;
- the **cohort figures** for the whole county over the marks so far
  (``attune.attendance.county.cohort_figures``);
- **one pupil's attendance page** data (``selectors.pupil_attendance_page``);
- the same cohort figures computed by **DuckDB** from the marks exported to Parquet, as the
  reference for what this hardware can do.

Figures go to stdout and ``benchmarks/results/``, with the load average: the build to
``county-build-postgresql.json``; on a county already built, ``--measure-only`` measures the
cohort figures again (``county-measure-only-postgresql.json``), and ``--daily N`` imports
the next N school days one file at a time (``county-daily-postgresql.json``).
"""

# ruff: noqa: S608 (the SQL here is built from constants and our own temporary paths)
from __future__ import annotations

import csv
import io
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from unittest import mock

from benchmarks import county_audit, county_import_profile, county_references
from benchmarks.attendance_storage import school_days
from benchmarks.common import machine_speed, setup_django

SCHOOLS = int(os.environ.get("COUNTY_SCHOOLS", "600"))
PUPILS = int(os.environ.get("COUNTY_PUPILS", "250000"))
DAYS = 190
GEN_SECONDS = float(os.environ.get("COUNTY_GEN_SECONDS", "600"))
LA = 886
# Cohorts and the share of pupils in each (roughly England's), and how much more often than
# average their members are absent (so the figures differ by cohort, as real ones do).
COHORTS = {
    "fsm": (0.24, 1.8),
    "sen_support": (0.13, 1.6),
    "ehc_plan": (0.025, 2.2),
    "eal": (0.20, 0.9),
    "looked_after": (0.007, 1.5),
    "child_in_need": (0.03, 2.5),
    "child_protection_plan": (0.01, 2.5),
}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def _sql(sql: str, params: Any = None) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def build_people() -> list[int]:
    """600 schools with 250,000 pupils (COPY) and their cohorts (SQL). Returns school ids."""
    from django.utils import timezone

    from attune.bulk import copy_rows
    from attune.people.domain.upn import make_upn
    from attune.people.models import LocalAuthority, Phase, School

    la, _ = LocalAuthority.objects.get_or_create(code=LA, defaults={"name": "Benchmark County"})
    School.objects.bulk_create(
        School(
            urn=f"{300000 + n}",
            name=f"County School {n}",
            phase=Phase.SECONDARY if n % 6 == 0 else Phase.PRIMARY,
            local_authority=la,
            estab=f"{2000 + n:04d}",
        )
        for n in range(SCHOOLS)
    )
    school_ids = list(
        School.objects.filter(local_authority=la).order_by("urn").values_list("id", flat=True)
    )
    now = timezone.now()
    columns = [
        *("id", "school_id", "upn", "legal_forename", "legal_surname", "preferred_name"),
        *("date_of_birth", "sex", "year_group", "registration_group", "needs_key_adult"),
        *("about_me", "what_helps", "created_at", "updated_at"),
    ]
    rng = random.Random(5)

    def pupils() -> Any:
        import uuid

        for n in range(PUPILS):
            school = n % SCHOOLS
            serial = n // SCHOOLS
            yield (
                uuid.UUID(int=rng.getrandbits(128), version=4),
                school_ids[school],
                make_upn(LA, 2000 + school, 10 + serial // 1000, serial % 1000),
                f"Pupil{n}",
                "County",
                "",
                date(2012, 1, 1) + timedelta(days=n % 2500),
                "FM"[n % 2],
                n % 12,
                "",
                False,
                "",
                "",
                now,
                now,
            )

    copy_rows("people_pupil", columns, pupils())
    for cohort, (share, _) in COHORTS.items():
        _sql(
            """
            INSERT INTO people_cohortmembership (school_id, pupil_id, cohort, start_date)
            SELECT school_id, id, %s, DATE '2024-09-01' FROM people_pupil
            WHERE school_id = ANY(%s) AND random() < %s
            """,
            [cohort, school_ids, share],
        )
    _sql("ANALYZE people_pupil; ANALYZE people_cohortmembership")
    return school_ids


def generate_marks(school_ids: list[int], days: list[date], *, as_restored: bool) -> int:
    """Marks for every pupil, one day at a time, until the time cap; returns days made.

    Each pupil has an absence propensity (most pupils rarely absent, a long tail often
    absent), raised for the cohorts in ``COHORTS``. Indexes are dropped while loading and
    rebuilt after, as a bulk load would; unless ``as_restored``, each pupil's last few days
    are held back and added after, as daily imports add them (``TAIL_DAYS``).
    """
    multipliers = " * ".join(
        f"(CASE WHEN EXISTS (SELECT 1 FROM people_cohortmembership c WHERE c.pupil_id = p.id "
        f"AND c.cohort = '{cohort}') THEN {factor} ELSE 1 END)"
        for cohort, (_, factor) in COHORTS.items()
    )
    tail = [] if as_restored else days[-TAIL_DAYS:]
    _sql(
        f"""
        CREATE UNLOGGED TABLE bench_rate AS
        SELECT p.id AS pupil_id, p.school_id,
               least(0.95, (0.01 + 0.25 * power(random(), 4)) * {multipliers}) AS rate,
               coalesce((%(tail)s::date[])[1 + floor(random() * %(n)s)::int], %(last)s)
                   AS held_after
        FROM people_pupil p WHERE p.school_id = ANY(%(schools)s)
        """,
        {"tail": tail, "n": len(tail), "last": days[-1], "schools": school_ids},
    )
    _sql(f"CREATE UNLOGGED TABLE bench_held_back AS SELECT {GENERATED} FROM {MARKS} WITH NO DATA")
    _sql("ALTER TABLE attendance_sessionmark DROP CONSTRAINT session_mark_one_per_session")
    _sql("DROP INDEX session_mark_school_day")
    started = time.perf_counter()
    made = 0
    for day in days:
        holding_back = bool(tail) and day > tail[0]
        _sql(GENERATE_HOLDING_BACK_SQL if holding_back else GENERATE_SQL, {"day": day})
        made += 1
        if made % 10 == 0:
            log(f"  {made} days, {time.perf_counter() - started:.0f} s")
        if time.perf_counter() - started > GEN_SECONDS:
            break
    held = _sql("SELECT count(*) FROM bench_held_back")[0][0]
    log(f"generated {made} days in {time.perf_counter() - started:.0f} s ({held} marks held "
        "back); building indexes")  # fmt: skip
    started = time.perf_counter()
    _sql("SET maintenance_work_mem = '256MB'")
    _sql(
        "ALTER TABLE attendance_sessionmark ADD CONSTRAINT session_mark_one_per_session "
        "UNIQUE (pupil_id, date, session)"
    )
    _sql("CREATE INDEX session_mark_school_day ON attendance_sessionmark (school_id, date)")
    _sql(f"INSERT INTO {MARKS} ({GENERATED}) SELECT * FROM bench_held_back ORDER BY date")
    _sql("DROP TABLE bench_held_back")
    _sql("VACUUM ANALYZE attendance_sessionmark")
    log(f"indexes and VACUUM ANALYZE in {time.perf_counter() - started:.0f} s")
    return made


# Each pupil's newest page of the marks' unique index takes two entries a school day. A year of
# daily imports leaves those pages anywhere from just split to full, so a few split each day;
# CREATE INDEX writes every page 90% full, so all of them run out together, about twelve days
# after a build (or a restore, or a REINDEX): on 6 December 2026 that day's import took 40-64 s
# where the others took 16-19 s, splitting some 250,000 pages. So each pupil's marks after a
# random one of the last TAIL_DAYS days are held back (in ``bench_held_back``) and added once
# the index is built, leaving the pages filled to different levels, as a grown index has them.
# ``--build --as-restored`` builds the index without this, to measure the days after a restore.
TAIL_DAYS = 13
MARKS = "attendance_sessionmark"
GENERATED = "school_id, pupil_id, date, session, code, original_code, minutes_late"
# One day's marks for every pupil (with the day after which that pupil's are held back).
_DAY = r"""
    SELECT r.school_id, r.pupil_id, %(day)s::date AS date, s.session, c.code,
           c.code AS original_code, NULL::integer AS minutes_late, r.held_after
    FROM bench_rate r
    CROSS JOIN (VALUES ('AM'), ('PM')) AS s (session)
    CROSS JOIN LATERAL (
        SELECT CASE
            WHEN random() < r.rate THEN
                (ARRAY['I','I','I','I','N','O','G','M','C','U','E','R'])
                [1 + floor(random() * 12)::int]
            WHEN random() < 0.02 THEN 'L'
            WHEN s.session = 'AM' THEN '/' ELSE '\' END AS code
    ) c
"""
GENERATE_SQL = f"INSERT INTO {MARKS} ({GENERATED}) SELECT {GENERATED} FROM ({_DAY}) day"
GENERATE_HOLDING_BACK_SQL = f"""
    WITH day AS MATERIALIZED ({_DAY}), kept AS (
        INSERT INTO {MARKS} ({GENERATED})
        SELECT {GENERATED} FROM day WHERE date <= held_after
    )
    INSERT INTO bench_held_back SELECT {GENERATED} FROM day WHERE date > held_after
"""


def daily_csv(path: Path, day: date) -> int:
    """One school day's marks for every pupil in the county, as the import CSV."""
    rows = _sql(
        "SELECT s.urn, p.upn, r.rate FROM people_pupil p JOIN people_school s ON s.id = "
        "p.school_id JOIN bench_rate r ON r.pupil_id = p.id ORDER BY s.urn, p.upn"
    )
    rng = random.Random(9)
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["school_urn", "upn", "date", "session", "code", "minutes_late"])
        for urn, upn, rate in rows:
            for session, present in (("AM", "/"), ("PM", "\\")):
                code = rng.choice("IIINOG") if rng.random() < rate else present
                writer.writerow([urn, upn, day.isoformat(), session, code, ""])
    return 2 * len(rows)


def build_week_counts(school_ids: list[int]) -> float:
    """The weekly counts the importer keeps, built once for the generated marks (one pass a
    school, as ``attune rebuild_attendance_counts`` does); returns the seconds taken."""
    from django.db import transaction

    from attune.attendance import week_counts

    _sql("DROP INDEX IF EXISTS week_counts_school_week")
    started = time.perf_counter()
    for school_id in school_ids:
        with transaction.atomic():
            week_counts.rebuild(school_id)
    _sql("CREATE INDEX week_counts_school_week ON attendance_weekcounts (school_id, week)")
    _sql("VACUUM ANALYZE attendance_weekcounts")
    return round(time.perf_counter() - started, 1)


def old_scan(school_ids: list[int], date_from: date, date_to: date) -> list[tuple[Any, ...]]:
    """The cohort figures by scanning every mark (the first version), to check the counts."""
    from attune.attendance.county import ABSENCE_CODES, POSSIBLE_CODES

    return _sql(
        """
        WITH per_pupil AS MATERIALIZED (
            SELECT pupil_id, count(*) FILTER (WHERE code = ANY(%(possible)s)) AS possible,
                   count(*) FILTER (WHERE code = ANY(%(absence)s)) AS absent
            FROM attendance_sessionmark
            WHERE school_id = ANY(%(schools)s) AND date BETWEEN %(f)s AND %(t)s
            GROUP BY pupil_id
        ), counted AS (
            SELECT pupil_id, possible, absent, (absent * 10 >= possible)::int AS pa,
                   (absent * 2 >= possible)::int AS sa FROM per_pupil WHERE possible > 0
        ), members AS (
            SELECT DISTINCT pupil_id, cohort FROM people_cohortmembership
            WHERE school_id = ANY(%(schools)s) AND start_date <= %(t)s
              AND (end_date IS NULL OR end_date >= %(f)s)
        )
        SELECT '', count(*), sum(possible), sum(absent), sum(pa), sum(sa) FROM counted
        UNION ALL
        SELECT m.cohort, count(*), sum(possible), sum(absent), sum(pa), sum(sa)
        FROM counted c JOIN members m USING (pupil_id) GROUP BY m.cohort
        """,
        {"schools": school_ids, "f": date_from, "t": date_to,
         "possible": list(POSSIBLE_CODES), "absence": list(ABSENCE_CODES)},
    )  # fmt: skip


def as_rows(cohorts: list[Any]) -> list[tuple[Any, ...]]:
    return sorted(
        (c.cohort, c.pupils, c.possible_sessions, c.absent_sessions, c.persistent_absentees,
         c.severe_absentees)
        for c in cohorts
    )  # fmt: skip


def cases(school_ids: list[int]) -> dict[str, tuple[date, date]]:
    """The ranges measured: the whole school year of the marks (the Virtual School's "this
    school year", read from one yearly row a pupil), and Wednesday to Wednesday across the
    marks (part weeks at both ends: weeks from the weekly counts, odd days from the marks)."""
    from attune.attendance.domain.calculations import weeks_of_year, year_of_week

    date_from, date_to = _sql(
        "SELECT min(date), max(date) FROM attendance_sessionmark WHERE school_id = %s",
        [school_ids[0]],
    )[0]
    year = year_of_week(date_from)
    wednesday_from = date_from + timedelta(days=(2 - date_from.weekday()) % 7)
    wednesday_to = date_to - timedelta(days=(date_to.weekday() - 2) % 7)
    return {
        "school_year": (date(year, 8, 1), weeks_of_year(year)[1] + timedelta(days=6)),
        "wednesday_to_wednesday": (wednesday_from, wednesday_to),
    }


def measure(school_ids: list[int], *, check_scan: bool = True) -> dict[str, Any]:
    """Cohort figures for each range in ``cases``, PostgreSQL beside DuckDB and polars.

    Every reference answers from the same tables exported to Parquet, and each answer (and a
    scan of every mark in PostgreSQL, the first version's query) is checked against
    ``cohort_figures``.
    """
    from attune.attendance.county import cohort_figures, county_statement

    # COUNTY_PARQUET names a folder already exported (by an earlier run on the same marks).
    kept = os.environ.get("COUNTY_PARQUET")
    folder = Path(kept or tempfile.mkdtemp(prefix="attune-county-"))
    figures: dict[str, Any] = {"load_average_start": os.getloadavg()}
    figures["marks"] = _sql("SELECT count(*) FROM attendance_sessionmark")[0][0]
    figures["days_of_marks"] = _sql(
        "SELECT count(DISTINCT date) FROM attendance_sessionmark WHERE school_id = %s",
        [school_ids[0]],
    )[0][0]
    if not kept:
        figures["export_to_parquet_s"] = county_references.export(folder, _sql)
    references = county_references.References(folder)
    for case, (date_from, date_to) in cases(school_ids).items():
        first, median, found = county_references.timed(
            partial(cohort_figures, school_ids=school_ids, date_from=date_from, date_to=date_to)
        )
        rows = as_rows(found)
        measured: dict[str, Any] = {
            "range": f"{date_from} to {date_to}",
            "postgresql_first_s": first,
            "postgresql_median_s": median,
        }
        log(f"{case}: PostgreSQL {median} s")
        if check_scan:
            began = time.perf_counter()
            measured["postgresql_mark_scan_matches"] = (
                sorted(old_scan(school_ids, date_from, date_to)) == rows
            )
            measured["postgresql_mark_scan_s"] = round(time.perf_counter() - began, 2)
        measured |= county_references.compare(
            references, *county_statement(school_ids, date_from, date_to), rows
        )
        for reference in ("duckdb_same_input", "duckdb_every_mark", "polars_same_input"):
            measured[f"postgresql_over_{reference}"] = round(
                median / measured[f"{reference}_median_s"], 1
            )
        measured["load_average"] = os.getloadavg()
        log(f"{case}: {measured}")
        figures[case] = measured
        if case == "school_year":
            figures["cohort_figures"] = [
                (c.label, c.pupils, str(c.attendance_pct), str(c.persistent_absence_pct),
                 str(c.severe_absence_pct))
                for c in found
            ]  # fmt: skip
    if not kept:
        shutil.rmtree(folder)
    figures |= measure_by_school_and_pupil(school_ids, *cases(school_ids)["school_year"])
    figures["audit_trail"] = county_audit.measure_reads(school_ids[len(school_ids) // 2])
    figures["load_average_end"] = os.getloadavg()
    return figures


def measure_by_school_and_pupil(
    school_ids: list[int], date_from: date, date_to: date
) -> dict[str, Any]:
    """The same figures for each of the county's schools, and one pupil's attendance page."""
    from attune.attendance.county import cohort_figures_by_school
    from attune.attendance.selectors import pupil_attendance_page
    from attune.people.models import Pupil
    from attune.tenancy import school_scope, scopes_disabled

    first, median, _ = county_references.timed(
        partial(
            cohort_figures_by_school, school_ids=school_ids, date_from=date_from, date_to=date_to
        ),
        3,
    )
    figures: dict[str, Any] = {"by_school_first_s": first, "by_school_median_s": median}
    with scopes_disabled():
        pupil = Pupil.objects.filter(school_id=school_ids[len(school_ids) // 2]).order_by("upn")[7]
    last = _sql("SELECT max(date) FROM attendance_sessionmark WHERE pupil_id = %s", [pupil.pk])
    timings = []
    with school_scope(pupil.school):
        for _ in range(21):
            began = time.perf_counter()
            pupil_attendance_page(pupil, today=last[0][0])
            timings.append(time.perf_counter() - began)
    figures["pupil_page_first_ms"] = round(timings[0] * 1000, 1)
    figures["pupil_page_median_ms"] = round(statistics.median(timings[1:]) * 1000, 1)
    return figures


def next_school_days(count: int) -> list[date]:
    """The ``count`` school days after the county's last marks: the days a daily file adds."""
    last = _sql("SELECT max(date) FROM attendance_sessionmark")[0][0]
    return [day for day in school_days(DAYS + 120) if day > last][:count]


def daily_imports(count: int) -> dict[str, Any]:
    """Import the next ``count`` school days, one file a day, then each file again; the
    figures vary from day to day (Mondays add weeks, and a checkpoint can land in any of them),
    so a run of several says more than one."""
    from django.core.management import call_command

    days = next_school_days(count)
    folder = Path(tempfile.mkdtemp(prefix="attune-county-days-"))
    runs = []
    # Counted once: a count before each day read all 8 GB of marks again, which can push the
    # indexes out of the machine's file cache just before the import is timed.
    marks = _sql("SELECT count(*) FROM attendance_sessionmark")[0][0]
    for day in days:
        path = folder / f"{day.isoformat()}.csv"
        rows = daily_csv(path, day)
        run: dict[str, Any] = {"day": f"{day:%a %d %b %Y}", "rows": rows, "marks_before": marks}
        run["load_average_before"] = os.getloadavg()
        with _school_day(day):  # kept once; the clock stands on the day for both
            for name in ("new_day", "same_file_again"):
                reads = _reads_from_outside_shared_buffers()
                began, cpu = time.perf_counter(), time.process_time()
                call_command("import_attendance", str(path), stdout=io.StringIO())
                run[f"{name}_s"] = round(time.perf_counter() - began, 1)
                run[f"{name}_cpu_s"] = round(time.process_time() - cpu, 1)
                after = _reads_from_outside_shared_buffers()
                blocks, read_ms = after[0] - reads[0], after[1] - reads[1]
                run[f"{name}_read_in_mb"] = round(blocks * 8 / 1024)
                run[f"{name}_read_in_s"] = round(read_ms / 1000, 1)
        run["load_average"] = os.getloadavg()
        marks += _sql(
            "SELECT coalesce(sum(marks_added), 0) FROM attendance_attendanceimport"
            " WHERE file_name = %s",
            [path.name],
        )[0][0]
        log(f"{run['day']}: {run['new_day_s']} s ({run['new_day_cpu_s']} s CPU, "
            f"{run['new_day_read_in_mb']} MB read in {run['new_day_read_in_s']} s), again "
            f"{run['same_file_again_s']} s")  # fmt: skip
        runs.append(run)
    shutil.rmtree(folder)
    return {
        "runs": runs,
        "new_day_median_s": statistics.median(r["new_day_s"] for r in runs),
        "same_file_again_median_s": statistics.median(r["same_file_again_s"] for r in runs),
    }


@contextmanager
def _school_day(day: date) -> Iterator[None]:
    """``day`` as today, with every school's "who needs attention" kept for it, as if each had
    opened it that morning: an import then takes the path a school day's import takes (its
    marks are worked into each list, here by the background refresh it queues)."""
    _sql(
        """
        INSERT INTO attendance_attentionrun
            (school_id, day, worked_out_at, version, refresh_queued_at, marks_waiting_since)
        SELECT id, %(day)s, now(), 0, NULL, NULL FROM people_school
        ON CONFLICT (school_id) DO UPDATE SET day = %(day)s, marks_waiting_since = NULL
        """,
        {"day": day},
    )
    with mock.patch("django.utils.timezone.localdate", return_value=day):
        yield


def _reads_from_outside_shared_buffers() -> tuple[int, float]:
    """The database's blocks read in so far (from the OS cache or the disk), and the time spent
    reading them: a county's first import after a restart or a bulk build reads its indexes in
    (``track_io_timing`` is set for this connection, so the time covers the import's reads)."""
    _sql("SET track_io_timing = on")
    _sql("SELECT pg_stat_force_next_flush()")  # this connection's own reads counted so far
    blocks, read_ms = _sql(
        "SELECT blks_read, blk_read_time FROM pg_stat_database WHERE datname = current_database()"
    )[0]
    return int(blocks), float(read_ms)


def profile_next_day() -> dict[str, Any]:
    """The next school day's import, its time split into shares (``county_import_profile``)."""
    [day] = next_school_days(1)
    folder = Path(tempfile.mkdtemp(prefix="attune-county-profile-"))
    path = folder / f"{day.isoformat()}.csv"
    figures: dict[str, Any] = {"day": f"{day:%a %d %b %Y}", "date": day.isoformat()}
    figures["rows"] = daily_csv(path, day)
    figures["marks_before"] = _sql("SELECT count(*) FROM attendance_sessionmark")[0][0]
    figures["load_average_before"] = os.getloadavg()
    with _school_day(day):
        figures |= county_import_profile.profile_day(path, day)
    figures["load_average_end"] = os.getloadavg()
    shutil.rmtree(folder)
    return figures


def build(figures: dict[str, Any], *, as_restored: bool = False) -> list[int]:
    """The county: schools and pupils, the marks, their weekly and yearly counts, and the
    audit events their daily imports would have written (``county_audit``)."""
    started = time.perf_counter()
    school_ids = build_people()
    figures["people_s"] = round(time.perf_counter() - started, 1)
    log(f"{SCHOOLS} schools, {PUPILS} pupils in {figures['people_s']} s")
    started = time.perf_counter()
    figures["as_restored"] = as_restored
    figures["days_generated"] = generate_marks(
        school_ids, school_days(DAYS), as_restored=as_restored
    )
    figures["marks"] = _sql("SELECT count(*) FROM attendance_sessionmark")[0][0]
    size = _sql("SELECT pg_total_relation_size('attendance_sessionmark')")[0][0]
    figures["marks_table_and_indexes_mb"] = round(size / 2**20)
    figures["generation_s"] = round(time.perf_counter() - started, 1)
    figures["week_counts_build_s"] = build_week_counts(school_ids)
    figures["week_counts_rows"] = _sql("SELECT count(*) FROM attendance_weekcounts")[0][0]
    size = _sql("SELECT pg_total_relation_size('attendance_weekcounts')")[0][0]
    figures["week_counts_table_and_indexes_mb"] = round(size / 2**20)
    log(f"week counts built in {figures['week_counts_build_s']} s")
    figures |= county_audit.add_year(_sql, log, county_audit.days_not_imported(_sql))
    log(f"{figures['audit_events']} audit events in {figures['audit_load_s']} s")
    mb, seconds = figures["read_into_memory_mb"], figures["read_into_memory_s"] = read_into_memory()
    log(f"{mb} MB read into memory in {seconds} s")
    # The build leaves gigabytes of changed pages in memory; without writing them out now, the
    # checkpoint that does so ran through the first days' imports (22.7 s against 17-19 s).
    started = time.perf_counter()
    _sql("CHECKPOINT")
    figures["checkpoint_s"] = round(time.perf_counter() - started, 1)
    log(f"checkpoint in {figures['checkpoint_s']} s")
    return school_ids


# What every daily import touches (each pupil's place in the marks' unique index, and their
# weekly and yearly counts), which a year of daily imports would have left in PostgreSQL's
# memory. The build writes its indexes around that memory (CREATE INDEX), so without this the
# first day measured reading them in: 2.3 GB and 7.1 s of 30.0 s on 6 December 2026.
HOT_RELATIONS = (
    "session_mark_one_per_session",
    "week_counts_one_per_week",
    "attendance_yearcounts",
    "year_counts_one_per_year",
    "year_counts_school_year",
)


def read_into_memory() -> tuple[int, float]:
    """``HOT_RELATIONS`` read into shared buffers (``pg_prewarm``); MB read and seconds."""
    _sql("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
    started = time.perf_counter()
    blocks = sum(_sql("SELECT pg_prewarm(%s)", [name])[0][0] for name in HOT_RELATIONS)
    return round(blocks * 8 / 1024), round(time.perf_counter() - started, 1)


def _write(name: str, figures: dict[str, Any]) -> None:
    for key, value in figures.items():
        print(f"{key:<32}{value!s}")
    # How quick the machine was as the run ended: one run's seconds can be half as long
    # again as another's on this shared machine at the same load (``common.machine_speed``).
    payload = {
        "python": sys.version.split()[0],
        "machine_speed_s": machine_speed(),
        "figures": figures,
    }
    (Path(__file__).parent / "results" / name).write_text(
        json.dumps(payload, indent=2, default=str) + "\n"
    )


USAGE = """python -m benchmarks.county [--build [--as-restored] | --measure-only | --daily N |
                                        --profile-day | --audit-year]

  (nothing)       build the county, measure, then import the next school day
  --build         build the county and stop (--as-restored: the marks' unique index as a
                  restore leaves it, every page 90% full)
  --measure-only  measure the cohort figures (with DuckDB and polars) on the county built
  --daily N       import the next N school days (default 5), each file twice
  --profile-day   import the next school day with its time split into shares
  --audit-year    add the audit events of the generated days to a county built before the
                  build wrote them (7 December 2026)"""


def main() -> None:
    arguments = sys.argv[1:]
    commands = ("--build", "--measure-only", "--daily", "--profile-day", "--audit-year")
    if arguments and arguments[0] not in commands:
        sys.exit(USAGE)
    if setup_django() != "postgresql":
        sys.exit("The county benchmark needs PostgreSQL: set DATABASE_URL=postgres://...")
    figures: dict[str, Any] = {"load_average_start": os.getloadavg()}
    if not arguments or arguments[0] == "--build":
        school_ids = build(figures, as_restored="--as-restored" in arguments)
        _write("county-build-postgresql.json", figures | {"load_average_end": os.getloadavg()})
    else:
        school_ids = [row[0] for row in _sql("SELECT id FROM people_school ORDER BY urn")]
    if not arguments or arguments[0] == "--measure-only":
        _write("county-measure-only-postgresql.json", measure(school_ids))
    if not arguments or arguments[0] == "--daily":
        count = int(arguments[1]) if len(arguments) > 1 else 5 if arguments else 1
        _write("county-daily-postgresql.json", daily_imports(count))
    if arguments[:1] == ["--profile-day"]:
        figures = profile_next_day()  # a file a day: days differ (a checkpoint, the cache)
        _write(f"county-import-profile-postgresql-{figures['date']}.json", figures)
    if arguments[:1] == ["--audit-year"]:
        figures |= county_audit.add_year(_sql, log, county_audit.days_not_imported(_sql))
        _write("county-audit-year-postgresql.json", figures | {"load_average_end": os.getloadavg()})


if __name__ == "__main__":
    main()
