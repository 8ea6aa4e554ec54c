"""What the audit trail costs the pupil page: the page with and without its audit write.

Run it with ``.venv/bin/python -m benchmarks.audit_overhead`` (SQLite in a throwaway folder), or
with ``DATABASE_URL=postgres://...`` for PostgreSQL. It builds one school with a head, a child
and a chain of 20,000 earlier events, signs in as the head and times:

- ``record()`` on its own: one event appended to the school's hash chain, in its own
  transaction as a view makes it (lock the chain head, hash, insert, move the head), and the
  same inside an open transaction, which leaves out the wait for the commit to reach disk;
- the pupil page as it is (the read is logged), and the same page with the logging call
  swapped for nothing. The difference is the audit trail's overhead per page; the aim is
  under 10 ms.

"CPU ms" is this process's own CPU time (Python, hashing, template rendering): on a busy
machine the wall-clock figures mostly measure waiting for a turn on a CPU, so compare both.
Figures go to stdout and benchmarks/results/audit_overhead-<database>.json.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from typing import Any
from unittest import mock

from benchmarks.common import counting_queries, save_results, setup_django

EARLIER_EVENTS = 20_000
REPEATS = 200


def _timed(run: Callable[[], object], repeats: int = REPEATS) -> dict[str, float]:
    run()  # warm up
    timings, cpu = [], []
    for _ in range(repeats):
        started, started_cpu = time.perf_counter(), time.process_time()
        run()
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    timings.sort()
    return {
        "median_ms": round(statistics.median(timings), 2),
        "p90_ms": round(timings[int(len(timings) * 0.9) - 1], 2),
        "cpu_ms": round(statistics.median(cpu), 2),
    }


def _queries(run: Callable[[], object]) -> int:
    with counting_queries() as executed:
        run()
    return len(executed)


def main() -> None:
    vendor = setup_django()
    from django.db import transaction
    from django.test import Client
    from django.urls import reverse

    from attune.accounts.testing import sign_in_fully
    from attune.auditlog.actions import Action
    from attune.auditlog.record import Entry, record, record_many
    from attune.testing import school_world

    world = school_world()
    child = world.child
    record_many(
        actor=world.head,
        school_id=world.school.pk,
        entries=[Entry(Action.RECORD_VIEWED, child) for _ in range(EARLIER_EVENTS)],
    )

    def one_event() -> None:
        with transaction.atomic():
            record(Action.RECORD_VIEWED, child, actor=world.head)

    client = Client()
    sign_in_fully(client, world.head)
    url = reverse("children:pupil", kwargs={"urn": world.school.urn, "pupil_id": child.pk})

    def page() -> None:
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    def in_open_transaction() -> None:
        record(Action.RECORD_VIEWED, child, actor=world.head)

    figures: dict[str, Any] = {"record() call": _timed(one_event)}
    figures["record() call"]["queries"] = _queries(one_event)
    # The same call with its commit left out: the work itself, without waiting for the disk.
    with transaction.atomic():
        figures["record(), no commit"] = _timed(in_open_transaction)
        figures["record(), no commit"]["queries"] = _queries(in_open_transaction)
    # Interleave the two page cases so machine load falls on both alike.
    with_audit: list[dict[str, float]] = []
    without_audit: list[dict[str, float]] = []
    for _ in range(5):
        with_audit.append(_timed(page, REPEATS // 5))
        with mock.patch("attune.auditlog.record.record_reads", lambda **kwargs: None):
            without_audit.append(_timed(page, REPEATS // 5))
    for name, runs in (
        ("pupil page, logged", with_audit),
        ("pupil page, not logged", without_audit),
    ):
        figures[name] = {
            "median_ms": round(statistics.median(r["median_ms"] for r in runs), 2),
            "p90_ms": round(statistics.median(r["p90_ms"] for r in runs), 2),
            "cpu_ms": round(statistics.median(r["cpu_ms"] for r in runs), 2),
        }
    figures["pupil page, logged"]["queries"] = _queries(page)
    with mock.patch("attune.auditlog.record.record_reads", lambda **kwargs: None):
        figures["pupil page, not logged"]["queries"] = _queries(page)
    overhead = round(
        figures["pupil page, logged"]["median_ms"] - figures["pupil page, not logged"]["median_ms"],
        2,
    )

    print(f"Audit trail overhead on {vendor}, chain of {EARLIER_EVENTS:,} earlier events")
    print(f"Load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"{'case':<26}{'queries':>8}{'median ms':>11}{'p90 ms':>9}{'CPU ms':>8}")
    for case, f in figures.items():
        row = f"{f['queries']:>8}{f['median_ms']:>11}{f['p90_ms']:>9}{f['cpu_ms']:>8}"
        print(f"{case:<26}{row}")
    print(f"Overhead per pupil page (median difference): {overhead} ms (aim: under 10 ms)")
    facts = {"database": vendor, "earlier_events": EARLIER_EVENTS, "repeats": REPEATS}
    rows = [{"case": case, **f} for case, f in figures.items()]
    save_results(f"audit_overhead-{vendor}", facts, rows, overhead_ms=overhead)


if __name__ == "__main__":
    main()
