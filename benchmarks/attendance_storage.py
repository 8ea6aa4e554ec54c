"""Which way to store register marks? Measures two representations on one school's year.

Run ``.venv/bin/python -m benchmarks.attendance_storage`` (SQLite in a throwaway folder), or with
``DATABASE_URL=postgres://...`` for PostgreSQL. It builds 1,500 pupils and a synthetic school year
(190 days, 380 sessions: about 570,000 marks) and stores it two ways:

- **rows**: ``attendance.SessionMark``, a row per pupil, date and session, indexed by
  (pupil, date, session) and (school, date) — what Attune uses;
- **compact**: a row per pupil and school year holding every session as two characters of one
  string (like the DfE Common Transfer File), indexed by (pupil, year) and (school, year).

For each it times the load, one pupil's year, one school day for the whole school, the counts
per pupil and code that the report needs, and replacing one mark; and it reports the space used.
Figures go to stdout and ``benchmarks/results/attendance_storage-<database>.json``.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from benchmarks.common import setup_django

PUPILS = 1_500
YEAR_START = date(2025, 9, 1)
SCHOOL_DAYS = 190
REPEATS = 15
CODES = ["/"] * 900 + ["L"] * 20 + ["I"] * 35 + ["M"] * 5 + ["N"] * 8 + ["O"] * 7
CODES += ["G"] * 5 + ["V"] * 5 + ["C"] * 5 + ["U"] * 3 + ["Y1"] * 2 + ["X"] * 5
COMPACT_DAYS = 366  # a string slot for every calendar day from 1 August


def school_days(count: int = SCHOOL_DAYS) -> list[date]:
    """Weekdays from ``YEAR_START``, skipping a week at half terms and two at Christmas/Easter."""
    breaks = {(10, 27), (10, 28), (10, 29), (10, 30), (10, 31)}
    days: list[date] = []
    day = YEAR_START
    while len(days) < count:
        in_break = (day.month, day.day) in breaks or (
            (day.month == 12 and day.day >= 20) or (day.month == 1 and day.day < 5)
        )
        if day.weekday() < 5 and not in_break:
            days.append(day)
        day += timedelta(days=1)
    return days


def synthetic_marks(
    pupil_ids: list[uuid.UUID], days: list[date], seed: int = 4
) -> Iterator[tuple[uuid.UUID, date, str, str]]:
    """(pupil, date, session, code) for every pupil and session; a few pupils absent often."""
    rng = random.Random(seed)
    for index, pupil_id in enumerate(pupil_ids):
        often_absent = index % 12 == 0
        for day in days:
            for session in ("AM", "PM"):
                code = rng.choice(CODES)
                if often_absent and rng.random() < 0.15:
                    code = "N"
                if code == "/" and session == "PM":
                    code = "\\"
                yield pupil_id, day, session, code


def _timed(action: Callable[[], Any], repeats: int = REPEATS) -> float:
    action()  # warm up
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(timings), 2)


def _table_bytes(table: str) -> int | None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_total_relation_size(%s)", [table])
            return int(cursor.fetchone()[0])
        try:
            cursor.execute(
                "SELECT SUM(pgsize) FROM dbstat WHERE name = %s OR name IN "
                "(SELECT name FROM sqlite_master WHERE tbl_name = %s)",
                [table, table],
            )
        except Exception:
            return None
        value = cursor.fetchone()[0]
        return int(value) if value is not None else None


def _analyse(table: str) -> None:
    """Refresh the planner's statistics, as autovacuum would after a big load."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")


