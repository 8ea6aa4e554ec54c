"""Attunement: the level a relationship has reached, with evidence, and the targets set from it."""

from __future__ import annotations

from datetime import date

from attune.accounts.models import User
from attune.auditlog.actions import Action
from attune.auditlog.saving import save_recorded
from attune.checkins.domain import attunement
from attune.checkins.models import AttunementRecord, RelationshipTarget
from attune.checkins.selectors import current_level
from attune.checkins.services.errors import CheckinError
from attune.relationships.models import KeyAdultRelationship


def attunement_record(
    *,
    actor: User,
    relationship: KeyAdultRelationship,
    on: date,
    level: int,
    evidence: str,
    today: date,
) -> AttunementRecord:
    if on > today:
        raise CheckinError(
            "Record what you have already seen: the date cannot be in the future.",
            "checkins.attunement.future",
            "on",
        )
    if on < relationship.started_on:
        raise CheckinError(
            "The date cannot be before the relationship started "
            f"({relationship.started_on:%d %B %Y}).",
            "checkins.attunement.before_start",
            "on",
        )
    if not evidence.strip():
        raise CheckinError(
            "Describe what you saw that shows this level: a moment, in a sentence or two.",
            "checkins.attunement.evidence",
            "evidence",
        )
    seen = AttunementRecord(
        school_id=relationship.school_id,
        relationship=relationship,
        on=on,
        level=attunement.Principle(level),
        evidence=evidence.strip(),
        recorded_by=actor,
    )
    return save_recorded(
        Action.ATTUNEMENT_RECORDED,
        seen,
        actor=actor,
        pupil=relationship.pupil_id,
        changes={"on": on.isoformat(), "level": attunement.Principle(level).label},
    )


def relationship_target_set(
    *,
    actor: User,
    relationship: KeyAdultRelationship,
    principle: int,
    text: str,
    today: date,
) -> RelationshipTarget:
    """Guiding targets wait until the relationship is recorded as attuned (KA-8)."""
    if not text.strip():
        raise CheckinError("Write the target in a sentence.", "checkins.target.text", "text")
    kind = attunement.Principle(principle)
    if kind is attunement.Principle.GUIDING:
        decision = attunement.can_set_guiding_target(current_level(relationship))
        if not decision.allowed:
            raise CheckinError(decision.reason, "checkins.target.not_attuned", "principle")
    target = RelationshipTarget(
        school_id=relationship.school_id,
        relationship=relationship,
        principle=kind,
        text=text.strip(),
        set_on=today,
        set_by=actor,
    )
    return save_recorded(
        Action.GUIDANCE_TARGET_SET,
        target,
        actor=actor,
        pupil=relationship.pupil_id,
        changes={"principle": kind.label, "text": target.text},
    )
