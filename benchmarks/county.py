"""A synthetic county on PostgreSQL: daily import, cohort figures, a pupil's page, and DuckDB.

Run ``DATABASE_URL=postgres://.../county .venv/bin/python -m benchmarks.county`` on an empty
database (PostgreSQL only). It builds 600 schools and 250,000 pupils (valid UPNs, cohorts at
roughly national shares), then generates register marks in SQL (``generate_series``), one
school day at a time for every pupil, as a year of daily imports would lay them on disk. The
full year is 190 days (95 million marks); ``COUNTY_GEN_SECONDS`` (default 600) caps the time
spent generating, and the figures say how many days were made, so the scan figures can be
scaled to the year (they grow with the rows read; see ``docs/county-scale.md``).

Then it measures:

- the **daily import**: one new school day for the whole county (500,000 marks) through
  ``attune import_attendance``, as a CSV;
- the **cohort figures** for the whole county over the marks so far
  (``attune.attendance.county.cohort_figures``);
- **one pupil's attendance page** data (``selectors.pupil_attendance_page``);
- the same cohort figures computed by **DuckDB** from the marks exported to Parquet, as the
  reference for what this hardware can do.

Figures go to stdout and ``benchmarks/results/county-postgresql.json``, with the load average.

On a county already built, ``--measure-only`` measures the cohort figures again, and
``--daily N`` imports the next N school days one file at a time
(``benchmarks/results/county-daily-postgresql.json``).
"""

# ruff: noqa: S608 (the SQL here is built from constants and our own temporary paths)
from __future__ import annotations

import csv
import io
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from benchmarks.attendance_storage import school_days
from benchmarks.common import setup_django

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


def generate_marks(school_ids: list[int], days: list[date]) -> int:
    """Marks for every pupil, one day at a time, until the time cap; returns days made.

    Each pupil has an absence propensity (most pupils rarely absent, a long tail often
    absent), raised for the cohorts in ``COHORTS``. Indexes are dropped while loading and
    rebuilt after, as a bulk load would.
    """
    multipliers = " * ".join(
        f"(CASE WHEN EXISTS (SELECT 1 FROM people_cohortmembership c WHERE c.pupil_id = p.id "
        f"AND c.cohort = '{cohort}') THEN {factor} ELSE 1 END)"
        for cohort, (_, factor) in COHORTS.items()
    )
    _sql(
        f"""
        CREATE UNLOGGED TABLE bench_rate AS
        SELECT p.id AS pupil_id, p.school_id,
               least(0.95, (0.01 + 0.25 * power(random(), 4)) * {multipliers}) AS rate
        FROM people_pupil p WHERE p.school_id = ANY(%s)
        """,
        [school_ids],
    )
    _sql("ALTER TABLE attendance_sessionmark DROP CONSTRAINT session_mark_one_per_session")
    _sql("DROP INDEX session_mark_school_day")
    started = time.perf_counter()
    made = 0
    for day in days:
        _sql(
            r"""
            INSERT INTO attendance_sessionmark
                (school_id, pupil_id, date, session, code, original_code, minutes_late)
            SELECT r.school_id, r.pupil_id, %(day)s, s.session, c.code, c.code, NULL
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
            """,
            {"day": day},
        )
        made += 1
        if made % 10 == 0:
            log(f"  {made} days, {time.perf_counter() - started:.0f} s")
        if time.perf_counter() - started > GEN_SECONDS:
            break
    log(f"generated {made} days in {time.perf_counter() - started:.0f} s; building indexes")
    started = time.perf_counter()
    _sql("SET maintenance_work_mem = '256MB'")
    _sql(
        "ALTER TABLE attendance_sessionmark ADD CONSTRAINT session_mark_one_per_session "
        "UNIQUE (pupil_id, date, session)"
    )
    _sql("CREATE INDEX session_mark_school_day ON attendance_sessionmark (school_id, date)")
    _sql("VACUUM ANALYZE attendance_sessionmark")
    log(f"indexes and VACUUM ANALYZE in {time.perf_counter() - started:.0f} s")
    return made


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


def timed(action: Any, repeats: int) -> tuple[float, float]:
    """(first run, median of the next ``repeats``) in seconds."""
    started = time.perf_counter()
    action()
    first = time.perf_counter() - started
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        runs.append(time.perf_counter() - started)
    return first, statistics.median(runs) if runs else first


