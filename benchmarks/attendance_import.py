"""How long ``attune import_attendance`` takes for one school's year of marks.

Run ``.venv/bin/python -m benchmarks.attendance_import`` (SQLite in a throwaway folder), or with
``DATABASE_URL=postgres://...`` for PostgreSQL. It builds a school of 1,500 pupils, writes a CSV
of their year (380 sessions each: 570,000 rows), and times through the real command:

- the first import (every mark new);
- the same file again (nothing changes);
- the file with 2% of marks changed (each replaced mark kept in the history);
- the school's report (``attendance_report --format json``).

Figures go to stdout and ``benchmarks/results/attendance_import-<database>.json``.
"""

from __future__ import annotations

import csv
import io
import random
import tempfile
import time
import uuid
from pathlib import Path

from benchmarks.attendance_storage import build_school, school_days, synthetic_marks
from benchmarks.common import save_results, setup_django

URN = "190101"


def write_csv(path: Path, upns: dict[uuid.UUID, str], changed_share: float = 0.0) -> int:
    """The school's year as a marks CSV; ``changed_share`` of marks become ``I`` (illness)."""
    rng = random.Random(11)
    rows = 0
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["school_urn", "upn", "date", "session", "code", "minutes_late"])
        for pupil_id, day, session, code in synthetic_marks(list(upns), school_days()):
            if changed_share and rng.random() < changed_share:
                code = "I" if code != "I" else "N"
            late = "5" if code in ("L", "U") else ""
            writer.writerow([URN, upns[pupil_id], day.isoformat(), session, code, late])
            rows += 1
    return rows


def _run(*args: str) -> str:
    """Wall-clock seconds, and this process's CPU seconds (steadier on a busy machine)."""
    from django.core.management import call_command

    started, cpu = time.perf_counter(), time.process_time()
    call_command(*args, stdout=io.StringIO())
    return f"{time.perf_counter() - started:.2f} ({time.process_time() - cpu:.2f} cpu)"


def main() -> None:
    vendor = setup_django()
    from attune.attendance.models import MarkChange, SessionMark
    from attune.people.models import Pupil
    from attune.tenancy import school_scope

    school, pupil_ids = build_school(URN)
    with school_scope(school):
        upns = dict(Pupil.objects.values_list("id", "upn"))
    folder = Path(tempfile.mkdtemp(prefix="attune-bench-csv-"))
    first, changed = folder / "year.csv", folder / "year-changed.csv"
    rows = write_csv(first, upns)
    write_csv(changed, upns, changed_share=0.02)
    figures: dict[str, object] = {
        "rows": rows,
        "first_import_s": _run("import_attendance", str(first)),
        "same_file_again_s": _run("import_attendance", str(first)),
        "two_percent_changed_s": _run("import_attendance", str(changed)),
        "report_json_s": _run("attendance_report", "--school", URN, "--format", "json"),
    }
    with school_scope(school):
        figures["marks_stored"] = SessionMark.objects.count()
        figures["changes_kept"] = MarkChange.objects.count()
    print(
        f"import_attendance, {len(pupil_ids)} pupils x {rows // len(pupil_ids)} sessions, {vendor}"
    )
    for name, value in figures.items():
        print(f"{name:<24}{value!s:>22}")
    facts = {"database": vendor, "pupils": len(pupil_ids)}
    save_results(f"attendance_import-{vendor}", facts, [figures])


if __name__ == "__main__":
    main()
