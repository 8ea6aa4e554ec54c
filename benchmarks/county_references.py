"""What this hardware can do with the county's data outside PostgreSQL: DuckDB and polars.

Used by ``benchmarks.county --measure-only``, so the references run in the same run, on the
same machine, at the same load as PostgreSQL's figures. The county's tables are exported
once to Parquet (through PostgreSQL's ``COPY`` to CSV, then DuckDB), and then, for each
range measured, three references answer the same question as ``county.cohort_figures``:

- **DuckDB, same input**: the very query PostgreSQL runs (``county.county_statement``, with the
  same parameters: which school years, which weeks, which odd days), over the same yearly
  counts, weekly counts, marks and cohort memberships, as Parquet;
- **DuckDB, every mark**: counting every mark in the range, as an analyst with only the marks
  would;
- **polars**: the analyst's other choice, the same reading as the first (yearly and weekly
  counts plus odd days) written as polars expressions over the same Parquet files.

Each answer is checked against PostgreSQL's.
"""

# ruff: noqa: S608 (the SQL here is built from constants and our own temporary paths)
from __future__ import annotations

import os
import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

TABLES = {
    # name: (the columns exported, the DuckDB types)
    "attendance_yearcounts": (
        "school_id, pupil_id, year, possible, authorised_absence, unauthorised_absence",
        "school_id BIGINT, pupil_id UUID, year SMALLINT, possible INTEGER, "
        "authorised_absence INTEGER, unauthorised_absence INTEGER",
    ),
    "attendance_weekcounts": (
        "school_id, pupil_id, week, possible, authorised_absence, unauthorised_absence",
        "school_id BIGINT, pupil_id UUID, week DATE, possible INTEGER, "
        "authorised_absence INTEGER, unauthorised_absence INTEGER",
    ),
    "attendance_sessionmark": (
        "school_id, pupil_id, date, code",
        "school_id BIGINT, pupil_id UUID, date DATE, code VARCHAR",
    ),
    "people_cohortmembership": (
        "school_id, pupil_id, cohort, start_date, end_date",
        "school_id BIGINT, pupil_id UUID, cohort VARCHAR, start_date DATE, end_date DATE",
    ),
}


def timed[T](action: Callable[[], T], repeats: int = 5) -> tuple[float, float, T]:
    """(first run, median of the next ``repeats``) in seconds, and the last run's answer."""
    started = time.perf_counter()
    answer = action()
    first = time.perf_counter() - started
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        answer = action()
        runs.append(time.perf_counter() - started)
    return round(first, 3), round(statistics.median(runs), 3), answer


def export(folder: Path, sql: Callable[[str], Any]) -> dict[str, float]:
    """Each table to ``folder/<table>.parquet``; seconds taken, per table."""
    import duckdb

    os.chmod(folder, 0o777)  # noqa: S103 (a throwaway folder the server process writes into)
    con = duckdb.connect()
    seconds: dict[str, float] = {}
    for table, (columns, types) in TABLES.items():
        started = time.perf_counter()
        csv_path = folder / f"{table}.csv"
        # Marks in date order, as a year of daily imports lays them down (and Parquet's row
        # groups can then skip the days a range leaves out).
        order = " ORDER BY date" if table == "attendance_sessionmark" else ""
        sql(f"COPY (SELECT {columns} FROM {table}{order}) TO '{csv_path}' WITH (FORMAT csv)")
        schema = (
            "{"
            + ", ".join(
                f"'{name}': '{kind}'" for name, kind in (c.split(" ", 1) for c in types.split(", "))
            )
            + "}"
        )
        con.execute(
            f"COPY (SELECT * FROM read_csv('{csv_path}', header=false, columns={schema})) "
            f"TO '{folder / table}.parquet' (FORMAT parquet)"
        )
        csv_path.unlink()
        seconds[table] = round(time.perf_counter() - started, 1)
    con.close()
    return seconds


