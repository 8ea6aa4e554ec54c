"""Demo belonging survey: two finished rounds (summer anonymous, autumn named) with answers.

Synthetic, like everything in the demo. Children in the cohorts the results are grouped by
answer a little less positively in summer and catch up a little by autumn, so the results and
the comparison have something to show. Idempotent per school.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

from attune.accounts.models import Membership
from attune.accounts.roles import Role
from attune.belonging.domain.survey_template import SurveyTemplate, default_template
from attune.belonging.models import SurveyMode, SurveyResponse, SurveyRound
from attune.belonging.selectors import COHORT_GROUPS
from attune.people.models import CohortMembership, Pupil, School
from attune.tenancy import school_scope

YEARS = [2, 3, 4, 5, 6]
TAKE_PART = 0.8  # share of invited children who answer


def build_belonging(school: School, rng: random.Random, today: date) -> list[SurveyRound]:
    """Create the demo rounds for ``school`` (nothing if it already has a round)."""
    with school_scope(school):
        if SurveyRound.objects.exists():
            return []
        lead = (
            Membership.objects.filter(school=school, role=Role.ATTACHMENT_LEAD)
            .select_related("user")
            .first()
        )
        template = default_template()
        years = [y for y in YEARS if Pupil.objects.filter(year_group=y).exists()]
        if not years:
            return []
        plans = [
            ("Summer 2026", today - timedelta(days=160), SurveyMode.ANONYMOUS, 0.0),
            ("Autumn 2026", today - timedelta(days=21), SurveyMode.NAMED, 0.08),
        ]
        rounds = []
        for title, opens_on, mode, lift in plans:
            survey_round = SurveyRound.objects.create(
                school=school,
                title=title,
                template_id=template.id,
                template_version=template.version,
                opens_on=opens_on,
                closes_on=opens_on + timedelta(days=11),
                mode=mode,
                year_groups=years,
                created_by=lead.user if lead else None,
            )
            _answers(school, survey_round, template, rng, lift)
            rounds.append(survey_round)
        return rounds


def _answers(
    school: School,
    survey_round: SurveyRound,
    template: SurveyTemplate,
    rng: random.Random,
    lift: float,
) -> None:
    flags = _flags(survey_round.opens_on)
    responses = []
    for pupil in Pupil.objects.filter(year_group__in=survey_round.year_groups).order_by("upn"):
        if rng.random() > TAKE_PART:
            continue
        mine = flags.get(pupil.pk, set())
        happy = 0.62 + lift - (0.12 if mine else 0.0) + rng.uniform(-0.15, 0.15)
        answers = {}
        for statement_id in template.statement_ids():
            if rng.random() < 0.03:
                continue  # skipped
            roll = rng.random()
            answers[statement_id] = 3 if roll < happy else (2 if roll < happy + 0.25 else 1)
        responses.append(
            SurveyResponse(
                school=school,
                round=survey_round,
                pupil=pupil if survey_round.is_named else None,
                year_group=pupil.year_group,
                answered_on=survey_round.opens_on + timedelta(days=rng.randrange(10)),
                answers=answers,
                **{key: key in mine for key in COHORT_GROUPS},
            )
        )
    SurveyResponse.objects.bulk_create(responses, batch_size=500)


def _flags(on: date) -> dict[object, set[str]]:
    """Pupil id -> the result groups they are in on the day."""
    flags: dict[object, set[str]] = defaultdict(set)
    for membership in CohortMembership.objects.filter(start_date__lte=on):
        if not membership.is_current(on):
            continue
        for key, (_, cohorts) in COHORT_GROUPS.items():
            if membership.cohort in cohorts:
                flags[membership.pupil_id].add(key)
    return flags