def duckdb_reference(folder: Path, date_from: date, date_to: date) -> dict[str, Any]:
    """Export marks and cohorts to Parquet (via PostgreSQL's COPY), then time DuckDB."""
    import duckdb

    from attune.attendance.county import ABSENCE_CODES, POSSIBLE_CODES

    marks_csv, members_csv = folder / "marks.csv", folder / "members.csv"
    os.chmod(folder, 0o777)  # noqa: S103 (a throwaway folder the server process writes into)
    started = time.perf_counter()
    _sql(
        f"COPY (SELECT pupil_id, date, session, code FROM attendance_sessionmark) "
        f"TO '{marks_csv}' WITH (FORMAT csv)"
    )
    _sql(
        f"COPY (SELECT pupil_id, cohort, start_date, end_date FROM people_cohortmembership) "
        f"TO '{members_csv}' WITH (FORMAT csv)"
    )
    con = duckdb.connect()
    con.execute(
        f"COPY (SELECT * FROM read_csv('{marks_csv}', header=false, "
        "columns={'pupil_id': 'UUID', 'date': 'DATE', 'session': 'VARCHAR', 'code': 'VARCHAR'})) "
        f"TO '{folder / 'marks.parquet'}' (FORMAT parquet)"
    )
    con.execute(
        f"COPY (SELECT * FROM read_csv('{members_csv}', header=false, columns={{'pupil_id': "
        "'UUID', 'cohort': 'VARCHAR', 'start_date': 'DATE', 'end_date': 'DATE'})) "
        f"TO '{folder / 'members.parquet'}' (FORMAT parquet)"
    )
    export_s = time.perf_counter() - started
    marks_csv.unlink()
    possible = ", ".join(f"'{c}'" for c in POSSIBLE_CODES)
    absence = ", ".join(f"'{c}'" for c in ABSENCE_CODES)
    query = f"""
        WITH per_pupil AS (
            SELECT pupil_id,
                   count(*) FILTER (WHERE code IN ({possible})) AS possible,
                   count(*) FILTER (WHERE code IN ({absence})) AS absent
            FROM '{folder / "marks.parquet"}'
            WHERE date BETWEEN DATE '{date_from}' AND DATE '{date_to}'
            GROUP BY pupil_id
        ), counted AS (
            SELECT *, (absent * 10 >= possible)::int AS pa, (absent * 2 >= possible)::int AS sa
            FROM per_pupil WHERE possible > 0
        ), members AS (
            SELECT DISTINCT pupil_id, cohort FROM '{folder / "members.parquet"}'
            WHERE start_date <= DATE '{date_to}'
              AND (end_date IS NULL OR end_date >= DATE '{date_from}')
        )
        SELECT '' AS cohort, count(*), sum(possible), sum(absent), sum(pa), sum(sa) FROM counted
        UNION ALL
        SELECT m.cohort, count(*), sum(possible), sum(absent), sum(pa), sum(sa)
        FROM counted c JOIN members m USING (pupil_id) GROUP BY m.cohort
    """
    result: list[tuple[Any, ...]] = []

    def run() -> None:
        result[:] = con.execute(query).fetchall()

    first, median = timed(run, 5)
    return {"export_s": round(export_s, 1), "first_s": first, "median_s": median, "rows": result}


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


def measure_cohort_figures(
    school_ids: list[int], date_from: date, date_to: date
) -> tuple[dict[str, Any], list[Any]]:
    """County cohort figures over the whole range, over a range with odd days at both ends
    (Wednesday to Wednesday), and by school; each checked against a scan of every mark."""
    from attune.attendance.county import cohort_figures, cohort_figures_by_school

    figures: dict[str, Any] = {}
    cohorts: list[Any] = []

    def county() -> None:
        cohorts[:] = cohort_figures(school_ids=school_ids, date_from=date_from, date_to=date_to)

    figures["cohort_figures_first_s"], figures["cohort_figures_median_s"] = timed(county, 3)
    whole = list(cohorts)
    mid_from = date_from + timedelta(days=(2 - date_from.weekday()) % 7)
    mid_to = date_to - timedelta(days=(date_to.weekday() - 2) % 7)
    first, median = timed(
        lambda: cohorts.__setitem__(
            slice(None),
            cohort_figures(school_ids=school_ids, date_from=mid_from, date_to=mid_to),
        ),
        3,
    )
    figures |= {
        "cohort_figures_odd_days_first_s": first,
        "cohort_figures_odd_days_median_s": median,
    }
    edged = list(cohorts)
    by_school: dict[int, Any] = {}
    first, median = timed(
        lambda: by_school.update(
            cohort_figures_by_school(school_ids=school_ids, date_from=date_from, date_to=date_to)
        ),
        3,
    )
    figures |= {"by_school_first_s": first, "by_school_median_s": median,
                "by_school_schools": len(by_school)}  # fmt: skip
    # The whole school year (its yearly counts: one row a pupil), as the Virtual School's
    # "this school year" reads it.
    from attune.attendance.domain.calculations import weeks_of_year, year_of_week

    year = year_of_week(date_from)
    year_from, year_to = date(year, 8, 1), weeks_of_year(year)[1] + timedelta(days=6)
    first, median = timed(
        lambda: cohorts.__setitem__(
            slice(None),
            cohort_figures(school_ids=school_ids, date_from=year_from, date_to=year_to),
        ),
        3,
    )
    figures["cohort_figures_school_year_first_s"] = first
    figures["cohort_figures_school_year_median_s"] = median
    figures["school_year_matches_mark_scan"] = sorted(
        old_scan(school_ids, year_from, year_to)
    ) == as_rows(cohorts)
    began = time.perf_counter()
    scanned = old_scan(school_ids, date_from, date_to)
    figures["mark_scan_s"] = round(time.perf_counter() - began, 2)
    figures["counts_match_mark_scan"] = sorted(scanned) == as_rows(whole)
    figures["odd_days_match_mark_scan"] = sorted(old_scan(school_ids, mid_from, mid_to)) == (
        as_rows(edged)
    )
    log(f"cohort figures: {figures}")
    return figures, whole


