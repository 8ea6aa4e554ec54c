"""How long the MIS sync takes, against the Wonde stand-in (``attune/mis/testing.py``) served
from a separate process on loopback, so the server's own work is not counted as the sync's.

Run ``.venv/bin/python -m benchmarks.mis_sync`` (SQLite in a throwaway folder), or with
``DATABASE_URL=postgres://...`` for PostgreSQL. Two measurements:

- **first sync**: a 1,500-pupil school's pupils (every include), their parents and carers (two
  each) and a year of registers (380 sessions each: 570,000 marks), each kind timed, through
  ``school_sync`` exactly as ``attune mis_sync`` runs it, pages of 200 (Wonde's page size is
  [UNVERIFIED]; ``ATTUNE_WONDE_PER_PAGE`` changes it). Target: under 60 s in all.
- **15-minute register delta for 600 schools**: each school already synced (its pupils linked,
  its codes known, checked with Wonde today), then the registers of the last 15 minutes read
  and applied, school after school, as the worker would. Two sizes: a quiet quarter of an hour
  (20 marks a school) and the morning registration window (a full register, 300 marks a
  school). Target: under 30 s for the 600 schools.

Figures go to stdout and ``benchmarks/results/mis_sync-<database>.json``. Wall-clock seconds
with this process's CPU seconds beside them (steadier on a busy machine).
"""

from __future__ import annotations

import json
import multiprocessing
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from functools import partial
from multiprocessing.connection import Connection
from typing import Any

from benchmarks.attendance_storage import CODES, school_days
from benchmarks.common import save_results, setup_django

FIRST_URN = "190201"
PUPILS = 1_500
SCHOOLS = 600
DELTA_PUPILS = 300  # each delta school's roll
QUIET_MARKS = 20
BEFORE = datetime(2026, 7, 20, tzinfo=UTC)  # when the stand-in's records last changed
SYNCED_AT = datetime(2026, 10, 5, 8, 45, tzinfo=UTC)  # the delta schools' last sync
DELTA_AT = SYNCED_AT + timedelta(minutes=15)


def wonde_id(n: int) -> str:
    return f"A{9_000_000 + n}"


def urn(n: int) -> str:
    return str(300_000 + n)


# --- the stand-in, in its own process ---------------------------------------------------------


def _first_school(wonde: Any) -> None:
    import random

    from attune.mis.testing import Record, contact, student

    school = wonde.add_school(wonde_id(0), FIRST_URN)
    for n in range(PUPILS):
        parents = [
            contact(f"C{2 * n}", relationship="Mother", priority=1),
            contact(f"C{2 * n + 1}", forename="Alex", relationship="Father", priority=2),
        ]
        data = student(
            f"S{n}",
            upn=_upn(n),
            forename=f"Pupil{n}",
            surname="Bench",
            year=str(7 + n % 5),
            registration=f"{7 + n % 5}{'ABCD'[n % 4]}",
            fsm=[(date(2024, 9, 1), None)] if n % 5 == 0 else None,
            contacts=parents,
        )
        school.students[f"S{n}"] = Record(data, BEFORE)
    rng = random.Random(4)
    marks = []
    for n in range(PUPILS):
        for day in school_days():
            for session in ("AM", "PM"):
                code = rng.choice(CODES)
                code = "\\" if code == "/" and session == "PM" else code
                marks.append((f"S{n}", day, session, code, 5 if code in ("L", "U") else None))
    school.add_marks(marks, BEFORE)


def _delta_schools(wonde: Any, marks_each: int, session: str) -> None:
    today = DELTA_AT.date()
    present = "/" if session == "AM" else "\\"
    for n in range(1, SCHOOLS + 1):
        school = wonde.add_school(wonde_id(n), urn(n))
        marks = [
            (f"S{n}-{p}", today, session, present if p % 12 else "N", None)
            for p in range(marks_each)
        ]
        school.add_marks(marks, SYNCED_AT + timedelta(minutes=7))


