"""PEP figures for a county: the Virtual School's counts across 600 schools, and one school's
list of looked-after children.

Run it with ``.venv/bin/python -m benchmarks.pep_counts`` (SQLite in a throwaway folder), or
with ``DATABASE_URL=postgres://...`` for PostgreSQL. It builds 600 schools with 6 looked-after
children each (3,600, about a county's number), each with last term's PEP and, for most, this
term's, then times ``pep_status_counts`` over every school and the PEP list page of one school
with 40 looked-after children as its attachment lead. Figures go to stdout and
benchmarks/results/.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from datetime import date
from typing import Any

from benchmarks.common import measure, save_results, setup_django, signed_in

SCHOOLS = 600
PER_SCHOOL = 6
BIG_SCHOOL = 40
REPEATS = 20


@dataclass(frozen=True)
class Figure:
    case: str
    rows: int
    queries: int
    median_ms: float
    p90_ms: float


def _time(case: str, rows: int, run: Any) -> Figure:
    got = measure(run, repeats=REPEATS)
    return Figure(case, rows, got.queries, got.median_ms, got.p90_ms)


def _county(today: date) -> tuple[list[int], Any]:
    from attune.accounts.roles import Role
    from attune.people.models import Cohort, CohortMembership, Phase, Pupil, School, Staff
    from attune.pep.domain.cycle import term_for
    from attune.pep.models import Pep, PepStatus
    from attune.tenancy import scopes_disabled
    from attune.testing import local_authority, user

    rng = random.Random(9)
    now = term_for(today)
    la = local_authority()
    schools = School.objects.bulk_create(
        School(urn=f"{300000 + n}", name=f"School {n}", phase=Phase.PRIMARY, local_authority=la)
        for n in range(SCHOOLS)
    )
    with scopes_disabled():
        teachers = Staff.objects.bulk_create(
            Staff(school=s, first_name="Dana", last_name=f"T{s.pk}", job_role="teacher")
            for s in schools
        )
        pupils, memberships, peps = [], [], []
        for i, (school, teacher) in enumerate(zip(schools, teachers, strict=True)):
            for n in range(BIG_SCHOOL if i == 0 else PER_SCHOOL):
                child = Pupil(
                    school=school,
                    upn=f"B{i:05d}{n:05d}",
                    legal_forename=f"Child{n}",
                    legal_surname=f"S{i}",
                    date_of_birth=date(2016, 1, 1),
                    year_group=4,
                )
                pupils.append(child)
                memberships.append(
                    CohortMembership(
                        school=school,
                        pupil=child,
                        cohort=Cohort.LOOKED_AFTER,
                        start_date=date(2023, 9, 1),
                    )
                )
                for term in (now.previous, now):
                    if term == now and rng.random() < 0.3:
                        continue
                    peps.append(
                        Pep(
                            school=school,
                            pupil=child,
                            school_year=term.year,
                            term=term.season.value,
                            meeting_on=min(term.due_by, today),
                            status=PepStatus.HELD if rng.random() < 0.8 else PepStatus.PLANNED,
                            designated_teacher=teacher,
                        )
                    )
        Pupil.objects.bulk_create(pupils, batch_size=2000)
        CohortMembership.objects.bulk_create(memberships, batch_size=2000)
        Pep.objects.bulk_create(peps, batch_size=2000)
    lead = user(schools[0], Role.ATTACHMENT_LEAD)
    return [s.pk for s in schools], (schools[0], lead)


def main() -> None:
    vendor = setup_django()
    from django.test import Client

    from attune.pep.selectors import pep_status_counts

    today = date.today()  # noqa: DTZ011 - the benchmark's reference day
    ids, (big, lead) = _county(today)
    figures = [
        _time(
            f"pep_status_counts, {SCHOOLS} schools",
            SCHOOLS * PER_SCHOOL + BIG_SCHOOL - PER_SCHOOL,
            lambda: pep_status_counts(ids, today),
        )
    ]
    client: Client = signed_in(lead.email)
    url = f"/s/{big.urn}/pep/"
    figures.append(
        _time(
            f"PEP list page, {BIG_SCHOOL} children",
            BIG_SCHOOL,
            lambda: client.get(url).status_code == 200 or sys.exit("list page failed"),
        )
    )
    for f in figures:
        print(f"{f.case:40} {f.queries:3} queries  median {f.median_ms:7.1f} ms  p90 {f.p90_ms} ms")
    facts = {"database": vendor, "schools": len(ids), "looked_after_children": figures[0].rows}
    save_results(f"pep_counts-{vendor}", facts, figures)


if __name__ == "__main__":
    main()
