"""Writes for the belonging survey: set up a round, record a child's answers.

A named answer is about a child, so it is written to the audit record against that child. An
anonymous answer is logged against the round only, with nothing that points at the child.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from django.db import IntegrityError, transaction

from attune.accounts.models import User
from attune.auditlog.actions import Action
from attune.auditlog.record import record
from attune.auditlog.saving import save_recorded
from attune.belonging.domain.survey_template import default_template
from attune.belonging.models import SurveyMode, SurveyResponse, SurveyRound
from attune.belonging.selectors import answered_pupil_ids, cohort_flags, template_of
from attune.errors import AttuneError
from attune.people.models import YEAR_GROUP_LABELS, Pupil, School


class SurveyError(AttuneError):
    pass


def survey_round_create(
    *,
    actor: User | None,
    school: School,
    title: str,
    opens_on: date,
    closes_on: date,
    mode: str,
    year_groups: Iterable[int],
) -> SurveyRound:
    years = sorted(set(year_groups))
    if not title.strip():
        raise SurveyError(
            "Give the round a name, such as 'Autumn 2026'.", "belonging.no_title", "title"
        )
    if closes_on < opens_on:
        raise SurveyError(
            "The closing date must be on or after the opening date.",
            "belonging.dates",
            "closes_on",
        )
    if mode not in SurveyMode.values:
        raise SurveyError("Choose anonymous or named.", "belonging.mode", "mode")
    if not years or any(y not in YEAR_GROUP_LABELS for y in years):
        raise SurveyError(
            "Choose at least one year group to invite.", "belonging.no_year_groups", "year_groups"
        )
    template = default_template()
    survey_round = SurveyRound(
        school=school,
        title=title.strip(),
        template_id=template.id,
        template_version=template.version,
        opens_on=opens_on,
        closes_on=closes_on,
        mode=mode,
        year_groups=years,
        created_by=actor,
    )
    return save_recorded(
        Action.BELONGING_ROUND_CREATED,
        survey_round,
        actor=actor,
        changes={
            "title": survey_round.title,
            "opens_on": opens_on.isoformat(),
            "closes_on": closes_on.isoformat(),
            "mode": mode,
            "year_groups": years,
        },
    )


def _check_answers(survey_round: SurveyRound, answers: Mapping[str, int]) -> dict[str, int]:
    template = template_of(survey_round)
    known = set(template.statement_ids())
    for statement_id, value in answers.items():
        if statement_id not in known or not isinstance(value, int) or not template.allows(value):
            raise SurveyError(
                "One of the answers is not part of this survey.", "belonging.bad_answer", "answer"
            )
    if not answers:
        raise SurveyError(
            "Nothing was answered, so there is nothing to save.", "belonging.no_answers", "answer"
        )
    return dict(answers)


def survey_answer_record(
    *,
    actor: User,
    survey_round: SurveyRound,
    pupil: Pupil,
    answers: Mapping[str, int],
    today: date,
) -> SurveyResponse:
    """Save one child's answers. In an anonymous round the child is not kept, only their year
    group, the result groups they are in today and the day."""
    if not survey_round.is_open(today):
        raise SurveyError("This survey round is not open today.", "belonging.round_closed")
    if pupil.year_group not in survey_round.year_groups:
        raise SurveyError(
            "This child's year group is not taking part in this round.",
            "belonging.wrong_year",
            "pupil",
        )
    checked = _check_answers(survey_round, answers)
    flags = cohort_flags(pupil, today)
    with transaction.atomic():
        # One child at a time per round, so "already answered" cannot race.
        SurveyRound.objects.select_for_update(of=("self",)).filter(pk=survey_round.pk).first()
        if survey_round.is_named and pupil.pk in answered_pupil_ids(survey_round):
            raise SurveyError(
                f"{pupil.known_as} has already answered in this round.",
                "belonging.already_answered",
                "pupil",
            )
        try:
            with transaction.atomic():
                response = SurveyResponse.objects.create(
                    school_id=survey_round.school_id,
                    round=survey_round,
                    pupil=pupil if survey_round.is_named else None,
                    year_group=pupil.year_group,
                    answered_on=today,
                    answers=checked,
                    **flags,
                )
        except IntegrityError:
            raise SurveyError(
                f"{pupil.known_as} has already answered in this round.",
                "belonging.already_answered",
                "pupil",
            ) from None
        if survey_round.is_named:
            record(
                Action.BELONGING_RESPONSE_RECORDED,
                response,
                actor=actor,
                changes={"round": str(survey_round.pk), "answers": checked},
            )
        else:
            record(Action.BELONGING_ANONYMOUS_RESPONSE, survey_round, actor=actor)
    return response