def _upn(n: int, estab: int = 4101) -> str:
    from attune.people.domain.upn import make_upn

    return make_upn(886, estab, 10 + n // 1000, n % 1000)


def _serve(build: Callable[[Any], None], pipe: Connection) -> None:
    from attune.mis.testing import FakeWonde

    with FakeWonde() as wonde:
        build(wonde)
        pipe.send((wonde.base_url, wonde.token))
        pipe.recv()  # until told to stop


class Server:
    """The stand-in in a child process (forked: it needs no Django)."""

    def __init__(self, build: Callable[[Any], None]) -> None:
        context = multiprocessing.get_context("fork")
        self.pipe, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(build, child), daemon=True)

    def __enter__(self) -> tuple[str, str]:
        self.process.start()
        base_url, token = self.pipe.recv()
        return base_url, token

    def __exit__(self, *exc: object) -> None:
        self.pipe.send("stop")
        self.process.join(timeout=10)


# --- measuring ----------------------------------------------------------------------------------


def _timed(action: Callable[[], Any]) -> tuple[str, Any]:
    started, cpu = time.perf_counter(), time.process_time()
    result = action()
    return f"{time.perf_counter() - started:.2f} ({time.process_time() - cpu:.2f} cpu)", result


def first_sync(base_url: str) -> dict[str, object]:
    from attune.mis.sync.run import school_sync
    from attune.people.models import Phase, School

    school = School.objects.create(
        urn=FIRST_URN, name="Benchmark Academy", phase=Phase.SECONDARY, wonde_id=wonde_id(0)
    )
    figures: dict[str, object] = {}
    total = 0.0
    now = datetime(2026, 10, 5, 2, 0, tzinfo=UTC)
    for kind in ("pupils", "contacts", "attendance"):
        started = time.perf_counter()
        run = partial(school_sync, school=school, kinds=[kind], base_url=base_url, now=now)
        text, [result] = _timed(run)
        total += time.perf_counter() - started
        assert result.error is None, result.error
        figures[f"{kind}_s"] = text
        figures[f"{kind}_pages"] = result.pages
        figures[f"{kind}_did"] = result.summary()
    figures["total_s"] = round(total, 2)
    return figures


def prepare_delta_schools() -> list[Any]:
    """600 schools as a first sync leaves them: pupils linked, codes known, watermarks set."""
    from attune.attendance.domain.codes import CODES as DFE_CODES
    from attune.attendance.domain.codes import RETIRED
    from attune.mis.models import LinkKind, MisConnection, MisLink, SyncState
    from attune.people.models import Phase, Pupil, School
    from attune.tenancy import scopes_disabled

    letters = sorted(DFE_CODES) + sorted(RETIRED)
    codes = {f"AC{n}": code for n, code in enumerate(letters, start=1)}
    schools = School.objects.bulk_create(
        School(urn=urn(n), name=f"School {n}", phase=Phase.PRIMARY, wonde_id=wonde_id(n))
        for n in range(1, SCHOOLS + 1)
    )
    with scopes_disabled():
        pupils: list[Any] = []
        links: list[Any] = []
        for number, school in enumerate(schools, start=1):
            roll = [
                Pupil(
                    school=school,
                    upn=_upn(p, estab=number),
                    legal_forename=f"Pupil{p}",
                    legal_surname="Delta",
                    date_of_birth=date(2018, 1, 1),
                    year_group=1 + p % 6,
                )
                for p in range(DELTA_PUPILS)
            ]
            links += [
                MisLink(
                    school=school,
                    kind=LinkKind.STUDENT,
                    wonde_id=f"S{number}-{p}",
                    local_id=pupil.pk,
                )
                for p, pupil in enumerate(roll)
            ]
            pupils += roll
        Pupil.objects.bulk_create(pupils, batch_size=5_000)
        MisLink.objects.bulk_create(links, batch_size=5_000)
        MisConnection.objects.bulk_create(
            MisConnection(
                school=school,
                region_domain="api.wonde.com",
                checked_at=SYNCED_AT,
                checked_wonde_id=school.wonde_id,
                attendance_codes=codes,
                codes_fetched_at=SYNCED_AT,
            )
            for school in schools
        )
        SyncState.objects.bulk_create(
            SyncState(
                school=school, kind="attendance", watermark=SYNCED_AT, last_success_at=SYNCED_AT
            )
            for school in schools
        )
    return schools