def measure_rows(school: Any, pupil_ids: list[uuid.UUID], days: list[date]) -> dict[str, Any]:
    from django.db import transaction
    from django.db.models import Count

    from attune.attendance.models import SessionMark
    from attune.bulk import insert_rows
    from attune.tenancy import school_scope

    columns = ("school_id", "pupil_id", "date", "session", "code", "original_code")
    started = time.perf_counter()
    with transaction.atomic():
        count = insert_rows(
            SessionMark,
            columns,
            ((school.pk, p, d, s, c, c) for p, d, s, c in synthetic_marks(pupil_ids, days)),
        )
    load_s = time.perf_counter() - started
    _analyse(SessionMark._meta.db_table)
    rng = random.Random(9)
    with school_scope(school):

        def pupil_year() -> None:
            pupil = rng.choice(pupil_ids)
            marks = SessionMark.objects.filter(pupil_id=pupil, date__range=(days[0], days[-1]))
            assert len(list(marks.values_list("date", "session", "code"))) == 2 * len(days)

        def school_day() -> None:
            rows = SessionMark.objects.filter(date=rng.choice(days)).values_list(
                "pupil_id", "session", "code"
            )
            assert len(list(rows)) == 2 * len(pupil_ids)

        def report_counts() -> None:
            counts = (
                SessionMark.objects.filter(date__range=(days[0], days[-1]))
                .values_list("pupil_id", "code")
                .annotate(n=Count("id"))
            )
            assert sum(n for _, _, n in counts) == count

        def replace_one() -> None:
            with transaction.atomic():
                mark = (
                    SessionMark.objects.select_for_update()
                    .filter(pupil_id=rng.choice(pupil_ids), date=rng.choice(days), session="AM")
                    .get()
                )
                mark.code = mark.original_code = "I" if mark.code != "I" else "/"
                mark.save(update_fields=["code", "original_code"])

        figures: dict[str, Any] = {
            "marks": count,
            "load_s": round(load_s, 2),
            "pupil_year_ms": _timed(pupil_year),
            "school_day_ms": _timed(school_day),
            "report_counts_ms": _timed(report_counts, 5),
            "replace_one_ms": _timed(replace_one),
        }
    figures["bytes"] = _table_bytes(SessionMark._meta.db_table)
    return figures


COMPACT_TABLE = "bench_compact_year"


def _slot(day: date, session: str) -> int:
    """Character offset (0-based) of a session in the compact string."""
    return ((day - date(YEAR_START.year, 8, 1)).days * 2 + (session == "PM")) * 2


def _compact_strings(pupil_ids: list[uuid.UUID], days: list[date]) -> dict[uuid.UUID, list[str]]:
    strings = {p: ["#"] * (COMPACT_DAYS * 4) for p in pupil_ids}
    for pupil_id, day, session, code in synthetic_marks(pupil_ids, days):
        at = _slot(day, session)
        strings[pupil_id][at : at + 2] = list(code.ljust(2))
    return strings


def _decode(marks: str) -> list[str]:
    return [marks[i : i + 2].strip() for i in range(0, len(marks), 2) if marks[i] != "#"]


