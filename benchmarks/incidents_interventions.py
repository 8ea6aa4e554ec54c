"""How the incident trends and the intervention catalogue behave in a busy school.

Run ``.venv/bin/python -m benchmarks.incidents_interventions`` (SQLite in a throwaway folder),
or with ``DATABASE_URL=postgres://...`` for PostgreSQL. It builds one school with 600 pupils,
3,000 incidents over the last year (150 children, one of them with 60) and 400 intervention
allocations with scores, signs in as the strategic attachment lead and times: the school's
incident page by half-term and by month, the busiest child's incidents, the intervention
catalogue with its impact, and one intervention's page. Figures go to stdout and
``benchmarks/results/incidents_interventions-<database>.json``.
"""

from __future__ import annotations

import random
import time

from benchmarks.common import save_results, setup_django, signed_in
from benchmarks.pupil_list import Figure, _measure

PUPILS, INCIDENTS, CHILDREN_WITH_INCIDENTS, ALLOCATIONS = 600, 3_000, 150, 400


def main() -> None:
    vendor = setup_django()
    from datetime import date, timedelta
    from decimal import Decimal

    from django.urls import reverse
    from django.utils import timezone

    from attune import testing
    from attune.accounts.roles import Role
    from attune.incidents.models import Incident
    from attune.interventions.models import Allocation, Intervention
    from attune.interventions.services import catalogue_start
    from attune.people.models import Pupil
    from attune.tenancy import school_scope

    rng = random.Random(7)
    now = timezone.now()
    today = timezone.localdate()
    school = testing.school("190301", "Benchmark Primary")
    lead = testing.user(school, Role.ATTACHMENT_LEAD)
    started = time.perf_counter()
    adults = [testing.staff(school, weekdays=()) for _ in range(10)]
    with school_scope(school):
        Pupil.objects.bulk_create(
            Pupil(
                school=school,
                upn=f"B{n:012d}",
                legal_forename=f"Child{n}",
                legal_surname=f"Bench{n:04d}",
                date_of_birth=date(2016, 1, 1),
                year_group=4,
            )
            for n in range(PUPILS)
        )
        pupils = list(Pupil.objects.order_by("legal_surname"))
        busiest = pupils[0]
        involved = pupils[:CHILDREN_WITH_INCIDENTS]
        Incident.objects.bulk_create(
            Incident(
                school=school,
                pupil=busiest if n < 60 else rng.choice(involved),
                occurred_at=now - timedelta(days=rng.randrange(1, 365), hours=rng.randrange(8)),
                place="the classroom",
                before="A change of plan.",
                how_regulated="A quiet space.",
                minutes_to_calm=rng.choice([None, *range(2, 60)]),
                recorded_by=lead,
            )
            for n in range(INCIDENTS)
        )
        catalogue_start(actor=lead, school=school)
        interventions = list(Intervention.objects.select_related("measure"))
        allocations = []
        for pupil in rng.sample(pupils, ALLOCATIONS):
            intervention = rng.choice(interventions)
            assert intervention.measure is not None
            low, high = int(intervention.measure.lowest), int(intervention.measure.highest)
            begun = today - timedelta(days=rng.randrange(60, 300))
            allocations.append(
                Allocation(
                    school=school,
                    pupil=pupil,
                    intervention=intervention,
                    measure=intervention.measure,
                    staff=rng.choice(adults),
                    started_on=begun,
                    baseline=Decimal(rng.randint(low, high)),
                    baseline_on=begun,
                    follow_up=Decimal(rng.randint(low, high)),
                    follow_up_on=begun + timedelta(days=50),
                )
            )
        Allocation.objects.bulk_create(allocations)
        elsa = next(i for i in interventions if i.name == "ELSA")
    built_s = time.perf_counter() - started
    client = signed_in(lead.email)
    urn = {"urn": school.urn}
    incidents = reverse("incidents:school", kwargs=urn)
    cases = {
        "incidents, by half-term": incidents,
        "incidents, by month": f"{incidents}?by=month",
        "a child with 60+ incidents": reverse(
            "incidents:pupil", kwargs=urn | {"pupil_id": busiest.pk}
        ),
        "intervention catalogue": reverse("interventions:catalogue", kwargs=urn),
        "one intervention": reverse(
            "interventions:intervention", kwargs=urn | {"intervention_id": elsa.pk}
        ),
    }
    figures: list[Figure] = [_measure(client, url, case) for case, url in cases.items()]

    print(
        f"Incidents ({INCIDENTS}) and interventions ({ALLOCATIONS} allocations) on {vendor} "
        f"(built in {built_s:.1f} s)"
    )
    print(f"{'case':<28}{'queries':>8}{'median ms':>11}{'p90 ms':>9}{'rows':>6}")
    for f in figures:
        print(f"{f.case:<28}{f.queries:>8}{f.median_ms:>11}{f.p90_ms:>9}{f.rows_shown:>6}")
    save_results(
        f"incidents_interventions-{vendor}",
        {"incidents": INCIDENTS, "allocations": ALLOCATIONS, "database": vendor},
        figures,
    )


if __name__ == "__main__":
    main()
