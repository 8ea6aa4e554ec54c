"""How a child's chronology page behaves as the history grows (2,000 and 10,000 entries).

Run ``.venv/bin/python -m benchmarks.chronology`` (SQLite in a throwaway folder), or with
``DATABASE_URL=postgres://...`` for PostgreSQL. It builds one school with a child for each size
whose record holds that many chronology entries (key adults, close and wider team changes,
meetings, contacts, ten weeks of check-ins, five years of register marks with runs of absence
and changed marks, "you said, we did" items, 60 plans and their reviews), signs in as the
strategic attachment lead and times the page: the newest page of everything, one kind, the
last year, the second page, a later page, and every entry on one page (for printing). A page
should cost the same at either size; only printing everything should grow. Figures go to
stdout and ``benchmarks/results/chronology-<database>.json`` (each figure says its size).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

from benchmarks import pupil_list
from benchmarks.common import save_results, setup_django, signed_in
from benchmarks.pupil_list import _measure

SIZES = (2_000, 10_000)
LATER_PAGE = 9  # there are ten pages of 200 at the smaller size


@dataclass(frozen=True)
class Figure(pupil_list.Figure):
    entries: int


def main() -> None:
    vendor = setup_django()
    from datetime import timedelta

    from django.urls import reverse
    from django.utils import timezone

    from attune import testing
    from attune.accounts.roles import Role
    from attune.plans.testing import history

    today = timezone.localdate()
    school = testing.school("190201", "Benchmark Primary")
    adults = [testing.staff(school) for _ in range(8)]
    lead = testing.user(school, Role.ATTACHMENT_LEAD)
    client = signed_in(lead.email)
    year_ago = (today - timedelta(days=365)).isoformat()
    figures: list[Figure] = []
    for size in SIZES:
        child = testing.pupil(school)
        started = time.perf_counter()
        written = history(child, adults, entries=size, today=today)
        built_s = time.perf_counter() - started
        base = reverse("plans:chronology", kwargs={"urn": school.urn, "pupil_id": child.pk})
        cases = {
            "everything": base,
            "reviews only": f"{base}?kind=review",
            "the last year": f"{base}?since={year_ago}",
            "older entries (page 2)": f"{base}?page=2",
            f"a later page (page {LATER_PAGE})": f"{base}?page={LATER_PAGE}",
            "every entry, to print": f"{base}?page=all",
        }
        print(f"Chronology, {written} entries for one child, on {vendor} (built {built_s:.1f} s)")
        print(f"{'case':<28}{'queries':>8}{'median ms':>11}{'p90 ms':>9}{'rows':>6}")
        for case, url in cases.items():
            f = _measure(client, url, case)
            figures.append(_sized(f, written))
            print(f"{f.case:<28}{f.queries:>8}{f.median_ms:>11}{f.p90_ms:>9}{f.rows_shown:>6}")
    load = [round(n, 2) for n in os.getloadavg()]
    print(f"load average {load[0]:.2f}")
    save_results(
        f"chronology-{vendor}",
        {"entries": list(SIZES), "database": vendor},
        figures,
        load_average=load,
    )


def _sized(f: pupil_list.Figure, entries: int) -> Figure:
    return Figure(
        case=f.case,
        queries=f.queries,
        median_ms=f.median_ms,
        p90_ms=f.p90_ms,
        rows_shown=f.rows_shown,
        entries=entries,
    )


if __name__ == "__main__":
    main()