def measure_only() -> None:
    """``--measure-only``: the cohort figures on an existing county (weekly counts built)."""
    setup_django()
    school_ids = [row[0] for row in _sql("SELECT id FROM people_school ORDER BY urn")]
    date_from, date_to = _sql("SELECT min(date), max(date) FROM attendance_sessionmark")[0]
    figures: dict[str, Any] = {"load_average_start": os.getloadavg()}
    if not _sql("SELECT 1 FROM attendance_yearcounts LIMIT 1"):
        figures["week_counts_build_s"] = build_week_counts(school_ids)
    measured, _ = measure_cohort_figures(school_ids, date_from, date_to)
    figures |= measured
    figures["load_average_end"] = os.getloadavg()
    for name, value in figures.items():
        print(f"{name:<32}{value!s}")
    out = Path(__file__).parent / "results" / "county-measure-only-postgresql.json"
    out.write_text(json.dumps({"figures": figures}, indent=2, default=str) + "\n")


def daily_imports(count: int) -> None:
    """``--daily N``: import the next N school days on an existing county, one file a day,
    then each file again; the figures vary from day to day (Mondays add weeks, and a checkpoint
    can land in any of them), so a run of several says more than one."""
    setup_django()
    from django.core.management import call_command

    last = _sql("SELECT max(date) FROM attendance_sessionmark")[0][0]
    days = [day for day in school_days(DAYS + 120) if day > last][:count]
    folder = Path(tempfile.mkdtemp(prefix="attune-county-days-"))
    runs = []
    for day in days:
        path = folder / f"{day.isoformat()}.csv"
        rows = daily_csv(path, day)
        run: dict[str, Any] = {"day": f"{day:%a %d %b %Y}", "rows": rows}
        for name in ("new_day", "same_file_again"):
            began, cpu = time.perf_counter(), time.process_time()
            call_command("import_attendance", str(path), stdout=io.StringIO())
            run[f"{name}_s"] = round(time.perf_counter() - began, 1)
            run[f"{name}_cpu_s"] = round(time.process_time() - cpu, 1)
        run["load_average"] = os.getloadavg()
        log(f"{run['day']}: {run['new_day_s']} s ({run['new_day_cpu_s']} s CPU), again "
            f"{run['same_file_again_s']} s")  # fmt: skip
        runs.append(run)
    marks = _sql("SELECT count(*) FROM attendance_sessionmark")[0][0]
    summary = {
        "marks_after": marks,
        "new_day_median_s": statistics.median(r["new_day_s"] for r in runs),
        "same_file_again_median_s": statistics.median(r["same_file_again_s"] for r in runs),
    }
    for name, value in summary.items():
        print(f"{name:<32}{value!s}")
    out = Path(__file__).parent / "results" / "county-daily-postgresql.json"
    payload = {"python": sys.version.split()[0], "runs": runs, "figures": summary}
    out.write_text(json.dumps(payload, indent=2, default=str) + "\n")


def _write(name: str, figures: dict[str, Any]) -> None:
    for key, value in figures.items():
        print(f"{key:<32}{value!s}")
    payload = {"python": sys.version.split()[0], "figures": figures}
    (Path(__file__).parent / "results" / name).write_text(
        json.dumps(payload, indent=2, default=str) + "\n"
    )


