"""How long ``attune import_pupils`` takes for a 2,000-pupil file: new, then unchanged.

Run ``.venv/bin/python -m benchmarks.pupil_import`` (SQLite in a throwaway folder) or with
``DATABASE_URL=postgres://...``. The file is synthetic: Faker names, valid UPNs. Figures go
to stdout and ``benchmarks/results/pupil_import-<database>.json``.
"""

from __future__ import annotations

import csv
import io
import time
from datetime import date

from benchmarks.common import save_results, setup_django

PUPILS = 2_000
FLAGS = ("looked_after", "child_in_need", "fsm", "eal")


def synthetic_file(urn: str) -> str:
    from faker import Faker

    from attune.people.domain.pupil_csv import REQUIRED_COLUMNS
    from attune.people.domain.upn import make_upn

    fake = Faker("en_GB")
    fake.seed_instance(11)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*REQUIRED_COLUMNS, *FLAGS])
    for n in range(PUPILS):
        year = n % 7
        writer.writerow(
            [
                urn,
                make_upn(886, 2000 + n // 1000, 17, n % 1000),
                fake.first_name(),
                fake.last_name(),
                "",
                date(2019 - year, 1 + n % 12, 1 + n % 28).isoformat(),
                "MF"[n % 2],
                "R" if year == 0 else str(year),
                f"{year}A",
                *("Y" if (n * (i + 3)) % 17 == 0 else "N" for i in range(len(FLAGS))),
            ]
        )
    return out.getvalue()


def main() -> None:
    vendor = setup_django()
    from attune.people.imports import pupils_import
    from attune.people.services import school_add_or_update

    school_add_or_update(urn="190001", name="Benchmark Academy", phase="primary", la_code=886)
    text = synthetic_file("190001")
    figures = []
    for label in ("new pupils", "same file again"):
        started = time.perf_counter()
        [result] = pupils_import(stream=io.StringIO(text), today=date(2026, 11, 23))
        took = time.perf_counter() - started
        print(f"{PUPILS} rows, {label}, {vendor}: {took:.2f} s — {result.summary()}")
        figures.append({"case": label, "seconds": round(took, 2), "summary": result.summary()})
    save_results(f"pupil_import-{vendor}", {"database": vendor, "rows": PUPILS}, figures)


if __name__ == "__main__":
    main()
