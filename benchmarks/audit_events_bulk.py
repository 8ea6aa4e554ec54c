"""What one county daily import's audit events cost: 250,000 per-child events for 600 schools.

Run it with ``DATABASE_URL=postgres://... .venv/bin/python -m benchmarks.audit_events_bulk`` (or
without, on SQLite in a throwaway folder). It makes 600 schools and, four times over (four
school days, so the table grows as it would), writes one event for each of 417 children per
school through ``audit_log_per_pupil_across``, the call the register import makes: lock the
600 chain heads, hash each child's event onto its school's chain, write them all with one
COPY (PostgreSQL) and move the heads.

"CPU s" is this process's own time (hashing, formatting rows); the rest of the wall time is
the database writing the rows and their indexes. Then it runs ``attune audit_verify`` over the
million events, as a night's check would, and times that too (``docs/security.md``, "Running
the check"). Figures go to stdout and ``benchmarks/results/audit_events_bulk-<database>.json``,
with the load average and the machine's speed (``common.save_results``).
"""

from __future__ import annotations

import os
import tempfile
import time
import uuid

from benchmarks.common import save_results, setup_django

SCHOOLS, CHILDREN, DAYS = 600, 417, 4


def main() -> None:
    # The check writes a checkpoint line for each chain: into a throwaway folder, not the
    # data folder of whoever runs this.
    os.environ["ATTUNE_AUDIT_CHECKPOINT_DIR"] = tempfile.mkdtemp(prefix="attune-checkpoints-")
    vendor = setup_django()
    from django.core.management import call_command
    from django.db import transaction

    from attune import testing
    from attune.auditlog.actions import Action
    from attune.auditlog.record import PupilChanges, record_per_pupil_across

    schools = [testing.school(urn=str(300_000 + n), name=f"School {n}") for n in range(SCHOOLS)]
    children = {school.pk: [uuid.uuid4() for _ in range(CHILDREN)] for school in schools}
    days = []
    for day in range(DAYS):
        shares = [
            PupilChanges(
                school.pk,
                school,
                {child: {"added": 2, "import": day} for child in children[school.pk]},
            )
            for school in schools
        ]
        started, cpu = time.perf_counter(), time.process_time()
        with transaction.atomic():
            written = record_per_pupil_across(Action.MARKS_IMPORTED, actor=None, shares=shares)
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        days.append({"events": written, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2)})
        print(f"day {day + 1}: {written:,} events, {wall:.2f} s wall, {cpu:.2f} s CPU", flush=True)
    started, cpu = time.perf_counter(), time.process_time()
    call_command("audit_verify", verbosity=0)  # raises if any chain does not hold
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    events = sum(day["events"] for day in days)
    print(f"audit_verify: {events:,} events, {wall:.1f} s wall, {cpu:.1f} s CPU", flush=True)
    verify = {"events": events, "wall_s": round(wall, 1), "cpu_s": round(cpu, 1)}
    facts = {"database": vendor, "schools": SCHOOLS, "children": CHILDREN}
    save_results(f"audit_events_bulk-{vendor}", facts, days, audit_verify=verify)


if __name__ == "__main__":
    main()
