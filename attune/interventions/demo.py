"""Demo interventions: the usual catalogue and a year of children taking part, with scores.

Synthetic, like everything in the demo; idempotent per school. The generator calls
:func:`build_interventions` once the school's pupils and staff exist.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from attune.interventions.models import Allocation, Intervention, Measure
from attune.interventions.services import catalogue_start
from attune.people.models import Pupil, School, Staff
from attune.tenancy import school_scope

SHARE_OF_PUPILS = 0.08
FREQUENCIES = [
    "Once a week, 45 minutes",
    "Twice a week, 30 minutes",
    "Every morning, 10 minutes",
    "Three times a week, 20 minutes",
]


@dataclass(frozen=True, slots=True)
class DemoInterventions:
    interventions: int
    allocations: int


def build_interventions(school: School, rng: random.Random, today: date) -> DemoInterventions:
    with school_scope(school):
        if not Intervention.objects.exists():
            catalogue_start(actor=None, school=school)
        interventions = list(Intervention.objects.select_related("measure").order_by("name"))
        if Allocation.objects.exists():
            return DemoInterventions(len(interventions), Allocation.objects.count())
        pupils = list(Pupil.objects.order_by("upn"))
        staff = list(Staff.objects.filter(is_active=True).order_by("last_name", "first_name", "pk"))
        if not staff:
            return DemoInterventions(len(interventions), 0)
        chosen = rng.sample(pupils, k=int(len(pupils) * SHARE_OF_PUPILS))
        made = [
            _allocation(school, pupil, rng.choice(interventions), rng.choice(staff), rng, today)
            for pupil in chosen
        ]
        Allocation.objects.bulk_create(made)
        return DemoInterventions(len(interventions), len(made))


def _allocation(
    school: School,
    pupil: Pupil,
    intervention: Intervention,
    adult: Staff,
    rng: random.Random,
    today: date,
) -> Allocation:
    measure = intervention.measure or Measure.objects.order_by("name").first()
    if measure is None:
        raise ValueError("The demo needs at least one measure.")
    started = today - timedelta(days=rng.randrange(14, 330))
    lowest, highest = float(measure.lowest), float(measure.highest)
    span = highest - lowest
    baseline = lowest + span * rng.uniform(0.2, 0.6)
    ended = started + timedelta(days=rng.randrange(42, 100))
    finished = ended < today
    follow_up = None
    if finished and rng.random() < 0.85:
        # Most children move the good way, some not at all, a few the other way.
        step = span * rng.choice([0.15, 0.1, 0.08, 0.05, 0.0, -0.04])
        moved = baseline + (step if measure.higher_is_better else -step)
        follow_up = Decimal(round(min(max(moved, lowest), highest), 0))
    return Allocation(
        school=school,
        pupil=pupil,
        intervention=intervention,
        measure=measure,
        staff=adult,
        started_on=started,
        ended_on=ended if finished else None,
        frequency=rng.choice(FREQUENCIES),
        baseline=Decimal(round(baseline, 0)),
        baseline_on=started - timedelta(days=1),
        follow_up=follow_up,
        follow_up_on=ended if follow_up is not None else None,
    )
