"""The Virtual School's county page on the synthetic county: cold and warm.

Run after ``benchmarks.county`` has built a county, against the same database::

    DATABASE_URL=postgres://.../attune .venv/bin/python -m benchmarks.virtual_school

It gives every school a sharing agreement (all six cohorts) if it has none, then builds the
county page's report (``virtualschool.reports.county_page``: cohort attendance against all pupils
and every school's counts, suppressed) for the school year of the marks, as the page's
default range does. "Cold" is the first build after the database's caches were last filled
by other work; "warm" is the median of the next five. Both work the figures out afresh (the
cache is emptied before each build). "Kept" is the median of five builds that find the
figures kept by ``virtualschool/kept.py``, as every opening after the first does until the next
register import. Figures go to stdout and ``benchmarks/results/virtual_school-postgresql.json``
with the load average.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.common import machine_speed, setup_django


def main() -> None:
    vendor = setup_django()
    if vendor != "postgresql":
        sys.exit("Run it against the county database: set DATABASE_URL=postgres://...")
    from django.core.cache import cache
    from django.db import connection
    from django.utils import timezone

    from attune.people.models import LocalAuthority, School
    from attune.tenancy import scopes_disabled
    from attune.virtualschool import selectors
    from attune.virtualschool.models import SharingAgreement
    from attune.virtualschool.reports import county_page
    from attune.virtualschool.selectors import DateRange
    from attune.virtualschool.sharing import VIRTUAL_SCHOOL_COHORT_VALUES

    authority = LocalAuthority.objects.order_by("code").first()
    if authority is None:
        sys.exit("No county here: run benchmarks.county first.")
    with scopes_disabled():
        have = set(SharingAgreement.objects.values_list("school_id", flat=True))
        SharingAgreement.objects.bulk_create(
            SharingAgreement(
                school=school, cohorts=list(VIRTUAL_SCHOOL_COHORT_VALUES), agreed_at=timezone.now()
            )
            for school in School.objects.filter(local_authority=authority).exclude(pk__in=have)
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(date), max(date) FROM attendance_sessionmark")
        first_mark, last_mark = cursor.fetchone()
    span = DateRange(first_mark, last_mark)
    today = last_mark
    figures: dict[str, Any] = {
        "load_average_start": os.getloadavg(),
        "schools": School.objects.filter(local_authority=authority).count(),
        "range": [str(first_mark), str(last_mark)],
    }

    def build(*, afresh: bool) -> float:
        if afresh:
            cache.clear()
        began = time.perf_counter()
        county_page(authority, span, today)
        return time.perf_counter() - began

    afresh = [build(afresh=True) for _ in range(6)]
    kept = [build(afresh=False) for _ in range(5)]
    figures["county_page_cold_s"] = round(afresh[0], 2)
    figures["county_page_warm_median_s"] = round(statistics.median(afresh[1:]), 2)
    figures["county_page_kept_median_s"] = round(statistics.median(kept), 3)
    report = county_page(authority, span, today)
    ids = list(School.objects.filter(local_authority=authority).values_list("pk", flat=True))
    for name, part in (
        ("school_counts", lambda: selectors.school_counts(ids, span, today)),
        ("attendance_by_cohort", lambda: selectors.attendance_by_cohort(ids, span)),
    ):
        began = time.perf_counter()
        part()
        figures[f"{name}_warm_s"] = round(time.perf_counter() - began, 2)
    figures["tables"] = len(report.tables)
    figures["load_average_end"] = os.getloadavg()
    for name, value in figures.items():
        print(f"{name:<28}{value!s}")
    out = Path(__file__).parent / "results" / "virtual_school-postgresql.json"
    payload = {"machine_speed_s": machine_speed(), "figures": figures}
    out.write_text(json.dumps(payload, indent=2, default=str) + "\n")


if __name__ == "__main__":
    main()