def measure_compact(school: Any, pupil_ids: list[uuid.UUID], days: list[date]) -> dict[str, Any]:
    from django.db import connection, transaction

    uuid_type = "uuid" if connection.vendor == "postgresql" else "char(32)"
    pk = "bigserial PRIMARY KEY" if connection.vendor == "postgresql" else "integer PRIMARY KEY"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {COMPACT_TABLE}")
        cursor.execute(
            f"CREATE TABLE {COMPACT_TABLE} (id {pk}, school_id bigint NOT NULL, "
            f"pupil_id {uuid_type} NOT NULL, year_start date NOT NULL, marks text NOT NULL)"
        )
        cursor.execute(
            f"CREATE UNIQUE INDEX bench_cy_pupil ON {COMPACT_TABLE} (pupil_id, year_start)"
        )
        cursor.execute(f"CREATE INDEX bench_cy_school ON {COMPACT_TABLE} (school_id, year_start)")
    year = date(YEAR_START.year, 8, 1)
    started = time.perf_counter()
    strings = _compact_strings(pupil_ids, days)

    def key(pupil_id: uuid.UUID) -> uuid.UUID | str:
        return pupil_id if connection.vendor == "postgresql" else pupil_id.hex

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {COMPACT_TABLE} (school_id, pupil_id, year_start, marks) "  # noqa: S608
            "VALUES (%s, %s, %s, %s)",
            [(school.pk, key(p), year.isoformat(), "".join(s)) for p, s in strings.items()],
        )
    load_s = time.perf_counter() - started
    _analyse(COMPACT_TABLE)
    rng = random.Random(9)

    def fetch(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())

    def pupil_year() -> None:
        [(marks,)] = fetch(
            f"SELECT marks FROM {COMPACT_TABLE} WHERE pupil_id = %s AND year_start = %s",  # noqa: S608
            [key(rng.choice(pupil_ids)), year.isoformat()],
        )
        assert len(_decode(marks)) == 2 * len(days)

    def school_day() -> None:
        at = _slot(rng.choice(days), "AM") + 1  # SQL strings count from 1
        rows = fetch(
            f"SELECT pupil_id, substr(marks, %s, 4) FROM {COMPACT_TABLE} "  # noqa: S608
            "WHERE school_id = %s AND year_start = %s",
            [at, school.pk, year.isoformat()],
        )
        assert len(rows) == len(pupil_ids)

    def report_counts() -> None:
        rows = fetch(
            f"SELECT pupil_id, marks FROM {COMPACT_TABLE} "  # noqa: S608
            "WHERE school_id = %s AND year_start = %s",
            [school.pk, year.isoformat()],
        )
        total = sum(sum(Counter(_decode(marks)).values()) for _, marks in rows)
        assert total == 2 * len(days) * len(pupil_ids)

    def replace_one() -> None:
        pupil, at = key(rng.choice(pupil_ids)), _slot(rng.choice(days), "AM")
        with transaction.atomic():
            [(row_id, marks)] = fetch(
                f"SELECT id, marks FROM {COMPACT_TABLE} WHERE pupil_id = %s "  # noqa: S608
                "AND year_start = %s"
                + (" FOR UPDATE" if connection.vendor == "postgresql" else ""),
                [pupil, year.isoformat()],
            )
            marks = marks[:at] + ("I " if marks[at] != "I" else "/ ") + marks[at + 2 :]
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {COMPACT_TABLE} SET marks = %s WHERE id = %s",  # noqa: S608
                    [marks, row_id],
                )

    figures: dict[str, Any] = {
        "marks": 2 * len(days) * len(pupil_ids),
        "load_s": round(load_s, 2),
        "pupil_year_ms": _timed(pupil_year),
        "school_day_ms": _timed(school_day),
        "report_counts_ms": _timed(report_counts, 5),
        "replace_one_ms": _timed(replace_one),
        "bytes": _table_bytes(COMPACT_TABLE),
    }
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {COMPACT_TABLE}")
    return figures


def build_school(urn: str = "190001", pupils: int = PUPILS) -> tuple[Any, list[uuid.UUID]]:
    """A school with ``pupils`` synthetic pupils (valid UPNs), made in bulk."""
    from attune.people.domain.upn import make_upn
    from attune.people.models import Phase, Pupil, School
    from attune.tenancy import school_scope

    school, _ = School.objects.get_or_create(
        urn=urn, defaults={"name": f"Benchmark School {urn}", "phase": Phase.SECONDARY}
    )
    with school_scope(school):
        Pupil.objects.bulk_create(
            (
                Pupil(
                    school=school,
                    upn=make_upn(886, int(urn[-4:]), 15 + n // 1000, n % 1000),
                    legal_forename=f"Pupil{n}",
                    legal_surname="Bench",
                    date_of_birth=date(2012, 1, 1) + timedelta(days=n % 700),
                    year_group=7 + n % 5,
                )
                for n in range(pupils)
            ),
            batch_size=1000,
        )
        ids = list(Pupil.objects.order_by("upn").values_list("id", flat=True))
    return school, ids


def main() -> None:
    vendor = setup_django()
    school, pupil_ids = build_school()
    days = school_days()
    results = {"rows": measure_rows(school, pupil_ids, days)}
    results["compact"] = measure_compact(school, pupil_ids, days)
    print(f"Attendance storage, {PUPILS} pupils x {2 * len(days)} sessions, on {vendor}")
    names = list(results["rows"])
    print(f"{'measure':<18}" + "".join(f"{name:>14}" for name in results))
    for name in names:
        print(f"{name:<18}" + "".join(f"{results[r][name]!s:>14}" for r in results))
    out = Path(__file__).parent / "results" / f"attendance_storage-{vendor}.json"
    payload = {
        "load_average": os.getloadavg(),
        "database": vendor,
        "python": sys.version.split()[0],
        "results": results,
    }
    out.write_text(json.dumps(payload, indent=2) + "\n")


if __name__ == "__main__":
    main()
