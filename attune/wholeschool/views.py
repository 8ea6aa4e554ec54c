"""The Relational Approaches Audit pages: list, answer (with autosave), results, action plan,
and its CSV and PDF downloads."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from attune import csv_files, pdf
from attune.access.pages import school_view
from attune.accounts.roles import Permission
from attune.errors import show_on_form
from attune.http import SchoolRequest
from attune.wholeschool import exports, hub
from attune.wholeschool.domain import audit_scoring
from attune.wholeschool.domain.audit_template import AuditTemplate
from attune.wholeschool.forms import (
    ActionPlanForm,
    ActionStatusForm,
    RelationalAuditAnswersForm,
    slug,
)
from attune.wholeschool.models import RelationalAuditAction, RelationalAuditRun
from attune.wholeschool.selectors import (
    action_owners,
    actions_of,
    answers_of,
    comparable_runs,
    notes_of,
    ratings_of,
    relational_audit_run,
    relational_audit_runs,
    template_of,
)
from attune.wholeschool.services import (
    RelationalAuditError,
    relational_audit_action_status_set,
    relational_audit_actions_create,
    relational_audit_answers_save,
    relational_audit_complete,
    relational_audit_notes_save,
    relational_audit_start,
)

RUN = Permission.RUN_RELATIONAL_AUDIT
MOVEMENT_LABELS = {
    audit_scoring.Movement.IMPROVED: "Improved",
    audit_scoring.Movement.SLIPPED: "Slipped",
    audit_scoring.Movement.UNCHANGED: "Unchanged",
    audit_scoring.Movement.NEWLY_RATED: "Newly rated",
    audit_scoring.Movement.NO_LONGER_RATED: "No longer rated",
    audit_scoring.Movement.NOT_RATED: "Not rated",
}


@school_view()
def whole_school(request: SchoolRequest, urn: str) -> HttpResponse:
    links = hub.links_for(request.membership, urn)
    return render(request, "wholeschool/hub.html", {"links": links})


@school_view(RUN)
def relational_audit_list(request: SchoolRequest, urn: str) -> HttpResponse:
    if request.method == "POST":
        run = relational_audit_start(
            actor=request.user, school=request.school, today=timezone.localdate()
        )
        return redirect("wholeschool:relational_audit_edit", urn=urn, run_id=run.pk)
    runs = list(relational_audit_runs())
    return render(request, "wholeschool/audit_list.html", {"runs": runs})


def _answers_form(
    run: RelationalAuditRun, template: AuditTemplate, data: Any
) -> RelationalAuditAnswersForm:
    return RelationalAuditAnswersForm(
        data, template=template, answers=answers_of(run), notes=notes_of(run)
    )


def _layout(form: RelationalAuditAnswersForm) -> list[dict[str, Any]]:
    """Areas, sections and items with their bound fields, in the template's order."""
    areas = []
    for area in form.template.areas:
        sections = []
        for section in area.sections:
            key = f"{area.id}.{section.id}"
            items = [
                {
                    "item": item,
                    "number": number,
                    "slug": slug(item.id),
                    "rating": form[f"r-{slug(item.id)}"],
                    "evidence": form[f"e-{slug(item.id)}"],
                    "next_steps": form[f"n-{slug(item.id)}"],
                }
                for number, item in enumerate(section.items, 1)
            ]
            notes = form[f"notes-{slug(key)}"]
            sections.append({"section": section, "slug": slug(key), "items": items, "notes": notes})
        areas.append({"area": area, "sections": sections})
    return areas


def _sections(areas: list[dict[str, Any]], rated: dict[str, str | None]) -> list[dict[str, Any]]:
    """Every section in order, each with its area and how many of its statements are rated."""
    flat = []
    for number, area in enumerate(areas, 1):
        for section in area["sections"]:
            done = sum(1 for it in section["items"] if rated.get(it["item"].id))
            section["rated"], section["total"] = done, len(section["items"])
            flat.append({"area": area["area"], "area_number": number, **section})
            flat[-1]["index"] = len(flat) - 1
    return flat


def _chosen_section(request: SchoolRequest, count: int) -> int | None:
    """The section asked for (``?section=``): the first by default, None for every one."""
    wanted = request.GET.get("section", "0")
    if wanted == "all":
        return None
    try:
        return min(max(int(wanted), 0), count - 1)
    except ValueError:
        return 0


def _posted(form: RelationalAuditAnswersForm, data: Any) -> tuple[list[str], list[str]]:
    """The items and section notes on the page that was sent (a section, or the whole audit):
    only those are saved, so a section's page never blanks another's answers."""
    items = [i for i in form.template.item_ids() if any(f"{f}-{slug(i)}" in data for f in "ren")]
    keys = [f"{a.id}.{s.id}" for a in form.template.areas for s in a.sections]
    return items, [k for k in keys if f"notes-{slug(k)}" in data]


