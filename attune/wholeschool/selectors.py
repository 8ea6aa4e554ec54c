"""Reads for the Relational Approaches Audit, joined for the pages that use them."""

from __future__ import annotations

import uuid

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from attune.people.models import School, Staff
from attune.people.selectors import active_staff
from attune.wholeschool.domain.audit_template import AuditTemplate, default_template, load_template
from attune.wholeschool.models import (
    RelationalAuditAction,
    RelationalAuditRating,
    RelationalAuditRun,
    RelationalAuditStatus,
    RelationalAuditTemplateFile,
)


def template_in_use(school: School) -> AuditTemplate:
    """The school's newest loaded template, or the bundled one."""
    own = RelationalAuditTemplateFile.objects.filter(school=school).order_by("-loaded_at").first()
    return default_template() if own is None else load_template(own.content)


def template_of(run: RelationalAuditRun) -> AuditTemplate:
    """The exact template (id and version) a run was made with."""
    bundled = default_template()
    if (run.template_id, run.template_version) == (bundled.id, bundled.version):
        return bundled
    own = RelationalAuditTemplateFile.objects.get(
        template_id=run.template_id, version=run.template_version
    )
    return load_template(own.content)


def relational_audit_runs() -> QuerySet[RelationalAuditRun]:
    return RelationalAuditRun.objects.select_related("started_by", "completed_by").annotate(
        rated=Count("ratings", filter=~Q(ratings__rating=""))
    )


def relational_audit_run(run_id: uuid.UUID) -> RelationalAuditRun:
    """The run in the open school, or the same 404 whether it is missing or another school's."""
    run = (
        RelationalAuditRun.objects.select_related("started_by", "completed_by")
        .filter(pk=run_id)
        .first()
    )
    if run is None:
        raise Http404
    return run


def answers_of(run: RelationalAuditRun) -> dict[str, RelationalAuditRating]:
    return {answer.item_id: answer for answer in RelationalAuditRating.objects.filter(run=run)}


def ratings_of(run: RelationalAuditRun) -> dict[str, str | None]:
    """item id -> red/amber/green, or None when not rated yet (for the domain scoring)."""
    rows = RelationalAuditRating.objects.filter(run=run).values_list("item_id", "rating")
    return {item_id: rating or None for item_id, rating in rows}


def notes_of(run: RelationalAuditRun) -> dict[str, str]:
    return dict(run.section_notes.values_list("section_key", "notes"))


def actions_of(run: RelationalAuditRun) -> QuerySet[RelationalAuditAction]:
    return RelationalAuditAction.objects.filter(run=run).select_related("owner")


def comparable_runs(run: RelationalAuditRun) -> QuerySet[RelationalAuditRun]:
    """Other completed runs of the same template version, newest first."""
    return RelationalAuditRun.objects.filter(
        status=RelationalAuditStatus.COMPLETED,
        template_id=run.template_id,
        template_version=run.template_version,
    ).exclude(pk=run.pk)


def action_owners() -> QuerySet[Staff]:
    return active_staff()
