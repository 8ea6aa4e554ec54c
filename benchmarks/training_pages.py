"""Server time for the training and supervision pages of a large school.

Run ``.venv/bin/python -m benchmarks.training_pages`` (SQLite in a throwaway folder), or with
``DATABASE_URL=postgres://...`` for PostgreSQL. It builds the demo school with 150 staff, gives
it the demo courses, a few years of attendance and supervision, signs in as the demo lead and
times each page. The overview works out every person's standing on every course, so its time
grows with staff x courses while its query count stays fixed. Figures go to stdout and
``benchmarks/results/training_pages-<database>.json``.
"""

from __future__ import annotations

import random
import time

from benchmarks.common import save_results, setup_django, signed_in
from benchmarks.pupil_list import _measure

STAFF = 150
PUPILS = 900


def main() -> None:
    vendor = setup_django()
    from django.urls import reverse
    from django.utils import timezone

    from attune.demo.generator import build_demo
    from attune.tenancy import school_scope
    from attune.training.demo import build_training
    from attune.training.models import Attendance, Supervision

    today = timezone.localdate()
    started = time.perf_counter()
    school = build_demo(pupils=PUPILS, staff=STAFF, seed=7, today=today).schools[0]
    made = build_training(school, random.Random(7), today)
    built_s = time.perf_counter() - started
    with school_scope(school):
        someone = Attendance.objects.values_list("staff_id", flat=True).first()
        record = Supervision.objects.values_list("pk", flat=True).first()
    client = signed_in("lead@demo.attune.test")

    def url(name: str, **kwargs: object) -> str:
        return reverse(f"training:{name}", kwargs={"urn": school.urn, **kwargs})

    cases = {
        "overview (60 days)": url("overview"),
        "overview (365 days)": url("overview") + "?days=365",
        "courses": url("courses"),
        "one person": url("person", staff_id=someone),
        "supervision overview": url("supervision"),
        "one supervision": url("supervision_detail", supervision_id=record),
    }
    figures = [_measure(client, target, case) for case, target in cases.items()]

    print(
        f"Training pages, {STAFF} staff, {made.courses} courses, {made.attendances} attendances, "
        f"{made.supervisions} supervisions, on {vendor} (demo built in {built_s:.1f} s)"
    )
    print(f"{'case':<24}{'queries':>8}{'median ms':>11}{'p90 ms':>9}{'rows':>6}")
    for f in figures:
        print(f"{f.case:<24}{f.queries:>8}{f.median_ms:>11}{f.p90_ms:>9}{f.rows_shown:>6}")
    save_results(
        f"training_pages-{vendor}",
        {
            "staff": STAFF,
            "courses": made.courses,
            "attendances": made.attendances,
            "supervisions": made.supervisions,
            "database": vendor,
        },
        figures,
    )


if __name__ == "__main__":
    main()