def delta(schools: list[Any], base_url: str, workers: int, batched: bool) -> tuple[str, int, int]:
    """Every school's registers, as ``workers`` background workers would share them out
    (threads here, each with its own database connection; in production, ``db_worker``
    processes): school by school (``sync_school``), or as ``mis_schedule`` queues them, in
    tasks of 200 schools applied together (``sync_registers``)."""
    from django.db import connection

    from attune.mis.management.commands.mis_schedule import REGISTER_BATCH
    from attune.mis.sync.run import registers_sync, school_sync

    totals = {"marks": 0, "pages": 0}
    lock = threading.Lock()
    failures: list[object] = []

    def work(share: list[Any]) -> None:
        try:
            if batched:
                for start in range(0, len(share), REGISTER_BATCH):
                    found = registers_sync(
                        schools=share[start : start + REGISTER_BATCH],
                        base_url=base_url,
                        now=DELTA_AT,
                    )
                    for urn_, result in found.items():
                        if result.error is not None:
                            failures.append((urn_, result.error))
                        with lock:
                            totals["marks"] += result.counts.get("marks_added", 0)
                            totals["pages"] += result.pages
                return
            for school in share:
                [result] = school_sync(
                    school=school, kinds=["attendance"], base_url=base_url, now=DELTA_AT
                )
                if result.error is not None:
                    failures.append((school.urn, result.error))
                with lock:
                    totals["marks"] += result.counts.get("marks_added", 0)
                    totals["pages"] += result.pages
        finally:
            connection.close()

    def run() -> None:
        size = -(-len(schools) // workers)
        threads = [
            threading.Thread(target=work, args=(schools[n * size : (n + 1) * size],))
            for n in range(workers)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    text, _ = _timed(run)
    assert not failures, failures[:3]
    return text, totals["marks"], totals["pages"]


def main() -> None:
    vendor = setup_django()
    from django.conf import settings

    from attune.attendance.models import SessionMark, WeekCounts, YearCounts
    from attune.mis.models import SyncState
    from attune.tenancy import scopes_disabled

    figures: dict[str, object] = {"per_page": settings.ATTUNE_WONDE_PER_PAGE}
    with Server(_first_school) as (base_url, token):
        settings.ATTUNE_WONDE_TOKEN = token
        figures["first_sync"] = first_sync(base_url)
    schools = prepare_delta_schools()
    # SQLite has one writer at a time, so more workers only queue; PostgreSQL takes several.
    ways = [("per_school", 1, False), ("batched", 1, True)]
    if vendor != "sqlite3":
        ways += [("per_school", 3, False), ("batched", 3, True)]
    sizes = (("quiet", QUIET_MARKS, "AM"), ("registration", DELTA_PUPILS, "PM"))
    for label, size, session in sizes:
        for way, workers, batched in ways:
            build = partial(_delta_schools, marks_each=size, session=session)
            with Server(build) as (base_url, token):
                settings.ATTUNE_WONDE_TOKEN = token
                text, marks, pages = delta(schools, base_url, workers, batched)
            figures[f"delta_{label}_{way}_{workers}_worker{'s' if workers > 1 else ''}"] = {
                "schools": len(schools),
                "marks_each": size,
                "marks_added": marks,
                "pages": pages,
                "seconds": text,
            }
            with scopes_disabled():  # as before this delta: synced at 08:45, marks gone
                SyncState.objects.filter(school__in=schools).update(watermark=SYNCED_AT)
                SessionMark.objects.filter(school__in=schools).delete()
                WeekCounts.objects.filter(school__in=schools).delete()
                YearCounts.objects.filter(school__in=schools).delete()
    print(f"MIS sync against the stand-in, {vendor}")
    print(json.dumps(figures, indent=2))
    save_results(f"mis_sync-{vendor}", {"database": vendor}, [figures])


if __name__ == "__main__":
    main()