def _duckdb_sql(postgres_sql: str) -> str:
    """PostgreSQL's query in DuckDB's dialect: arrays become lists, named parameters ``$x``."""
    text = re.sub(r"= ANY\(%\((\w+)\)s\)", r"IN (SELECT unnest($\1))", postgres_sql)
    return re.sub(r"%\((\w+)\)s", r"$\1", text)


MARK_SCAN = """
WITH per_pupil AS (
    SELECT pupil_id,
           count(*) FILTER (WHERE code IN (SELECT unnest($possible))) AS possible,
           count(*) FILTER (WHERE code IN (SELECT unnest($absence))) AS absent
    FROM attendance_sessionmark
    WHERE school_id IN (SELECT unnest($schools)) AND date BETWEEN $date_from AND $date_to
    GROUP BY pupil_id
), flagged AS (
    SELECT *, (absent * 10 >= possible)::int AS persistent, (absent * 2 >= possible)::int AS severe
    FROM per_pupil WHERE possible > 0
), members AS (
    SELECT DISTINCT pupil_id, cohort FROM people_cohortmembership
    WHERE school_id IN (SELECT unnest($schools))
      AND start_date <= $date_to AND (end_date IS NULL OR end_date >= $date_from)
)
SELECT '' AS cohort, count(*), coalesce(sum(possible), 0), coalesce(sum(absent), 0),
       coalesce(sum(persistent), 0), coalesce(sum(severe), 0) FROM flagged
UNION ALL
SELECT m.cohort, count(*), sum(possible), sum(absent), sum(persistent), sum(severe)
FROM flagged JOIN members m USING (pupil_id) GROUP BY m.cohort
"""


