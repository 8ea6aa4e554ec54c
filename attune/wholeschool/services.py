"""Writes for the Relational Approaches Audit: start, answer, complete, plan actions, templates.

The Relational Approaches Audit is about the school, not a child, so no child's record is
touched; completing a run, planning actions and loading a template are still written to the
audit record.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from attune.accounts.models import User
from attune.auditlog.actions import Action
from attune.auditlog.record import record
from attune.auditlog.saving import save_recorded
from attune.errors import AttuneError
from attune.people.models import School, Staff
from attune.wholeschool.domain.audit_template import AuditTemplate, Rating, load_template
from attune.wholeschool.models import (
    ActionStatus,
    RelationalAuditAction,
    RelationalAuditRating,
    RelationalAuditRun,
    RelationalAuditSectionNote,
    RelationalAuditStatus,
    RelationalAuditTemplateFile,
)
from attune.wholeschool.selectors import ratings_of, template_in_use, template_of


class RelationalAuditError(AttuneError):
    pass


@dataclass(frozen=True, slots=True)
class Answer:
    rating: str  # "" while not rated
    evidence: str = ""
    next_steps: str = ""


def relational_audit_start(*, actor: User, school: School, today: date) -> RelationalAuditRun:
    template = template_in_use(school)
    return RelationalAuditRun.objects.create(
        school=school,
        template_id=template.id,
        template_version=template.version,
        started_on=today,
        started_by=actor,
    )


def _check_draft(run: RelationalAuditRun) -> None:
    if not run.is_draft:
        raise RelationalAuditError(
            "This audit is completed, so it can no longer be changed. Start a new one to "
            "record where the school is now.",
            "audit.completed",
        )


def _check_item(template: AuditTemplate, item_id: str) -> None:
    if item_id not in template.item_ids():
        raise RelationalAuditError(
            "That item is not part of this audit.", "audit.unknown_item", "item"
        )


def _check_rating(rating: str) -> None:
    if rating and rating not in {r.value for r in Rating}:
        raise RelationalAuditError("Choose red, amber or green.", "audit.bad_rating", "rating")


def relational_audit_answers_save(
    *, actor: User, run: RelationalAuditRun, answers: Mapping[str, Answer]
) -> None:
    """Save some or all items of a draft (one item from autosave, every item from Save)."""
    _check_draft(run)
    template = template_of(run)
    for item_id, answer in answers.items():
        _check_item(template, item_id)
        _check_rating(answer.rating)
    with transaction.atomic():
        locked = RelationalAuditRun.objects.select_for_update().get(pk=run.pk)
        _check_draft(locked)
        for item_id, answer in answers.items():
            RelationalAuditRating.objects.update_or_create(
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


def relational_audit_notes_save(
    *, actor: User, run: RelationalAuditRun, notes: Mapping[str, str]
) -> None:
    """Notes per section, keyed "area.section" (e.g. "safe.ethos")."""
    _check_draft(run)
    known = {f"{a.id}.{s.id}" for a in template_of(run).areas for s in a.sections}
    for key in notes:
        if key not in known:
            raise RelationalAuditError(
                "That section is not part of this audit.", "audit.unknown_section"
            )
    with transaction.atomic():
        for key, text in notes.items():
            RelationalAuditSectionNote.objects.update_or_create(
                run=run, section_key=key, defaults={"school": run.school, "notes": text.strip()}
            )


def relational_audit_complete(*, actor: User, run: RelationalAuditRun, today: date) -> None:
    _check_draft(run)
    template = template_of(run)
    rated = ratings_of(run)
    missing = [i for i in template.item_ids() if not rated.get(i)]
    if missing:
        plural = "s" if len(missing) != 1 else ""
        raise RelationalAuditError(
            f"{len(missing)} item{plural} still need a rating before the audit can be "
            "completed. Your answers so far are saved.",
            "audit.incomplete",
        )
    run.status = RelationalAuditStatus.COMPLETED
    run.completed_on = max(today, run.started_on)
    run.completed_by = actor
    save_recorded(
        Action.RELATIONAL_AUDIT_COMPLETED,
        run,
        actor=actor,
        changes={"template": f"{run.template_id} v{run.template_version}"},
        fields=["status", "completed_on", "completed_by", "updated_at"],
    )


def relational_audit_actions_create(
    *,
    actor: User,
    run: RelationalAuditRun,
    item_ids: Iterable[str],
    action: str,
    owner: Staff,
    due_on: date,
    today: date,
) -> list[RelationalAuditAction]:
    """One action per chosen item; a blank action text takes each item's next-step ideas."""
    chosen = list(dict.fromkeys(item_ids))
    if not chosen:
        raise RelationalAuditError(
            "Choose at least one item to act on.", "action.no_items", "item_ids"
        )
    template = template_of(run)
    for item_id in chosen:
        _check_item(template, item_id)
    if owner.school_id != run.school_id or not owner.is_active:
        raise RelationalAuditError("Choose someone who works here.", "action.bad_owner", "owner")
    if due_on < today:
        raise RelationalAuditError(
            "The due date can't be in the past.", "action.due_in_past", "due_on"
        )
    next_steps = dict(
        RelationalAuditRating.objects.filter(run=run, item_id__in=chosen).values_list(
            "item_id", "next_steps"
        )
    )
    texts = {i: action.strip() or next_steps.get(i, "") for i in chosen}
    if not all(texts.values()):
        raise RelationalAuditError(
            "Say what will be done (or write next-step ideas on the item first).",
            "action.missing_text",
            "action",
        )
    with transaction.atomic():
        created = [
            RelationalAuditAction.objects.create(
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
            record(
                Action.RELATIONAL_AUDIT_ACTION_PLANNED,
                made,
                actor=actor,
                changes={
                    "item": made.item_id,
                    "owner": owner.full_name,
                    "due_on": due_on.isoformat(),
                },
            )
    return created


def relational_audit_action_status_set(
    *, actor: User, action: RelationalAuditAction, status: str
) -> None:
    if status not in ActionStatus.values:
        raise RelationalAuditError(
            "Choose one of the listed statuses.", "action.bad_status", "status"
        )
    with transaction.atomic():
        old = action.status
        action.status = status
        action.save(update_fields=["status"])
        record(
            Action.RELATIONAL_AUDIT_ACTION_STATUS,
            action,
            actor=actor,
            changes={"status": [old, status]},
        )


def relational_audit_template_load(*, school: School, text: str) -> RelationalAuditTemplateFile:
    """Validate a school's own template file and make it the one new audits use.

    Raises ``InvalidTemplate`` (each problem with its line) or ``RelationalAuditError`` when
    that id and version is already loaded with different content: change the version number
    instead.
    """
    template = load_template(text)
    content = json.loads(text)
    with transaction.atomic():
        existing = RelationalAuditTemplateFile.objects.filter(
            school=school, template_id=template.id, version=template.version
        ).first()
        if existing is not None:
            if existing.content != content:
                raise RelationalAuditError(
                    f"Version {template.version} of '{template.id}' is already loaded with "
                    "different wording. Raise the version number so earlier audits keep theirs.",
                    "audit_template.version_exists",
                )
            existing.delete()  # the same file again: make it the newest
        made = RelationalAuditTemplateFile.objects.create(
            school=school,
            template_id=template.id,
            version=template.version,
            title=template.title,
            content=content,
        )
        record(
            Action.RELATIONAL_AUDIT_TEMPLATE_LOADED,
            made,
            actor=None,
            changes={"template": template.id, "version": template.version},
        )
    return made
