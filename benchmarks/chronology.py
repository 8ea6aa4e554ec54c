"""How a child's chronology page behaves with five years of history (2,000 entries).

Run ``.venv/bin/python -m benchmarks.chronology`` (SQLite in a throwaway folder), or with
``DATABASE_URL=postgres://...`` for PostgreSQL. It builds one school with a child whose record
holds 2,000 chronology entries (key adults, close and wider team changes, meetings, contacts,
ten weeks of check-ins, five years of register marks with runs of absence and changed marks,
"you said, we did" items, 60 plans and their reviews), signs in as the strategic attachment
lead and times the page: the newest page of everything, one kind, the last year, the second
page, and every entry on one page (for printing). Figures go to stdout and
``benchmarks/results/chronology-<database>.json``.
"""

from __future__ import annotations

import os
import time

from benchmarks.common import save_results, setup_django, signed_in
from benchmarks.pupil_list import Figure, _measure

ENTRIES = 2_000


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
    child = testing.pupil(school)
    lead = testing.user(school, Role.ATTACHMENT_LEAD)
    started = time.perf_counter()
    written = history(child, adults, entries=ENTRIES, today=today)
    built_s = time.perf_counter() - started
    client = signed_in(lead.email)
    base = reverse("plans:chronology", kwargs={"urn": school.urn, "pupil_id": child.pk})
    year_ago = (today - timedelta(days=365)).isoformat()
    cases = {
        "everything": base,
        "reviews only": f"{base}?kind=review",
        "the last year": f"{base}?since={year_ago}",
        "older entries (page 2)": f"{base}?page=2",
        "every entry, to print": f"{base}?page=all",
    }
    figures: list[Figure] = [_measure(client, url, case) for case, url in cases.items()]

    print(f"Chronology, {written} entries for one child, on {vendor} (built in {built_s:.1f} s)")
    print(f"{'case':<24}{'queries':>8}{'median ms':>11}{'p90 ms':>9}{'rows':>6}")
    for f in figures:
        print(f"{f.case:<24}{f.queries:>8}{f.median_ms:>11}{f.p90_ms:>9}{f.rows_shown:>6}")
    load = [round(n, 2) for n in os.getloadavg()]
    print(f"load average {load[0]:.2f}")
    save_results(
        f"chronology-{vendor}",
        {"entries": written, "database": vendor},
        figures,
        load_average=load,
    )


if __name__ == "__main__":
    main()
