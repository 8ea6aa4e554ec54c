"""Where a county's daily import spends its time: Python, the marks and their indexes, counts.

``python -m benchmarks.county --profile-day`` imports the next school day once more, with
PostgreSQL's ``auto_explain`` writing every statement's plan with its timings to the server's
log (this session only), and reads them back. It reports, for the import of that day:

- **Python**: the command's CPU time (reading and checking the CSV, looking pupils up,
  formatting the COPY lines, hashing the audit events), all threads;
- **the database**, from the comparison statements' plans, summed over the file's batches:
  finding the stored marks (the join through the unique index), adding the new marks (the
  ``Insert`` node's own time: the rows and their four indexes), the weekly and yearly counts
  (their two upserts and the grouping before them), and everything else;
- **index upkeep**: the marks' ``Insert`` less the time the same rows take to go into a copy
  of the table with no indexes (``INSERT … SELECT`` of that day into a bare table, timed the
  same way). What is left of the ``Insert`` is writing the rows themselves.

``auto_explain`` with timing slows a statement by a few per cent; the shares are what matter,
and the day's plain wall time is measured by ``--daily`` without it.
"""

from __future__ import annotations

import io
import json
import os
import re
import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any


def _plans(log_text: str) -> Iterator[tuple[float, dict[str, Any]]]:
    """(duration ms, plan) for each JSON plan ``auto_explain`` wrote to the log."""
    decoder = json.JSONDecoder()
    position = 0
    while (found := log_text.find("plan:", position)) != -1:
        start = log_text.find("{", found)
        duration = float(log_text[log_text.rfind("duration:", 0, found) + 9 : found].split()[0])
        plan, position = decoder.raw_decode(log_text, start)
        yield duration, plan


STATEMENTS = {  # what a logged statement's text starts with: its share
    "COPY attune_incoming": "copy_batches",
    "COPY auditlog_": "copy_audit_events",
    "ANALYZE": "analyze",
    "COMMIT": "commit",
}


def _statements(log_text: str) -> dict[str, float]:
    """Seconds of the statements of 50 ms or more, by ``STATEMENTS`` (the rest "other")."""
    found: dict[str, float] = defaultdict(float)
    for match in re.finditer(
        r"duration: ([0-9.]+) ms  (?:statement|execute [^:]*):\s*(.{0,60})", log_text
    ):
        text = match.group(2).lstrip()
        if text.startswith(("WITH resolved", "WITH differing", "{")):
            continue  # the comparison, counted from its plan
        share = next((v for k, v in STATEMENTS.items() if text.startswith(k)), "other")
        found[share] += float(match.group(1)) / 1000
    return dict(found)


def _nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", ()):
        yield from _nodes(child)


def _own_ms(node: dict[str, Any]) -> float:
    """A node's time less its children's (per loop times loops, as EXPLAIN reports it)."""
    total = node["Actual Total Time"] * node.get("Actual Loops", 1)
    children = sum(
        child["Actual Total Time"] * child.get("Actual Loops", 1)
        for child in node.get("Plans", ())
        if child.get("Parent Relationship") != "InitPlan"
    )
    return max(0.0, float(total - children))


def shares_of_compare(plans: list[tuple[float, dict[str, Any]]]) -> dict[str, float]:
    """Milliseconds of the comparison statements, by what the time went on."""
    shares: dict[str, float] = defaultdict(float)
    for duration, plan in plans:
        text = plan.get("Query Text", "")
        if "differing AS MATERIALIZED" not in text:
            continue
        shares["comparison_statements"] += duration
        for node in _nodes(plan["Plan"]):
            relation = node.get("Relation Name", "")
            if node["Node Type"] == "ModifyTable":
                key = {
                    "attendance_sessionmark": "marks_added_or_updated",
                    "attendance_weekcounts": "weekly_counts_upsert",
                    "attendance_yearcounts": "yearly_counts_upsert",
                    "attendance_markchange": "history",
                }.get(relation, f"write {relation}")
                shares[key] += _own_ms(node)
            elif node.get("Subplan Name", "").startswith("CTE week_differences"):
                shares["weekly_differences_grouping"] += _own_ms(node)
            elif node.get("Subplan Name", "").startswith("CTE resolved"):
                # Each mark's pupil found on its school's roll, by the (school, UPN) index.
                shares["finding_pupils"] += node["Actual Total Time"]
            elif node.get("Subplan Name", "").startswith("CTE differing"):
                # The join of the batch with the stored marks, by the unique index.
                shares["finding_stored_marks"] += node["Actual Total Time"]
    return dict(shares)