@school_view(RUN)
def relational_audit_edit(request: SchoolRequest, urn: str, run_id: uuid.UUID) -> HttpResponse:
    """The audit a section at a time (``?section=all`` for every section on one page)."""
    run = relational_audit_run(run_id)
    if not run.is_draft:
        return redirect("wholeschool:relational_audit_results", urn=urn, run_id=run.pk)
    template = template_of(run)
    form = _answers_form(run, template, request.POST or None)
    edit_url = reverse("wholeschool:relational_audit_edit", kwargs={"urn": urn, "run_id": run.pk})
    error = None
    if request.method == "POST" and form.is_valid():
        items, notes = _posted(form, request.POST)
        try:
            answers = {item_id: form.answer(item_id) for item_id in items}
            relational_audit_answers_save(actor=request.user, run=run, answers=answers)
            relational_audit_notes_save(actor=request.user, run=run, notes=form.notes(notes))
            if "complete" in request.POST:
                relational_audit_complete(actor=request.user, run=run, today=timezone.localdate())
                messages.success(request, "The audit is complete. Here is where the school is.")
                return redirect("wholeschool:relational_audit_results", urn=urn, run_id=run.pk)
        except RelationalAuditError as failure:
            error = failure
        else:
            goto = request.POST.get("goto", "")
            if goto:  # on to another section: each answer is already saved
                return redirect(f"{edit_url}?section={goto}")
            messages.success(request, "Your answers are saved.")
            return redirect(request.get_full_path())
    rated = ratings_of(run)
    areas = _layout(form)
    sections = _sections(areas, rated)
    chosen = _chosen_section(request, len(sections))
    shown = sections if chosen is None else [sections[chosen]]
    context = {
        "run": run,
        "template": template,
        "form": form,
        "areas": areas,
        "sections": sections,
        "shown": shown,
        "chosen": chosen,
        "previous": None if not chosen else sections[chosen - 1],
        "following": (
            sections[chosen + 1] if chosen is not None and chosen + 1 < len(sections) else None
        ),
        "error": error,
        "rated_count": sum(1 for r in rated.values() if r),
        "item_count": len(template.item_ids()),
    }
    return render(request, "wholeschool/audit_edit.html", context)


@school_view(RUN)
def relational_audit_autosave(request: SchoolRequest, urn: str, run_id: uuid.UUID) -> HttpResponse:
    """HTMX: save one item (``?item=``) or one section's notes (``?section=``) as it changes;
    the answer also moves the progress counts on the page (out-of-band swaps)."""
    run = relational_audit_run(run_id)
    if request.method != "POST":
        return HttpResponse(status=405)
    template = template_of(run)
    form = _answers_form(run, template, request.POST)
    item_id, section = request.GET.get("item", ""), request.GET.get("section", "")
    if not form.is_valid():
        return HttpResponse("Not saved: please use the Save button.", status=422)
    try:
        if item_id:
            relational_audit_answers_save(
                actor=request.user, run=run, answers={item_id: form.answer(item_id)}
            )
        elif section:
            relational_audit_notes_save(actor=request.user, run=run, notes=form.notes([section]))
        else:
            raise RelationalAuditError("Nothing to save.", "audit.nothing")
    except (RelationalAuditError, KeyError) as failure:
        message = (
            failure.message
            if isinstance(failure, RelationalAuditError)
            else "That is not part of this audit."
        )
        return HttpResponse(f"Not saved: {message}", status=422)
    rated = ratings_of(run)
    context = {
        "saved_at": timezone.localtime().strftime("%H:%M"),
        "sections": _sections(_layout(_answers_form(run, template, None)), rated),
        "rated_count": sum(1 for r in rated.values() if r),
        "item_count": len(template.item_ids()),
        "item_id": item_id,
    }
    return render(request, "wholeschool/_audit_saved.html", context)


@dataclass(frozen=True)
class _SectionRow:
    key: str
    title: str
    tally: audit_scoring.Tally
    is_area: bool


def _rows(result: audit_scoring.AuditResult) -> list[_SectionRow]:
    rows = []
    for area in result.areas:
        rows.append(_SectionRow(area.area_id, area.title, area.tally, True))
        rows.extend(_SectionRow(s.key, s.title, s.tally, False) for s in area.sections)
    return rows


