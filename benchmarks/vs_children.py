"""The Virtual School's own children, by name: the children page for 1,500 children at 400
schools, on SQLite and PostgreSQL.

Run it with ``.venv/bin/python -m benchmarks.vs_children`` (SQLite in a throwaway folder), or
with ``DATABASE_URL=postgres://...`` for PostgreSQL. It builds one authority with 1,500 children
on its list: 1,200 at 300 schools on Attune (four each, each child on the school's roll with this
year's counts, some suspended, most with a key adult, some with this term's PEP) and 300 at 100
schools not on Attune (three each, with 50 school days of marks entered for them). Then, as the
head of the Virtual School (two-factor passed), it times the children page (its first 50, with a
read recorded for each child and their school's record), a filter (PEPs overdue), the page with
one school's children, a child's own page, and the CSV of all 1,500. Each figure is the median
and 90th percentile of 20 requests after a warm-up, and the number of queries one request makes.
Figures go to stdout and ``benchmarks/results/vs_children-<database>.json``.
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from typing import Any

from benchmarks.common import Figure, measure, save_results, setup_django

ATTUNE_SCHOOLS, PER_ATTUNE_SCHOOL = 300, 4
OTHER_SCHOOLS, PER_OTHER_SCHOOL = 100, 3
OUTSIDE_DAYS = 50
REPEATS = 20
BUDGET_MS = 300


def _measure(client: Any, url: str, case: str) -> Figure:
    got = measure(lambda: client.get(url), repeats=REPEATS)
    assert got.result.status_code == 200, (url, got.result.status_code)
    return Figure.of(case, got)


def _build(today: date) -> tuple[Any, Any]:
    """The authority, its schools and children; returns (authority, a child's id)."""
    from attune.attendance.models import SessionMark, YearCounts
    from attune.attendance.week_counts import FIELDS
    from attune.people.models import Cohort, CohortMembership, Phase, Pupil, School, Staff
    from attune.pep.domain.cycle import term_for
    from attune.pep.models import Pep, PepStatus
    from attune.relationships.models import KeyAdultRelationship
    from attune.tenancy import authority_scope, scopes_disabled
    from attune.testing import local_authority
    from attune.virtualschool.models import LookedAfterChild, OutsideMark, Placement
    from attune.virtualschool.registers import counts_refresh

    rng = random.Random(20)
    la = local_authority()
    term = term_for(today)
    year = today.year if today.month >= 8 else today.year - 1
    attune_schools = School.objects.bulk_create(
        School(urn=f"{400000 + n}", name=f"School {n:03d}", phase=Phase.PRIMARY, local_authority=la)
        for n in range(ATTUNE_SCHOOLS)
    )
    with scopes_disabled():
        staff = Staff.objects.bulk_create(
            Staff(school=s, first_name="Key", last_name=f"Adult {s.urn}", job_role="elsa")
            for s in attune_schools
        )
        pupils, cohorts, counts, marks, relationships, peps = [], [], [], [], [], []
        for school, adult in zip(attune_schools, staff, strict=True):
            for n in range(PER_ATTUNE_SCHOOL):
                pupil = Pupil(
                    school=school,
                    upn=f"B{school.urn}{n:06d}",
                    legal_forename=f"Child{n}",
                    # Surnames spread each page of the list across many schools, as real
                    # names would (each school's record read is logged on its own chain).
                    legal_surname=f"Surname{rng.randint(0, 9999):04d}",
                    date_of_birth=date(2015, 1, 1),
                    year_group=5,
                )
                pupils.append(pupil)
                cohorts.append(
                    CohortMembership(
                        school=school,
                        pupil=pupil,
                        cohort=Cohort.LOOKED_AFTER,
                        start_date=date(2023, 9, 1),
                    )
                )
                possible = 120
                missed = rng.choice([0, 2, 5, 14, 30])
                values = dict.fromkeys(FIELDS, 0) | {
                    "possible": possible,
                    "present": possible - missed,
                    "authorised_absence": missed,
                }
                counts.append(YearCounts(school=school, pupil=pupil, year=year, **values))
                if rng.random() < 0.05:
                    marks.append(
                        SessionMark(
                            school=school,
                            pupil=pupil,
                            date=today - timedelta(days=rng.randint(1, 40)),
                            session="AM",
                            code="E",
                            original_code="E",
                        )
                    )
                if rng.random() < 0.8:
                    relationships.append(
                        KeyAdultRelationship(
                            school=school,
                            pupil=pupil,
                            key_adult=adult,
                            started_on=today - timedelta(days=200),
                            reason="Chosen.",
                        )
                    )
                for t in (term.previous, term):
                    if rng.random() < 0.6:
                        peps.append(
                            Pep(
                                school=school,
                                pupil=pupil,
                                school_year=t.year,
                                term=t.season.value,
                                meeting_on=min(t.due_by, today),
                                status=PepStatus.HELD,
                                designated_teacher=adult,
                            )
                        )
        Pupil.objects.bulk_create(pupils, batch_size=1000)
        CohortMembership.objects.bulk_create(cohorts, batch_size=1000)
        YearCounts.objects.bulk_create(counts, batch_size=1000)
        SessionMark.objects.bulk_create(marks, batch_size=1000)
        KeyAdultRelationship.objects.bulk_create(relationships, batch_size=1000)
        Pep.objects.bulk_create(peps, batch_size=1000)
    with authority_scope(la):
        children, placements, outside = [], [], []
        for n, pupil in enumerate(pupils):
            children.append(
                LookedAfterChild(
                    local_authority=la,
                    child_id=f"LAC-{n:05d}",
                    upn=pupil.upn,
                    legal_forename=pupil.legal_forename,
                    legal_surname=pupil.legal_surname,
                    date_of_birth=pupil.date_of_birth,
                    looked_after_from=date(2023, 9, 1),
                    legal_status="C2",
                )
            )
            placements.append((children[-1], pupil.school.urn))
        days = [
            today - timedelta(days=d)
            for d in range(100)
            if (today - timedelta(days=d)).weekday() < 5
        ]
        for s in range(OTHER_SCHOOLS):
            urn = f"{500000 + s}"
            for n in range(PER_OTHER_SCHOOL):
                child = LookedAfterChild(
                    local_authority=la,
                    child_id=f"LAC-X{s:03d}{n}",
                    upn="",
                    legal_forename=f"Other{n}",
                    legal_surname=f"Surname{rng.randint(0, 9999):04d}",
                    date_of_birth=date(2014, 1, 1),
                    looked_after_from=date(2024, 1, 1),
                    legal_status="V2",
                )
                children.append(child)
                placements.append((child, urn))
                for day in days[:OUTSIDE_DAYS]:
                    for session in ("AM", "PM"):
                        code = "I" if rng.random() < 0.05 else "/"
                        outside.append(
                            OutsideMark(
                                local_authority=la,
                                child=child,
                                school_urn=urn,
                                date=day,
                                session=session,
                                code=code,
                                original_code=code,
                            )
                        )
        LookedAfterChild.objects.bulk_create(children, batch_size=1000)
        Placement.objects.bulk_create(
            (
                Placement(
                    local_authority=la,
                    child=child,
                    school_urn=urn,
                    school_name=f"School {urn}",
                    started_on=date(2024, 9, 1),
                )
                for child, urn in placements
            ),
            batch_size=1000,
        )
        OutsideMark.objects.bulk_create(outside, batch_size=2000)
        # The yearly counts the register links' saves keep (``registers.marks_save``).
        counts_refresh(la, {(m.child_id, year) for m in outside})
    return la, children[0].pk


def main() -> None:
    vendor = setup_django()
    from django.test import Client
    from django.utils import timezone

    from attune.accounts.testing import sign_in_fully
    from attune.virtualschool.models import AuthorityRole
    from attune.virtualschool.tests.conftest import officer

    today = timezone.localdate()
    started = time.perf_counter()
    la, child_id = _build(today)
    built_s = time.perf_counter() - started
    client = sign_in_fully(Client(), officer(la, AuthorityRole.HEAD))
    base = f"/la/{la.code}/children/"
    cases = {
        "children page (first 50 of 1,500)": base,
        "PEPs overdue": f"{base}?pep=overdue",
        "at schools not on Attune": f"{base}?where=not_on_attune",
        "one child's page": f"{base}{child_id}/",
        "CSV of all 1,500": f"{base}?format=csv",
    }
    figures = [_measure(client, url, case) for case, url in cases.items()]
    children = ATTUNE_SCHOOLS * PER_ATTUNE_SCHOOL + OTHER_SCHOOLS * PER_OTHER_SCHOOL
    schools = ATTUNE_SCHOOLS + OTHER_SCHOOLS
    print(f"Virtual School children, {children} children at {schools} schools, on {vendor}", end="")
    print(f" (built in {built_s:.1f} s)")
    print(f"{'case':<36}{'queries':>8}{'median ms':>11}{'p90 ms':>9}")
    for f in figures:
        print(f"{f.case:<36}{f.queries:>8}{f.median_ms:>11}{f.p90_ms:>9}")
    save_results(
        f"vs_children-{vendor}",
        {"children": children, "schools": schools, "budget_ms": BUDGET_MS, "database": vendor},
        figures,
    )


if __name__ == "__main__":
    main()