def _log_path() -> Path:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW data_directory")
        data = Path(cursor.fetchone()[0])
    return Path(os.environ.get("COUNTY_SERVER_LOG", data.parent / "server.log"))


def _explain_on(on: bool) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if on:
            cursor.execute("LOAD 'auto_explain'")
            for setting, value in (
                ("auto_explain.log_min_duration", "100"),
                ("auto_explain.log_analyze", "on"),
                ("auto_explain.log_nested_statements", "on"),
                ("auto_explain.log_format", "json"),
                ("auto_explain.log_level", "log"),
                ("log_min_duration_statement", "50"),
            ):
                cursor.execute(f"SET {setting} = '{value}'")
        else:
            cursor.execute("SET auto_explain.log_min_duration = -1")
            cursor.execute("SET log_min_duration_statement = -1")


def bare_insert_ms(day: date) -> float:
    """The own time of inserting ``day``'s marks into a copy of the table with no indexes."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_bare_marks")
        cursor.execute(
            "CREATE TABLE bench_bare_marks (LIKE attendance_sessionmark INCLUDING DEFAULTS)"
        )
        cursor.execute(
            "EXPLAIN (ANALYZE, FORMAT JSON) INSERT INTO bench_bare_marks "
            "SELECT * FROM attendance_sessionmark WHERE date = %s",
            [day],
        )
        plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        cursor.execute("DROP TABLE bench_bare_marks")
    return _own_ms(plan[0]["Plan"])


COUNTS = ("weekly_counts_upsert", "yearly_counts_upsert", "weekly_differences_grouping")


def profile_day(path: Path, day: date) -> dict[str, Any]:
    """Import ``path`` (``day``'s marks for the county) with the plans logged; the shares."""
    from django.core.management import call_command

    log = _log_path()
    offset = log.stat().st_size
    _explain_on(True)
    began, cpu = time.perf_counter(), time.process_time()
    try:
        call_command("import_attendance", str(path), stdout=io.StringIO())
    finally:
        wall = time.perf_counter() - began
        python = time.process_time() - cpu
        _explain_on(False)
    with log.open(encoding="utf-8", errors="replace") as handle:
        handle.seek(offset)
        text = handle.read()
    plans = list(_plans(text))
    shares = {k: round(v / 1000, 2) for k, v in shares_of_compare(plans).items()}
    heap = bare_insert_ms(day) / 1000
    added = shares.get("marks_added_or_updated", 0.0)
    figures: dict[str, Any] = {
        "wall_s": round(wall, 1),
        "python_cpu_s": round(python, 1),
        **{f"{k}_s": v for k, v in shares.items()},
        "marks_rows_without_indexes_s": round(heap, 2),
        "index_upkeep_s": round(max(0.0, added - heap), 2),
        "counts_s": round(sum(shares.get(k, 0.0) for k in COUNTS), 2),
    }
    # What is neither Python nor the comparison (which now finds the pupils too): the COPYs
    # (the batches and the audit events), the commit. The CSV is read in a second thread while
    # the database works, so Python and the database overlap and the shares can add up to more
    # than the wall.
    figures |= {f"statements_{k}_s": round(v, 2) for k, v in _statements(text).items()}
    figures["rest_s"] = round(max(0.0, wall - python - shares.get("comparison_statements", 0.0)), 1)
    return figures
