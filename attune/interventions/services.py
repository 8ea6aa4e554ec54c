"""Writes for interventions: the catalogue, scales, and children's allocations with scores.

Each function validates, saves in one transaction and writes the audit event inside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from attune.accounts.models import User
from attune.auditlog.actions import Action
from attune.auditlog.record import record
from attune.auditlog.saving import save_recorded, update_recorded
from attune.errors import AttuneError
from attune.interventions.domain.impact import in_range
from attune.interventions.models import Allocation, Intervention, Measure
from attune.people.models import Pupil, School, Staff


class InterventionError(AttuneError):
    pass


@dataclass(frozen=True, slots=True)
class DefaultMeasure:
    name: str
    description: str
    lowest: int
    highest: int
    higher_is_better: bool


@dataclass(frozen=True, slots=True)
class DefaultIntervention:
    name: str
    description: str
    measure: str


DEFAULT_MEASURES = (
    DefaultMeasure(
        "SDQ total difficulties",
        "The total difficulties score from the Strengths and Difficulties Questionnaire.",
        0,
        40,
        False,
    ),
    DefaultMeasure(
        "Boxall Profile: developmental strands",
        "The developmental strands total from the Boxall Profile. Check the range against "
        "the version your school uses.",
        0,
        136,
        True,
    ),
    DefaultMeasure(
        "How I feel (child's own rating)",
        "The child rates how they are getting on, from 1 (really hard) to 10 (really good).",
        1,
        10,
        True,
    ),
    DefaultMeasure(
        "Reading age in months",
        "From the school's usual reading assessment.",
        48,
        216,
        True,
    ),
)

DEFAULT_INTERVENTIONS = (
    DefaultIntervention(
        "ELSA",
        "Weekly sessions with the school's Emotional Literacy Support Assistant, working on "
        "one agreed goal such as naming feelings, friendships or managing worry.",
        "How I feel (child's own rating)",
    ),
    DefaultIntervention(
        "Nurture group",
        "A small, predictable group in a homely room, with shared food and play, for children "
        "who need more practice at feeling safe in school.",
        "Boxall Profile: developmental strands",
    ),
    DefaultIntervention(
        "Sensory circuits",
        "A short morning sequence of alerting, organising and calming movement to help a "
        "child arrive ready to learn.",
        "How I feel (child's own rating)",
    ),
    DefaultIntervention(
        "Theraplay",
        "Playful, adult-led sessions, usually with a parent or carer, that build trust and "
        "connection through structure, engagement, nurture and challenge.",
        "SDQ total difficulties",
    ),
    DefaultIntervention(
        "Literacy catch-up",
        "Short, frequent one-to-one or small-group reading sessions with a familiar adult.",
        "Reading age in months",
    ),
)


def catalogue_start(*, actor: User | None, school: School) -> int:
    """Add the usual interventions and scales the school does not have yet; returns how many."""
    with transaction.atomic():
        have = set(Measure.objects.values_list("name", flat=True))
        measures = {m.name: m for m in Measure.objects.all()}
        for default in DEFAULT_MEASURES:
            if default.name not in have:
                measures[default.name] = Measure.objects.create(
                    school=school,
                    name=default.name,
                    description=default.description,
                    lowest=Decimal(default.lowest),
                    highest=Decimal(default.highest),
                    higher_is_better=default.higher_is_better,
                )
        names = set(Intervention.objects.values_list("name", flat=True))
        added = [
            Intervention(
                school=school,
                name=d.name,
                description=d.description,
                measure=measures.get(d.measure),
            )
            for d in DEFAULT_INTERVENTIONS
            if d.name not in names
        ]
        Intervention.objects.bulk_create(added)
        record(
            Action.INTERVENTIONS_STARTED,
            school,
            actor=actor,
            changes={"added": [i.name for i in added]},
        )
    return len(added)


def measure_add(
    *,
    actor: User,
    school: School,
    name: str,
    description: str,
    lowest: Decimal,
    highest: Decimal,
    higher_is_better: bool,
) -> Measure:
    name = name.strip()
    if highest <= lowest:
        raise InterventionError(
            "The highest score needs to be above the lowest.", "measure.range", "highest"
        )
    if Measure.objects.filter(name__iexact=name).exists():
        raise InterventionError(
            "There is already a scale with this name.", "measure.duplicate", "name"
        )
    measure = Measure(
        school=school,
        name=name,
        description=description.strip(),
        lowest=lowest,
        highest=highest,
        higher_is_better=higher_is_better,
    )
    return save_recorded(
        Action.MEASURE_ADDED,
        measure,
        actor=actor,
        changes={"name": name, "lowest": str(lowest), "highest": str(highest)},
    )


def intervention_save(
    *,
    actor: User,
    school: School,
    intervention: Intervention | None,
    name: str,
    description: str,
    measure: Measure | None,
    is_active: bool,
) -> Intervention:
    """Add an intervention to the catalogue (``intervention=None``) or change one."""
    name = name.strip()
    others = Intervention.objects.filter(name__iexact=name)
    if intervention is not None:
        others = others.exclude(pk=intervention.pk)
    if others.exists():
        raise InterventionError(
            "There is already an intervention with this name.", "intervention.duplicate", "name"
        )
    values: dict[str, Any] = {
        "name": name,
        "description": description.strip(),
        "measure": measure,
        "is_active": is_active,
    }
    if intervention is None:
        added = Intervention(school=school, **values)
        return save_recorded(Action.INTERVENTION_ADDED, added, actor=actor, changes={"name": name})
    return update_recorded(
        Action.INTERVENTION_CHANGED, intervention, values, actor=actor, logged=str
    )


@dataclass(frozen=True, slots=True)
class AllocationDetails:
    """What a person fills in for an allocation (new or changed)."""

    staff: Staff
    started_on: date
    ended_on: date | None
    frequency: str
    baseline: Decimal | None
    baseline_on: date | None
    follow_up: Decimal | None
    follow_up_on: date | None


def score_text(score: Decimal | float) -> str:
    """A score without trailing zeros: 12, 12.5."""
    return f"{float(score):g}"


def _check(details: AllocationDetails, measure: Measure, today: date) -> None:
    d = details
    if d.ended_on is not None and d.ended_on < d.started_on:
        raise InterventionError(
            "The end date needs to be on or after the start date.",
            "allocation.ends_early",
            "ended_on",
        )
    for score, on, field in (
        (d.baseline, d.baseline_on, "baseline"),
        (d.follow_up, d.follow_up_on, "follow_up"),
    ):
        if (score is None) != (on is None):
            raise InterventionError(
                "Give both the score and the date it was taken.", f"{field}.incomplete", field
            )
        if on is not None and on > today:
            raise InterventionError(
                "The date a score was taken cannot be in the future.",
                f"{field}.future",
                f"{field}_on",
            )
        if score is not None and not in_range(
            float(score), lowest=float(measure.lowest), highest=float(measure.highest)
        ):
            raise InterventionError(
                f"{measure.name} runs from {score_text(measure.lowest)} "
                f"to {score_text(measure.highest)}.",
                f"{field}.out_of_range",
                field,
            )
    if d.follow_up is not None and d.baseline is None:
        raise InterventionError(
            "Record the baseline before a follow-up, so there is something to compare.",
            "follow_up.no_baseline",
            "follow_up",
        )
    if d.follow_up_on is not None and d.baseline_on is not None and d.follow_up_on <= d.baseline_on:
        raise InterventionError(
            "The follow-up needs to be taken after the baseline.",
            "follow_up.before_baseline",
            "follow_up_on",
        )


def _fields(details: AllocationDetails) -> dict[str, Any]:
    return {
        "staff": details.staff,
        "started_on": details.started_on,
        "ended_on": details.ended_on,
        "frequency": details.frequency.strip(),
        "baseline": details.baseline,
        "baseline_on": details.baseline_on,
        "follow_up": details.follow_up,
        "follow_up_on": details.follow_up_on,
    }


def _logged_value(value: Any) -> str | None:
    return str(value) if value is not None else None


def _logged(values: dict[str, Any]) -> dict[str, Any]:
    return {k: _logged_value(v) for k, v in values.items()}


def allocation_add(
    *,
    actor: User,
    pupil: Pupil,
    intervention: Intervention,
    measure: Measure | None,
    details: AllocationDetails,
    today: date,
) -> Allocation:
    """Allocate a child; ``measure=None`` uses the intervention's usual measure."""
    measure = measure or intervention.measure
    if measure is None:
        raise InterventionError(
            f"{intervention.name} has no usual measure: choose the scale you will use.",
            "allocation.no_measure",
            "measure",
        )
    _check(details, measure, today)
    if Allocation.objects.filter(
        pupil=pupil, intervention=intervention, ended_on__isnull=True
    ).exists():
        raise InterventionError(
            f"{pupil.known_as} is already taking part in {intervention.name}. End that "
            "allocation first, or change its dates.",
            "allocation.duplicate",
            "intervention",
        )
    allocation = Allocation(
        school_id=pupil.school_id,
        pupil=pupil,
        intervention=intervention,
        measure=measure,
        created_by=actor,
        **_fields(details),
    )
    return save_recorded(
        Action.ALLOCATION_ADDED,
        allocation,
        actor=actor,
        changes=_logged({"intervention": intervention.name, **_fields(details)}),
    )


def allocation_update(
    *,
    actor: User,
    allocation: Allocation,
    details: AllocationDetails,
    today: date,
) -> Allocation:
    """Change dates, who runs it, or record the baseline and follow-up scores."""
    _check(details, allocation.measure, today)
    return update_recorded(
        Action.ALLOCATION_CHANGED, allocation, _fields(details), actor=actor, logged=_logged_value
    )
