"""Reads for the Relational Approaches Audit, joined for the pages that use them."""

from __future__ import annotations

import uuid

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from attune.people.models import School, Staff
from attune.wholeschool.domain.audit_template import AuditTemplate, default_template, load_template
from attune.wholeschool.models import (
    AuditAction,
    AuditItemRating,
    AuditRun,
    AuditStatus,
    AuditTemplateFile,
)


def template_in_use(school: School) -> AuditTemplate:
    """The school's newest loaded template, or the bundled one."""
    own = AuditTemplateFile.objects.filter(school=school).order_by("-loaded_at").first()
    return default_template() if own is None else load_template(own.content)


def template_of(run: AuditRun) -> AuditTemplate:
    """The exact template (id and version) a run was made with."""
    bundled = default_template()
    if (run.template_id, run.template_version) == (bundled.id, bundled.version):
        return bundled
    own = AuditTemplateFile.objects.get(template_id=run.template_id, version=run.template_version)
    return load_template(own.content)


def audit_runs() -> QuerySet[AuditRun]:
    return AuditRun.objects.select_related("started_by", "completed_by").annotate(
        rated=Count("ratings", filter=~Q(ratings__rating=""))
    )


def access_audit_run(run_id: uuid.UUID) -> AuditRun:
    """The run in the open school, or the same 404 whether it is missing or another school's."""
    run = AuditRun.objects.select_related("started_by", "completed_by").filter(pk=run_id).first()
    if run is None:
        raise Http404
    return run


def answers_of(run: AuditRun) -> dict[str, AuditItemRating]:
    return {answer.item_id: answer for answer in AuditItemRating.objects.filter(run=run)}


def ratings_of(run: AuditRun) -> dict[str, str | None]:
    """item id -> red/amber/green, or None when not rated yet (for the domain scoring)."""
    rows = AuditItemRating.objects.filter(run=run).values_list("item_id", "rating")
    return {item_id: rating or None for item_id, rating in rows}


def notes_of(run: AuditRun) -> dict[str, str]:
    return dict(run.section_notes.values_list("section_key", "notes"))


def actions_of(run: AuditRun) -> QuerySet[AuditAction]:
    return AuditAction.objects.filter(run=run).select_related("owner")


def comparable_runs(run: AuditRun) -> QuerySet[AuditRun]:
    """Other completed runs of the same template version, newest first."""
    return AuditRun.objects.filter(
        status=AuditStatus.COMPLETED,
        template_id=run.template_id,
        template_version=run.template_version,
    ).exclude(pk=run.pk)


def action_owners() -> QuerySet[Staff]:
    return Staff.objects.filter(is_active=True).order_by("last_name", "first_name")