@school_view(RUN)
def relational_audit_results(request: SchoolRequest, urn: str, run_id: uuid.UUID) -> HttpResponse:
    run = relational_audit_run(run_id)
    template = template_of(run)
    result = audit_scoring.summarise(template, ratings_of(run))
    others = list(comparable_runs(run))
    comparison = None
    earlier = None
    wanted = request.GET.get("compare", "")
    if wanted:
        earlier = next((o for o in others if str(o.pk) == wanted), None)
        if earlier is None:
            raise Http404
        comparison = audit_scoring.compare(template, ratings_of(earlier), ratings_of(run))
    texts = {item.id: item.text for item in template.items()}
    moved = []
    if comparison is not None:
        moved = [
            {
                "change": change,
                "text": texts[change.item_id],
                "label": MOVEMENT_LABELS[change.movement],
            }
            for change in comparison.items
            if change.movement
            not in (audit_scoring.Movement.UNCHANGED, audit_scoring.Movement.NOT_RATED)
        ]
    context = {
        "run": run,
        "template": template,
        "result": result,
        "rows": _rows(result),
        "others": others,
        "earlier": earlier,
        "comparison": comparison,
        "moved": moved,
    }
    return render(request, "wholeschool/audit_results.html", context)


@school_view(RUN)
def relational_audit_actions(request: SchoolRequest, urn: str, run_id: uuid.UUID) -> HttpResponse:
    run = relational_audit_run(run_id)
    template = template_of(run)
    candidates = audit_scoring.action_candidates(template, ratings_of(run))
    choices = [(c.item.id, f"{c.rating.value.title()}: {c.item.text}") for c in candidates]
    form = ActionPlanForm(request.POST or None, choices=choices, owners=action_owners())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = relational_audit_actions_create(
                actor=request.user,
                run=run,
                item_ids=data["item_ids"],
                action=data["action"],
                owner=data["owner"],
                due_on=data["due_on"],
                today=timezone.localdate(),
            )
        except RelationalAuditError as error:
            show_on_form(form, error)
        else:
            plural = "s" if len(made) != 1 else ""
            messages.success(request, f"{len(made)} action{plural} added to the plan.")
            return redirect("wholeschool:relational_audit_actions", urn=urn, run_id=run.pk)
    texts = {item.id: item.text for item in template.items()}
    planned = [
        {"action": a, "item": texts.get(a.item_id, a.item_id), "form": _status_form(a)}
        for a in actions_of(run)
    ]
    context = {"run": run, "form": form, "planned": planned, "has_candidates": bool(choices)}
    return render(request, "wholeschool/audit_actions.html", context)


def _status_form(action: RelationalAuditAction) -> ActionStatusForm:
    form = ActionStatusForm(None, initial={"status": action.status}, prefix=f"a{action.pk.hex}")
    return form


@school_view(RUN)
def relational_audit_action_status(
    request: SchoolRequest, urn: str, run_id: uuid.UUID, action_id: uuid.UUID
) -> HttpResponse:
    run = relational_audit_run(run_id)
    action = actions_of(run).filter(pk=action_id).first()
    if action is None:
        raise Http404
    if request.method == "POST":
        form = ActionStatusForm(request.POST, prefix=f"a{action.pk.hex}")
        if form.is_valid():
            relational_audit_action_status_set(
                actor=request.user,
                action=action,
                status=form.cleaned_data["status"],
            )
            messages.success(request, "Status updated.")
        else:
            messages.error(request, "Choose one of the listed statuses.")
    return redirect("wholeschool:relational_audit_actions", urn=urn, run_id=run.pk)


def _export_answers(run: RelationalAuditRun) -> dict[str, exports.ExportAnswer]:
    return {
        item_id: exports.ExportAnswer(a.rating, a.evidence, a.next_steps)
        for item_id, a in answers_of(run).items()
    }


@school_view(RUN)
def relational_audit_csv(request: SchoolRequest, urn: str, run_id: uuid.UUID) -> HttpResponseBase:
    run = relational_audit_run(run_id)
    rows = exports.relational_audit_rows(template_of(run), _export_answers(run))
    name = f"relational-audit-{run.started_on.isoformat()}.csv"
    return csv_files.download(name, exports.CSV_HEADER, rows)


@school_view(RUN)
def relational_audit_pdf(request: SchoolRequest, urn: str, run_id: uuid.UUID) -> HttpResponse:
    run = relational_audit_run(run_id)
    status = (
        f"completed {run.completed_on:%d %B %Y}" if run.completed_on else "draft, not completed"
    )
    body = exports.relational_audit_pdf(
        template=template_of(run),
        answers=_export_answers(run),
        notes=notes_of(run),
        school_name=request.school.name,
        heading=f"Started {run.started_on:%d %B %Y}; {status}.",
    )
    return pdf.download(f"relational-audit-{run.started_on.isoformat()}.pdf", body)
