"""Writes for the Relational Approaches Audit: start, answer, complete, plan actions, templates.

The audit is about the school, not a child, so no child's record is touched; completing a run,
planning actions and loading a template are still written to the audit log.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.http import HttpRequest

from attune.accounts.models import User
from attune.auditlog.services import audit_log
from attune.errors import AttuneError
from attune.people.models import School, Staff
from attune.wholeschool.domain.audit_template import AuditTemplate, Rating, load_template
from attune.wholeschool.models import (
    ActionStatus,
    AuditAction,
    AuditItemRating,
    AuditRun,
    AuditSectionNote,
    AuditStatus,
    AuditTemplateFile,
)
from attune.wholeschool.selectors import ratings_of, template_in_use, template_of


class AuditError(AttuneError):
    pass


@dataclass(frozen=True, slots=True)
class Answer:
    rating: str  # "" while not rated
    evidence: str = ""
    next_steps: str = ""


def audit_start(*, actor: User, school: School, today: date) -> AuditRun:
    template = template_in_use(school)
    return AuditRun.objects.create(
        school=school,
        template_id=template.id,
        template_version=template.version,
        started_on=today,
        started_by=actor,
    )


def _check_draft(run: AuditRun) -> None:
    if not run.is_draft:
        raise AuditError(
            "This audit is completed, so it can no longer be changed. Start a new one to "
            "record where the school is now.",
            "audit.completed",
        )


def _check_item(template: AuditTemplate, item_id: str) -> None:
    if item_id not in template.item_ids():
        raise AuditError("That item is not part of this audit.", "audit.unknown_item", "item")


def _check_rating(rating: str) -> None:
    if rating and rating not in {r.value for r in Rating}:
        raise AuditError("Choose red, amber or green.", "audit.bad_rating", "rating")


def audit_answers_save(*, actor: User, run: AuditRun, answers: Mapping[str, Answer]) -> None:
    """Save some or all items of a draft (one item from autosave, every item from Save)."""
    _check_draft(run)
    template = template_of(run)
    for item_id, answer in answers.items():
        _check_item(template, item_id)
        _check_rating(answer.rating)
    with transaction.atomic():
        locked = AuditRun.objects.select_for_update().get(pk=run.pk)
        _check_draft(locked)
        for item_id, answer in answers.items():
            AuditItemRating.objects.update_or_create(
                run=run,
                item_id=item_id,
                defaults={
                    "school": run.school,
                    "rating": answer.rating,
                    "evidence": answer.evidence.strip(),
                    "next_steps": answer.next_steps.strip(),
                },
            )
        locked.save(update_fields=["updated_at"])


def audit_notes_save(*, actor: User, run: AuditRun, notes: Mapping[str, str]) -> None:
    """Notes per section, keyed "area.section" (e.g. "safe.ethos")."""
    _check_draft(run)
    known = {f"{a.id}.{s.id}" for a in template_of(run).areas for s in a.sections}
    for key in notes:
        if key not in known:
            raise AuditError("That section is not part of this audit.", "audit.unknown_section")
    with transaction.atomic():
        for key, text in notes.items():
            AuditSectionNote.objects.update_or_create(
                run=run, section_key=key, defaults={"school": run.school, "notes": text.strip()}
            )


def audit_complete(
    *, actor: User, run: AuditRun, today: date, request: HttpRequest | None = None
) -> None:
    _check_draft(run)
    template = template_of(run)
    rated = ratings_of(run)
    missing = [i for i in template.item_ids() if not rated.get(i)]
    if missing:
        plural = "s" if len(missing) != 1 else ""
        raise AuditError(
            f"{len(missing)} item{plural} still need a rating before the audit can be "
            "completed. Your answers so far are saved.",
            "audit.incomplete",
        )
    with transaction.atomic():
        run.status = AuditStatus.COMPLETED
        run.completed_on = max(today, run.started_on)
        run.completed_by = actor
        run.save(update_fields=["status", "completed_on", "completed_by", "updated_at"])
        audit_log(
            actor=actor,
            action="wholeschool.relational_audit.completed",
            obj=run,
            school=run.school,
            changes={"template": f"{run.template_id} v{run.template_version}"},
            request=request,
        )


def audit_actions_create(
    *,
    actor: User,
    run: AuditRun,
    item_ids: Iterable[str],
    action: str,
    owner: Staff,
    due_on: date,
    today: date,
    request: HttpRequest | None = None,
) -> list[AuditAction]:
    """One action per chosen item; a blank action text takes each item's next-step ideas."""
    chosen = list(dict.fromkeys(item_ids))
    if not chosen:
        raise AuditError("Choose at least one item to act on.", "action.no_items", "item_ids")
    template = template_of(run)
    for item_id in chosen:
        _check_item(template, item_id)
    if owner.school_id != run.school_id or not owner.is_active:
        raise AuditError("Choose someone who works here.", "action.bad_owner", "owner")
    if due_on < today:
        raise AuditError("The due date can't be in the past.", "action.due_in_past", "due_on")
    next_steps = dict(
        AuditItemRating.objects.filter(run=run, item_id__in=chosen).values_list(
            "item_id", "next_steps"
        )
    )
    texts = {i: action.strip() or next_steps.get(i, "") for i in chosen}
    if not all(texts.values()):
        raise AuditError(
            "Say what will be done (or write next-step ideas on the item first).",
            "action.missing_text",
            "action",
        )
    with transaction.atomic():
        created = [
            AuditAction.objects.create(
                school=run.school,
                run=run,
                item_id=i,
                action=texts[i],
                owner=owner,
                due_on=due_on,
                created_by=actor,
            )
            for i in chosen
        ]
        for made in created:
            audit_log(
                actor=actor,
                action="wholeschool.relational_audit.action_planned",
                obj=made,
                school=run.school,
                changes={
                    "item": made.item_id,
                    "owner": owner.full_name,
                    "due_on": due_on.isoformat(),
                },
                request=request,
            )
    return created


def audit_action_status_set(
    *, actor: User, action: AuditAction, status: str, request: HttpRequest | None = None
) -> None:
    if status not in ActionStatus.values:
        raise AuditError("Choose one of the listed statuses.", "action.bad_status", "status")
    with transaction.atomic():
        old = action.status
        action.status = status
        action.save(update_fields=["status"])
        audit_log(
            actor=actor,
            action="wholeschool.relational_audit.action_status_changed",
            obj=action,
            school=action.school,
            changes={"status": [old, status]},
        )


def audit_template_load(*, school: School, text: str) -> AuditTemplateFile:
    """Validate a school's own template file and make it the one new audits use.

    Raises ``InvalidTemplate`` (each problem with its line) or ``AuditError`` when that id and
    version is already loaded with different content: change the version number instead.
    """
    template = load_template(text)
    content = json.loads(text)
    with transaction.atomic():
        existing = AuditTemplateFile.objects.filter(
            school=school, template_id=template.id, version=template.version
        ).first()
        if existing is not None:
            if existing.content != content:
                raise AuditError(
                    f"Version {template.version} of '{template.id}' is already loaded with "
                    "different wording. Raise the version number so earlier audits keep theirs.",
                    "audit_template.version_exists",
                )
            existing.delete()  # the same file again: make it the newest
        made = AuditTemplateFile.objects.create(
            school=school,
            template_id=template.id,
            version=template.version,
            title=template.title,
            content=content,
        )
        audit_log(
            actor=None,
            action="wholeschool.relational_audit.template_loaded",
            obj=made,
            school=school,
            changes={"template": template.id, "version": template.version},
        )
    return made