def main() -> None:
    if sys.argv[1:] == ["--measure-only"]:
        measure_only()
        return
    if sys.argv[1:2] == ["--daily"]:
        daily_imports(int(sys.argv[2]) if len(sys.argv) > 2 else 5)
        return
    vendor = setup_django()
    if vendor != "postgresql":
        sys.exit("The county benchmark needs PostgreSQL: set DATABASE_URL=postgres://...")
    from django.core.management import call_command

    from attune.attendance.models import SessionMark
    from attune.attendance.selectors import pupil_attendance_page
    from attune.people.models import Pupil
    from attune.tenancy import school_scope, scopes_disabled

    figures: dict[str, Any] = {"load_average_start": os.getloadavg()}
    started = time.perf_counter()
    school_ids = build_people()
    figures["people_s"] = round(time.perf_counter() - started, 1)
    log(f"{SCHOOLS} schools, {PUPILS} pupils in {figures['people_s']} s")
    days = school_days(DAYS + 1)
    made = generate_marks(school_ids, days[:DAYS])
    marks = _sql("SELECT count(*) FROM attendance_sessionmark")[0][0]
    size = _sql("SELECT pg_total_relation_size('attendance_sessionmark')")[0][0]
    figures |= {
        "days_generated": made,
        "marks": marks,
        "marks_table_and_indexes_mb": round(size / 2**20),
        "generation_s": round(time.perf_counter() - started, 1),
    }
    date_from, date_to = days[0], days[made - 1]

    figures["week_counts_build_s"] = build_week_counts(school_ids)
    size = _sql("SELECT pg_total_relation_size('attendance_weekcounts')")[0][0]
    figures["week_counts_rows"] = _sql("SELECT count(*) FROM attendance_weekcounts")[0][0]
    figures["week_counts_table_and_indexes_mb"] = round(size / 2**20)
    log(f"week counts built in {figures['week_counts_build_s']} s")
    if sys.argv[1:] == ["--build"]:
        _write("county-build-postgresql.json", figures | {"load_average_end": os.getloadavg()})
        return

    figures["load_average_measuring"] = os.getloadavg()
    measured, cohorts = measure_cohort_figures(school_ids, date_from, date_to)
    figures |= measured
    figures["cohort_figures"] = [
        (c.label, c.pupils, str(c.attendance_pct), str(c.persistent_absence_pct),
         str(c.severe_absence_pct))
        for c in cohorts
    ]  # fmt: skip
    median = figures["cohort_figures_median_s"]

    with scopes_disabled():
        pupil = Pupil.objects.filter(school_id=school_ids[len(school_ids) // 2]).order_by("upn")[7]
    timings = []
    with school_scope(pupil.school):
        for _ in range(21):
            began = time.perf_counter()
            pupil_attendance_page(pupil, today=date_to)
            timings.append(time.perf_counter() - began)
    figures["pupil_page_first_ms"] = round(timings[0] * 1000, 1)
    figures["pupil_page_median_ms"] = round(statistics.median(timings[1:]) * 1000, 1)
    log(f"pupil page: first {timings[0] * 1000:.1f} ms")

    folder = Path(tempfile.mkdtemp(prefix="attune-county-"))
    duck = duckdb_reference(folder, date_from, date_to)
    figures |= {f"duckdb_{k}": v for k, v in duck.items() if k != "rows"}
    figures["duckdb_matches_postgresql"] = sorted(
        (r[0], r[1], r[2], r[3], r[4], r[5]) for r in duck["rows"]
    ) == as_rows(cohorts)
    figures["postgresql_over_duckdb"] = round(median / duck["median_s"], 1)
    log(f"duckdb: {duck['median_s']:.2f} s")

    day = days[made]
    path = folder / "day.csv"
    figures["daily_rows"] = daily_csv(path, day)
    figures["load_average_daily_import"] = os.getloadavg()
    began, cpu = time.perf_counter(), time.process_time()
    call_command("import_attendance", str(path), stdout=io.StringIO())
    figures["daily_import_s"] = round(time.perf_counter() - began, 1)
    figures["daily_import_cpu_s"] = round(time.process_time() - cpu, 1)
    with scopes_disabled():
        figures["marks_after_daily"] = SessionMark.objects.count()
    log(f"daily import: {figures['daily_import_s']} s")
    figures["load_average_end"] = os.getloadavg()

    for name, value in figures.items():
        print(f"{name:<32}{value!s}")
    out = Path(__file__).parent / "results" / "county-postgresql.json"
    payload = {"python": sys.version.split()[0], "figures": figures}
    out.write_text(json.dumps(payload, indent=2, default=str) + "\n")


if __name__ == "__main__":
    main()
