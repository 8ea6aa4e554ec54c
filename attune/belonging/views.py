"""Belonging survey pages: rounds and results for leads, and the pupil kiosk on a tablet.

The kiosk keeps the child's answers in the adult's session, one statement per screen, and
saves them all at once when the child finishes; nothing is stored for a child who stops
part-way.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from attune.access.pages import school_view
from attune.accounts.roles import Permission
from attune.belonging.domain.results import (
    GroupResult,
    RoundResults,
    Score,
    change,
    hidden_text,
)
from attune.belonging.domain.survey_template import SurveyTemplate, default_template
from attune.belonging.forms import RoundForm
from attune.belonging.models import SurveyRound
from attune.belonging.selectors import (
    access_round,
    answered_pupil_ids,
    kiosk_pupil,
    kiosk_pupils,
    open_rounds,
    previous_round,
    results_of,
    survey_rounds,
    template_of,
    year_labels,
)
from attune.belonging.services import SurveyError, survey_answer_record, survey_round_create
from attune.errors import show_on_form
from attune.http import SchoolRequest
from attune.people.models import Pupil

MANAGE = Permission.MANAGE_SURVEYS
KIOSK = Permission.RUN_SURVEY_KIOSK
SESSION_KEY = "belonging_kiosk"
DASH = "\u2013"  # shown where there is no figure to show
MINUS = "\u2212"


# --- rounds and results (leads) ---------------------------------------------------------


@school_view(MANAGE)
def round_list(request: SchoolRequest, urn: str) -> HttpResponse:
    years = sorted(set(Pupil.objects.values_list("year_group", flat=True)))
    form = RoundForm(request.POST or None, years=years)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            survey_round = survey_round_create(
                actor=request.user,
                school=request.school,
                title=data["title"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                mode=data["mode"],
                year_groups=data["year_groups"],
            )
        except SurveyError as failure:
            show_on_form(form, failure)
        else:
            messages.success(request, f"{survey_round.title} is set up.")
            return redirect("belonging:round_list", urn=urn)
    rounds = list(survey_rounds())
    return render(
        request,
        "belonging/rounds.html",
        {"form": form, "rounds": rounds, "template": _citation_template(rounds)},
    )


def _citation_template(rounds: list[SurveyRound]) -> SurveyTemplate:
    return template_of(rounds[0]) if rounds else default_template()


def _score_text(score: Score | None) -> str:
    if score is None:
        return DASH
    if score.value is None:
        return hidden_text(score.hidden) or "no answers"
    return f"{score.value:.0f}"


def _change_text(points: float | None) -> str:
    if points is None:
        return DASH
    rounded = round(points)
    return f"+{rounded}" if rounded > 0 else (MINUS + str(-rounded) if rounded < 0 else "0")


def _group_row(
    group: GroupResult, previous: RoundResults | None, strand_ids: list[str]
) -> dict[str, Any]:
    before = previous.group(group.key) if previous else None
    return {
        "label": group.label,
        "respondents": (
            str(group.respondents.value)
            if group.respondents.value is not None
            else hidden_text(group.respondents)
        ),
        "hidden": group.respondents.suppressed,
        "cells": [
            {
                "score": _score_text(group.strands[s]),
                "change": _change_text(
                    change(group.strands[s], before.strands.get(s) if before else None)
                ),
            }
            for s in strand_ids
        ],
    }


def _statement_rows(
    template: SurveyTemplate, group: GroupResult, before: GroupResult | None
) -> list[dict[str, Any]]:
    rows = []
    for strand, statement in template.statements():
        score = group.statements[statement.id]
        earlier = before.statements.get(statement.id) if before else None
        rows.append(
            {
                "strand": strand.title,
                "text": statement.text,
                "score": _score_text(score),
                "previous": _score_text(earlier) if before else DASH,
                "change": _change_text(change(score, earlier)),
            }
        )
    return rows


def _bars(group: GroupResult, template: SurveyTemplate) -> list[dict[str, Any]]:
    """The all-pupils chart: one bar per strand (the table beside it holds the same figures)."""
    bars = []
    for n, strand in enumerate(template.strands):
        score = group.strands[strand.id]
        width = round(score.value * 3) if score.value is not None else 0
        bars.append(
            {"y": 10 + n * 40, "title": strand.title, "width": width, "text": _score_text(score)}
        )
    return bars


@school_view(MANAGE)
def round_results(request: SchoolRequest, urn: str, round_id: uuid.UUID) -> HttpResponse:
    survey_round = access_round(round_id)
    template = template_of(survey_round)
    results = results_of(survey_round, template)
    earlier_round = previous_round(survey_round)
    earlier = results_of(earlier_round, template_of(earlier_round)) if earlier_round else None
    strand_ids = [s.id for s in template.strands]
    group_key = request.GET.get("group", "all")
    group = results.group(group_key) or results.all_pupils
    context = {
        "round": survey_round,
        "template": template,
        "years": ", ".join(year_labels(survey_round).values()),
        "previous_round": earlier_round,
        "all_pupils": _group_row(results.all_pupils, earlier, strand_ids),
        "year_rows": [_group_row(g, earlier, strand_ids) for g in results.year_groups],
        "cohort_rows": [_group_row(g, earlier, strand_ids) for g in results.cohorts],
        "groups": results.groups(),
        "group": group,
        "statement_rows": _statement_rows(
            template, group, earlier.group(group.key) if earlier else None
        ),
        "bars": _bars(results.all_pupils, template),
    }
    return render(request, "belonging/results.html", context)


# --- the pupil kiosk --------------------------------------------------------------------


@school_view(KIOSK)
def kiosk_home(request: SchoolRequest, urn: str) -> HttpResponse:
    rounds = list(open_rounds(timezone.localdate()))
    return render(request, "belonging/kiosk_home.html", {"rounds": rounds})


def _open_round(round_id: uuid.UUID) -> SurveyRound | None:
    survey_round = access_round(round_id)
    return survey_round if survey_round.is_open(timezone.localdate()) else None


@school_view(KIOSK)
def kiosk_choose(request: SchoolRequest, urn: str, round_id: uuid.UUID) -> HttpResponse:
    """The adult chooses the child who will answer next (needed in both modes: the child's
    year group and result groups come from their record; the name is kept only if named)."""
    survey_round = _open_round(round_id)
    if survey_round is None:
        return render(request, "belonging/kiosk_closed.html", status=409)
    error = ""
    if request.method == "POST":
        pupil = kiosk_pupil(request.membership, survey_round, request.POST.get("pupil", ""))
        if pupil is None:
            error = "Choose a child from the list."
        elif survey_round.is_named and pupil.pk in answered_pupil_ids(survey_round):
            error = f"{pupil.known_as} has already answered in this round."
        else:
            request.session[SESSION_KEY] = {
                "round": str(survey_round.pk),
                "pupil": str(pupil.pk),
                "name": pupil.known_as if survey_round.is_named else "",
                "step": 0,
                "answers": {},
            }
            return redirect("belonging:kiosk_answer", urn=urn, round_id=survey_round.pk)
    labels = year_labels(survey_round)
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = next(iter(labels))
    pupils = list(kiosk_pupils(request.membership, survey_round, year))
    done = answered_pupil_ids(survey_round) if survey_round.is_named else set()
    context = {
        "round": survey_round,
        "years": labels.items(),
        "year": year,
        "pupils": [{"pupil": p, "done": p.pk in done} for p in pupils],
        "error": error,
    }
    return render(request, "belonging/kiosk_choose.html", context, status=422 if error else 200)


def _state(request: SchoolRequest, survey_round: SurveyRound) -> dict[str, Any] | None:
    state = request.session.get(SESSION_KEY)
    if not isinstance(state, dict) or state.get("round") != str(survey_round.pk):
        return None
    return state


def _apply(state: dict[str, Any], template: SurveyTemplate, post: Any) -> None:
    """Move the kiosk on one screen (or back one) from what the child pressed."""
    ids = template.statement_ids()
    step = int(state["step"])
    if "back" in post:
        state["step"] = max(step - 1, 0)
        return
    if step >= len(ids):
        return
    answer = post.get("answer", "")
    if answer == "skip":
        state["answers"].pop(ids[step], None)
    elif answer.isdigit() and template.allows(int(answer)):
        state["answers"][ids[step]] = int(answer)
    else:
        return
    state["step"] = step + 1


@school_view(KIOSK)
def kiosk_answer(request: SchoolRequest, urn: str, round_id: uuid.UUID) -> HttpResponse:
    """One statement per screen, then the finish screen; the child's answers save on Finish."""
    survey_round = _open_round(round_id)
    if survey_round is None:
        return render(request, "belonging/kiosk_closed.html", status=409)
    state = _state(request, survey_round)
    if state is None:
        return redirect("belonging:kiosk_choose", urn=urn, round_id=survey_round.pk)
    template = template_of(survey_round)
    error = ""
    if request.method == "POST":
        if "finish" in request.POST:
            error = _finish(request, survey_round, state)
            if not error:
                return redirect("belonging:kiosk_thanks", urn=urn, round_id=survey_round.pk)
        else:
            _apply(state, template, request.POST)
            request.session.modified = True
            return redirect("belonging:kiosk_answer", urn=urn, round_id=survey_round.pk)
    statements = list(template.statements())
    step = int(state["step"])
    context: dict[str, Any] = {
        "round": survey_round,
        "template": template,
        "name": state.get("name", ""),
        "total": len(statements),
        "answered": len(state["answers"]),
        "error": error,
    }
    if step >= len(statements):
        return render(request, "belonging/kiosk_finish.html", context, status=422 if error else 200)
    strand, statement = statements[step]
    context |= {
        "strand": strand,
        "statement": statement,
        "number": step + 1,
        "chosen": state["answers"].get(statement.id),
        "scale": list(reversed(template.scale)),  # the happiest face first
    }
    return render(request, "belonging/kiosk_statement.html", context)


def _finish(request: SchoolRequest, survey_round: SurveyRound, state: dict[str, Any]) -> str:
    """Save the answers; the kiosk forgets the child either way. Returns an error, or ""."""
    pupil = kiosk_pupil(request.membership, survey_round, state.get("pupil", ""))
    try:
        if pupil is None:
            raise SurveyError("This child is no longer on the list.", "belonging.no_pupil")
        survey_answer_record(
            actor=request.user,
            survey_round=survey_round,
            pupil=pupil,
            answers=state["answers"],
            today=timezone.localdate(),
        )
    except SurveyError as failure:
        if failure.code == "belonging.no_answers":
            return "Choose a face for at least one sentence, or ask an adult to help."
        request.session.pop(SESSION_KEY, None)
        return failure.message
    request.session.pop(SESSION_KEY, None)
    return ""


@school_view(KIOSK)
def kiosk_thanks(request: SchoolRequest, urn: str, round_id: uuid.UUID) -> HttpResponse:
    survey_round = access_round(round_id)
    return render(request, "belonging/kiosk_thanks.html", {"round": survey_round})
