"""Reads for the belonging survey: rounds, the kiosk's list of children, and results."""

from __future__ import annotations

import uuid
from datetime import date

from django.db.models import Count, QuerySet
from django.http import Http404

from attune.access.children import visible_pupils
from attune.accounts.models import Membership
from attune.belonging.domain.results import Answered, RoundResults, Scale, round_results
from attune.belonging.domain.survey_template import (
    SurveyTemplate,
    default_template,
    shipped_templates,
)
from attune.belonging.models import SurveyResponse, SurveyRound
from attune.people.models import YEAR_GROUP_LABELS, Cohort, CohortMembership, Pupil

# The groups results are shown for, each against all pupils: the field on SurveyResponse,
# its label, and the cohorts (people.Cohort) that put a child in it on the day they answer.
COHORT_GROUPS: dict[str, tuple[str, frozenset[str]]] = {
    "looked_after": ("Looked after", frozenset({Cohort.LOOKED_AFTER})),
    "social_worker": (
        "Has or had a social worker",
        frozenset({Cohort.CHILD_IN_NEED, Cohort.CHILD_PROTECTION_PLAN, Cohort.SOCIAL_WORKER_EVER6}),
    ),
    "send": ("SEND (SEN support or an EHC plan)", frozenset({Cohort.SEN_SUPPORT, Cohort.EHC_PLAN})),
    "fsm": ("Free school meals", frozenset({Cohort.FSM})),
}


def survey_rounds() -> QuerySet[SurveyRound]:
    return SurveyRound.objects.annotate(response_count=Count("responses"))


def access_round(round_id: uuid.UUID | str) -> SurveyRound:
    """A round of the open school, or the same 404 whether missing or another school's."""
    survey_round = SurveyRound.objects.filter(pk=round_id).first()
    if survey_round is None:
        raise Http404
    return survey_round


def open_rounds(today: date) -> QuerySet[SurveyRound]:
    return SurveyRound.objects.filter(opens_on__lte=today, closes_on__gte=today)


def template_of(survey_round: SurveyRound) -> SurveyTemplate:
    template = shipped_templates().get((survey_round.template_id, survey_round.template_version))
    return template or default_template()


def year_labels(survey_round: SurveyRound) -> dict[int, str]:
    return {
        year: YEAR_GROUP_LABELS.get(year, str(year)) for year in sorted(survey_round.year_groups)
    }


def kiosk_pupils(membership: Membership, survey_round: SurveyRound, year: int) -> QuerySet[Pupil]:
    """The children of one invited year group this adult may see, by name."""
    if year not in survey_round.year_groups:
        return Pupil.objects.none()
    return (
        visible_pupils(membership)
        .filter(year_group=year)
        .order_by("legal_forename", "legal_surname")
    )


def kiosk_pupil(membership: Membership, survey_round: SurveyRound, pupil_id: str) -> Pupil | None:
    try:
        key = uuid.UUID(pupil_id)
    except ValueError:
        return None
    return (
        visible_pupils(membership).filter(pk=key, year_group__in=survey_round.year_groups).first()
    )


def answered_pupil_ids(survey_round: SurveyRound) -> set[uuid.UUID]:
    """Children who have answered a named round (always empty for an anonymous one)."""
    ids = SurveyResponse.objects.filter(round=survey_round, pupil__isnull=False).values_list(
        "pupil_id", flat=True
    )
    return {i for i in ids if i is not None}


def cohort_flags(pupil: Pupil, on: date) -> dict[str, bool]:
    """Which result groups the child is in on the day: one flag per ``COHORT_GROUPS`` key."""
    current = {
        m.cohort
        for m in CohortMembership.objects.filter(pupil=pupil, start_date__lte=on)
        if m.is_current(on)
    }
    return {key: bool(current & cohorts) for key, (_, cohorts) in COHORT_GROUPS.items()}


def previous_round(survey_round: SurveyRound) -> SurveyRound | None:
    """The latest round of the same survey that opened before this one."""
    return (
        SurveyRound.objects.filter(
            template_id=survey_round.template_id, opens_on__lt=survey_round.opens_on
        )
        .order_by("-opens_on", "-created_at")
        .first()
    )


def results_of(survey_round: SurveyRound, template: SurveyTemplate) -> RoundResults:
    fields = list(COHORT_GROUPS)
    rows = SurveyResponse.objects.filter(round=survey_round).values_list(
        "year_group", "answers", *fields
    )
    responses = [
        Answered(
            year_group=row[0],
            cohorts=frozenset(f for f, flag in zip(fields, row[2:], strict=True) if flag),
            answers={k: v for k, v in row[1].items() if isinstance(v, int)},
        )
        for row in rows
    ]
    return round_results(
        responses,
        shape=template.shape(),
        scale=Scale(template.lowest, template.highest),
        year_groups=year_labels(survey_round),
        cohorts={key: label for key, (label, _) in COHORT_GROUPS.items()},
    )
