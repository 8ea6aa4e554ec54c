"""Server time for an early years setting's day, 120 children (aim: 100 ms, as every daily page).

Run it with ``.venv/bin/python -m benchmarks.early_years_day`` (SQLite in a throwaway folder), or
with ``DATABASE_URL=postgres://...`` for PostgreSQL. It builds a setting of 120 children and 16
staff, every child with a key person and co-worker, one key person away, and a week of the
register with care routines (``attune.earlyyears.demo``). It times the page for yesterday (a
complete day, with an amendment when yesterday was the first day built), the CSV export of that
day, and the register of a school day (Friday at a weekend) with that day's children signed
in, with the rooms and ratios. Every page writes one read event per child it shows to the audit
log, and that is timed too. Figures go to stdout and benchmarks/results/.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from benchmarks import common
from benchmarks.common import measure, save_results, school_day, setup_django, signed_in

REPEATS = 30
CHILDREN = 120
STAFF = 16


@dataclass(frozen=True)
class Figure(common.Figure):
    cpu_median_ms: float  # this process's CPU time: steadier than wall time on a shared machine
    children_shown: int


def _measure(client: Any, url: str, case: str, marker: bytes) -> Figure:
    got = measure(lambda: client.get(url), repeats=REPEATS)
    assert got.result.status_code == 200, (url, got.result.status_code)
    shown = got.result.content.count(marker)
    return Figure.of(case, got, cpu_median_ms=got.cpu_median_ms, children_shown=shown)


def _setting(today: date) -> Any:
    from attune import testing
    from attune.accounts.roles import Role
    from attune.earlyyears.demo import build_early_years
    from attune.people.models import JobRole, Phase
    from attune.relationships.models import KeyAdultRelationship
    from attune.tenancy import school_scope

    school = testing.school("200001", "Benchmark Nursery", Phase.EARLY_YEARS)
    staff = [testing.staff(school, job_role=JobRole.EARLY_YEARS_PRACTITIONER) for _ in range(STAFF)]
    pupils = [
        testing.pupil(
            school,
            year_group=-3 + i % 3,
            born=today - timedelta(days=300 + (i * 9) % 900),
        )
        for i in range(CHILDREN)
    ]
    with school_scope(school):
        KeyAdultRelationship.objects.bulk_create(
            KeyAdultRelationship(
                school=school,
                pupil=p,
                key_adult=staff[i % STAFF],
                co_worker=staff[(i + 1) % STAFF],
                started_on=today - timedelta(days=60),
                reason="Benchmark",
            )
            for i, p in enumerate(pupils)
        )
    built = build_early_years(school, random.Random(7), today)
    lead = testing.user(school, Role.ATTACHMENT_LEAD, email="lead@bench.attune.test")
    return school, lead, built


def main() -> None:
    vendor = setup_django()
    from django.conf import settings
    from django.urls import reverse
    from django.utils import timezone

    # A school day, with that day's children signed in, whatever day this runs: at a weekend
    # the register opens on Friday, as the demo's does (``clock.working_day``). Run on a Sunday,
    # it once timed an empty register (no child in, no reads to record): 54-66 ms, where a
    # weekday's full one took 110-150 ms.
    today = school_day(timezone.localdate())
    if today < timezone.localdate():
        settings.DEMO_DAY = today
    school, lead, built = _setting(today)
    client = signed_in(lead.email)
    yesterday = school_day(today - timedelta(days=1))
    kwargs = {"urn": school.urn, "day": yesterday.isoformat()}
    figures = [
        _measure(
            client,
            reverse("earlyyears:day_record", kwargs=kwargs),
            "day's record (yesterday)",
            b'data-testid="record-row"',
        ),
        _measure(
            client,
            reverse("earlyyears:day_record_csv", kwargs=kwargs),
            "CSV export (yesterday)",
            b"\n",
        ),
        _measure(
            client,
            reverse("earlyyears:register", kwargs={"urn": school.urn}),
            "register and rooms (today)",
            b'data-testid="child-row"',
        ),
    ]
    print(f"Early years day's record, {CHILDREN} children, {built.visits} visits, on {vendor}")
    print(f"{'case':<30}{'queries':>8}{'median ms':>11}{'p90 ms':>9}{'cpu ms':>8}{'shown':>7}")
    for f in figures:
        print(
            f"{f.case:<30}{f.queries:>8}{f.median_ms:>11}{f.p90_ms:>9}"
            f"{f.cpu_median_ms:>8}{f.children_shown:>7}"
        )
    facts = {
        "database": vendor,
        "children": CHILDREN,
        "visits_in_week": built.visits,
        "care_entries_in_week": built.care,
    }
    save_results(f"early_years_day-{vendor}", facts, figures, load_average=os.getloadavg()[0])


if __name__ == "__main__":
    main()
