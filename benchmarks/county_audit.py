"""The county's audit log as a year of daily imports leaves it: an event per pupil per day.

Every daily import writes one ``attendance.marks.imported`` event for each pupil whose marks
it added or changed (250,000 a day in the county), so a county a year old holds some 47
million of them, and each day's import writes its events into the indexes over all of them.
The benchmark's marks are generated rather than imported, so without this the audit log would
start empty and the import would be measured against indexes a fiftieth of their real size.

The events are written as the import writes them, but with placeholder hashes: the chain is
not what is measured, and hashing 47 million events in Python would add minutes to the build
(``audit_verify`` would report them, which is right for a county that is only a benchmark).
Indexes are dropped while loading and rebuilt after, as for the marks. The indexes left are
written at their ends (``auditlog.models.AuditEvent``), so building them in one go leaves them
as a year of imports would.
"""

# ruff: noqa: S608 (the SQL here is built from constants)
from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import date
from typing import Any

EVENTS = "auditlog_auditevent"
# An evening's import for each day (each school a second apart), as the daily import writes
# them: one chunk of days at a time, so the server can recycle its log as it goes.
_INSERT = f"""
    INSERT INTO {EVENTS} (actor_label, action, object_type, object_id, pupil_id, changes,
                          ip_address, at, previous_hash, entry_hash, actor_id, school_id)
    SELECT 'system', 'attendance.marks.imported', 'AttendanceImport', (1000 + d.n)::text, p.id,
           jsonb_build_object('added', 2, 'import', 1000 + d.n, 'replaced', 0), NULL,
           d.day::timestamptz + interval '18 hours' + p.school_id * interval '1 second',
           repeat('0', 64), repeat('0', 64), NULL, p.school_id
    FROM unnest(%(days)s::date[]) WITH ORDINALITY AS d (day, n)
    CROSS JOIN (SELECT id, school_id FROM people_pupil) p
    ORDER BY d.day, p.school_id
"""
CHUNK_DAYS = 19


def add_year(
    sql: Callable[..., list[tuple[Any, ...]]], log: Callable[[str], None], days: list[date]
) -> dict[str, Any]:
    """An event per pupil for each of ``days``; the figures of the load."""
    started = time.perf_counter()
    definitions = [
        row[0]
        for row in sql(
            "SELECT pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = %s::regclass AND NOT indisprimary",
            [EVENTS],
        )
    ]
    for definition in definitions:
        sql(f"DROP INDEX {definition.split()[2]}")
    for first in range(0, len(days), CHUNK_DAYS):
        sql(_INSERT, {"days": days[first : first + CHUNK_DAYS]})
        sql("CHECKPOINT")
        log(f"  audit events for {first + CHUNK_DAYS} days, {time.perf_counter() - started:.0f} s")
    sql("SET maintenance_work_mem = '1GB'")
    for definition in definitions:
        sql(definition)
    sql(f"VACUUM ANALYZE {EVENTS}")
    sql("CHECKPOINT")
    events = sql(f"SELECT count(*), pg_total_relation_size('{EVENTS}') FROM {EVENTS}")[0]
    return {
        "audit_days": len(days),
        "audit_events": events[0],
        "audit_table_and_indexes_mb": round(events[1] / 2**20),
        "audit_load_s": round(time.perf_counter() - started, 1),
    }


def days_not_imported(sql: Callable[..., list[tuple[Any, ...]]]) -> list[date]:
    """The days of marks the build generated: every day with marks at the first school but
    no daily file imported (``county.daily_imports`` names each file by its day)."""
    imported = {
        row[0]
        for row in sql(
            "SELECT DISTINCT substring(file_name from '^(\\d{4}-\\d\\d-\\d\\d)\\.csv$')::date "
            "FROM attendance_attendanceimport WHERE file_name ~ '^\\d{4}-\\d\\d-\\d\\d\\.csv$'"
        )
    }
    first_school = sql("SELECT min(id) FROM people_school")[0][0]
    marked = sql(
        "SELECT DISTINCT date FROM attendance_sessionmark WHERE school_id = %s ORDER BY date",
        [first_school],
    )
    return [row[0] for row in marked if row[0] not in imported]


def measure_reads(school_id: int) -> dict[str, Any]:
    """What reads a child's events, at one of the county's schools: the audit trail page for
    one child (its count and first page, as the page's paginator asks), the same searched by a
    name several children share, and the subject access export's whole trail."""
    import statistics

    from django.core.paginator import Paginator

    from attune.auditlog.models import AuditEvent
    from attune.people.models import Pupil, School
    from attune.privacy.trail_selectors import AuditFilters, audit_events
    from attune.privacy.trail_views import PAGE_SIZE
    from attune.tenancy import school_scope, scopes_disabled

    with scopes_disabled():
        school = School.objects.get(pk=school_id)
        child = Pupil.objects.filter(school=school).order_by("upn")[7]
    surname = child.legal_surname
    reads: dict[str, Callable[[], list[Any]]] = {
        "trail_one_child": lambda: list(
            Paginator(audit_events(school, AuditFilters(pupil_id=child.pk)), PAGE_SIZE)
            .get_page(1)
            .object_list
        ),
        "trail_by_surname": lambda: list(
            Paginator(audit_events(school, AuditFilters(child=surname)), PAGE_SIZE)
            .get_page(1)
            .object_list
        ),
        # The query ``privacy.selectors.subject_access_data`` makes.
        "subject_access_trail": lambda: list(
            AuditEvent.objects.filter(school=school, pupil_id=child.pk).order_by("id")
        ),
    }
    figures: dict[str, Any] = {}
    with school_scope(school):
        for name, read in reads.items():
            timings = []
            for _ in range(11):
                began = time.perf_counter()
                found = read()
                timings.append(time.perf_counter() - began)
            figures[f"{name}_first_ms"] = round(timings[0] * 1000, 1)
            figures[f"{name}_median_ms"] = round(statistics.median(timings[1:]) * 1000, 1)
            figures[f"{name}_events"] = len(found)
    return figures