class References:
    """DuckDB and polars over the exported Parquet files."""

    def __init__(self, folder: Path) -> None:
        import duckdb

        self.folder = folder
        self.duck = duckdb.connect()
        for table in TABLES:
            self.duck.execute(f"CREATE VIEW {table} AS SELECT * FROM '{folder / table}.parquet'")

    def duckdb_same_input(self, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        used = set(re.findall(r"\$(\w+)", _duckdb_sql(sql)))
        rows: list[tuple[Any, ...]] = self.duck.execute(
            _duckdb_sql(sql), {k: v for k, v in params.items() if k in used}
        ).fetchall()
        return rows

    def duckdb_every_mark(self, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        used = set(re.findall(r"\$(\w+)", MARK_SCAN))
        rows: list[tuple[Any, ...]] = self.duck.execute(
            MARK_SCAN, {k: v for k, v in params.items() if k in used}
        ).fetchall()
        return rows

    def polars_same_input(self, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        """The same reading as PostgreSQL's query, as polars expressions."""
        import polars as pl

        def scan(table: str) -> pl.LazyFrame:
            return pl.scan_parquet(self.folder / f"{table}.parquet").filter(
                pl.col("school_id").is_in(params["schools"])
            )

        absent = pl.col("authorised_absence") + pl.col("unauthorised_absence")
        counts = [pl.col("possible").cast(pl.Int64), absent.cast(pl.Int64).alias("absent")]

        def between(column: str, pairs: list[tuple[Any, Any]]) -> pl.Expr:
            found = pl.lit(False)
            for low, high in pairs:
                if low is not None:
                    found = found | pl.col(column).is_between(low, high)
            return found

        def pairs(name: str) -> list[tuple[Any, Any]]:
            return [(params[f"{name}{n}_from"], params[f"{name}{n}_to"]) for n in (1, 2)]

        parts = [
            scan("attendance_yearcounts")
            .filter(pl.col("year").is_in(params["years"]))
            .select("pupil_id", *counts),
            scan("attendance_weekcounts")
            .filter(between("week", pairs("weeks")))
            .select("pupil_id", *counts),
            scan("attendance_weekcounts")
            .filter(between("week", pairs("less")))
            .select(
                "pupil_id",
                -pl.col("possible").cast(pl.Int64),
                (-absent.cast(pl.Int64)).alias("absent"),
            ),
            scan("attendance_sessionmark")
            .filter(between("date", pairs("edge")))
            .select(
                "pupil_id",
                pl.col("code").is_in(params["possible"]).cast(pl.Int64).alias("possible"),
                pl.col("code").is_in(params["absence"]).cast(pl.Int64).alias("absent"),
            ),
            scan("attendance_sessionmark")
            .filter(between("date", pairs("less_edge")))
            .select(
                "pupil_id",
                (-pl.col("code").is_in(params["possible"]).cast(pl.Int64)).alias("possible"),
                (-pl.col("code").is_in(params["absence"]).cast(pl.Int64)).alias("absent"),
            ),
        ]
        return self._polars_figures(pl.concat(parts), params)

    def polars_every_mark(self, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        import polars as pl

        marks = (
            pl.scan_parquet(self.folder / "attendance_sessionmark.parquet")
            .filter(
                pl.col("school_id").is_in(params["schools"])
                & pl.col("date").is_between(params["date_from"], params["date_to"])
            )
            .select(
                "pupil_id",
                pl.col("code").is_in(params["possible"]).cast(pl.Int64).alias("possible"),
                pl.col("code").is_in(params["absence"]).cast(pl.Int64).alias("absent"),
            )
        )
        return self._polars_figures(marks, params)

    def _polars_figures(self, parts: Any, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        import polars as pl

        flagged = (
            parts.group_by("pupil_id")
            .agg(pl.col("possible").sum(), pl.col("absent").sum())
            .filter(pl.col("possible") > 0)
            .with_columns(
                (pl.col("absent") * 10 >= pl.col("possible")).cast(pl.Int64).alias("persistent"),
                (pl.col("absent") * 2 >= pl.col("possible")).cast(pl.Int64).alias("severe"),
            )
        )
        members = (
            pl.scan_parquet(self.folder / "people_cohortmembership.parquet")
            .filter(
                pl.col("school_id").is_in(params["schools"])
                & (pl.col("start_date") <= params["date_to"])
                & (pl.col("end_date").is_null() | (pl.col("end_date") >= params["date_from"]))
            )
            .select("pupil_id", "cohort")
            .unique()
        )
        sums = [
            pl.len().alias("pupils"),
            *(pl.col(c).sum() for c in ("possible", "absent", "persistent", "severe")),
        ]
        everyone = flagged.select(pl.lit("").alias("cohort"), *sums)
        by_cohort = flagged.join(members, on="pupil_id").group_by("cohort").agg(*sums)
        frames = pl.collect_all([everyone, by_cohort])
        return [tuple(row) for frame in frames for row in frame.iter_rows()]


def compare(
    references: References, sql: str, params: dict[str, Any], postgres_rows: list[Any]
) -> dict[str, Any]:
    """Time each reference on one range and check its answer against PostgreSQL's."""
    figures: dict[str, Any] = {}
    runs: dict[str, Callable[[], list[tuple[Any, ...]]]] = {
        "duckdb_same_input": lambda: references.duckdb_same_input(sql, params),
        "duckdb_every_mark": lambda: references.duckdb_every_mark(params),
        "polars_same_input": lambda: references.polars_same_input(params),
        "polars_every_mark": lambda: references.polars_every_mark(params),
    }
    for name, run in runs.items():
        # Scanning every mark takes seconds a run: the first and two more are enough.
        first, median, answer = timed(run, 2 if name.endswith("every_mark") else 5)
        figures[f"{name}_first_s"], figures[f"{name}_median_s"] = first, median
        figures[f"{name}_matches_postgresql"] = _rows(answer) == _rows(postgres_rows)
        print(f"  {name}: {median} s", flush=True)
    return figures


def _rows(rows: list[Any]) -> list[tuple[Any, ...]]:
    return sorted(tuple(int(v) if not isinstance(v, str) else v for v in row) for row in rows)