# The audit trail's indexes before 7 December 2026, and the one that replaced them.
OLD_INDEXES = {
    "audit_school_pupil_at": "(school_id, pupil_id, at)",
    "audit_school_at": "(school_id, at)",
}
NEW_INDEXES = {"audit_school_at_pupil": "(school_id, at, pupil_id)"}


def compare_indexes(rounds: int) -> dict[str, Any]:
    """The next school day's import with each set of indexes written, alternately, each in a
    transaction rolled back, after a ``CHECKPOINT``: seconds, CPU seconds and the write-ahead
    log it wrote (with ``full_page_writes`` on, as on a real server, the first change to each
    page after a checkpoint writes the whole page to the log).

    Both sets are built; the one not being measured is marked not ready for inserts
    (``pg_index.indisready``), so the import writes only the other. The old ones are dropped
    at the end, and the new one left as the migration leaves it.
    """
    import statistics
    from pathlib import Path
    from tempfile import mkdtemp

    from django.db import transaction

    from attune.attendance.imports import attendance_csv_import
    from benchmarks import county

    sql = county._sql
    for name, columns in (OLD_INDEXES | NEW_INDEXES).items():
        sql(f"CREATE INDEX IF NOT EXISTS {name} ON {EVENTS} {columns}")
    [day] = county.next_school_days(1)
    path = Path(mkdtemp(prefix="attune-county-audit-")) / f"{day.isoformat()}.csv"
    county.daily_csv(path, day)
    figures: dict[str, Any] = {
        "day": f"{day:%a %d %b %Y}",
        "full_page_writes": sql("SHOW full_page_writes")[0][0],
        "audit_events": sql(f"SELECT count(*) FROM {EVENTS}")[0][0],
        "load_average_start": os.getloadavg(),
    }
    runs: dict[str, list[dict[str, float]]] = {"old": [], "new": []}

    class Undo(Exception):
        pass

    with county._school_day(day):
        for n in range(rounds):
            for kind in ("old", "new") if n % 2 == 0 else ("new", "old"):
                _write_only(sql, OLD_INDEXES if kind == "old" else NEW_INDEXES)
                sql("CHECKPOINT")
                lsn = sql("SELECT pg_current_wal_insert_lsn()")[0][0]
                began, cpu = time.perf_counter(), time.process_time()
                try:
                    with transaction.atomic(), path.open("rb") as stream:
                        attendance_csv_import(stream=stream, file_name=path.name, today=day)
                        run = {
                            "s": round(time.perf_counter() - began, 1),
                            "cpu_s": round(time.process_time() - cpu, 1),
                            "wal_mb": round(
                                sql("SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), %s)",
                                    [lsn])[0][0] / 2**20
                            ),
                        }  # fmt: skip
                        raise Undo
                except Undo:
                    pass
                runs[kind].append(run)
                print(f"  {kind}: {run}", flush=True)
    _write_only(sql, NEW_INDEXES)
    for name in OLD_INDEXES:
        sql(f"DROP INDEX {name}")
    path.unlink()
    path.parent.rmdir()
    for kind, done in runs.items():
        figures[kind] = done
        for measure in ("s", "wal_mb"):
            figures[f"{kind}_median_{measure}"] = statistics.median(r[measure] for r in done)
    figures["load_average_end"] = os.getloadavg()
    return figures


def _write_only(sql: Callable[..., list[tuple[Any, ...]]], indexes: dict[str, str]) -> None:
    """Only ``indexes`` (of the two sets) taken by inserts from the next transaction on."""
    for name in OLD_INDEXES | NEW_INDEXES:
        sql(
            "UPDATE pg_index SET indisready = %s WHERE indexrelid = %s::regclass",
            [name in indexes, name],
        )


def main() -> None:
    import sys

    from benchmarks import county
    from benchmarks.common import setup_django

    if sys.argv[1:2] != ["--compare-indexes"] or setup_django() != "postgresql":
        sys.exit("python -m benchmarks.county_audit --compare-indexes [ROUNDS]  (on the county)")
    figures = compare_indexes(int(sys.argv[2]) if len(sys.argv) > 2 else 2)
    name = f"county-audit-indexes-postgresql-fpw-{figures['full_page_writes']}.json"
    county._write(name, figures)


if __name__ == "__main__":
    main()
