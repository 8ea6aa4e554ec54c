"""TEMPORARY: the old ``audit_log(...)`` calls, translated to ``record(...)`` while every app
moves over. Nothing new may import this module; it goes once no caller is left."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.auditlog.record import Entry, record, record_many
from attune.auditlog.verify import audit_chain_verify

__all__ = ["AuditEntry", "audit_chain_verify", "audit_log", "audit_log_many"]


@dataclass(frozen=True, slots=True)
class AuditEntry:
    action: str
    obj: Any
    pupil: Any = None
    changes: dict[str, Any] | None = None


def audit_log(
    *,
    actor: Any,
    action: str,
    obj: Any,
    school: Any,
    pupil: Any = None,
    changes: dict[str, Any] | None = None,
    request: Any = None,
) -> AuditEvent:
    return record(_action(action), obj, actor=actor, pupil=pupil, changes=changes, school=school)


def _action(value: str) -> Action:
    try:
        return Action(value)
    except ValueError:
        if value.endswith("viewed"):  # the old per-page read actions
            return Action.RECORD_VIEWED
        raise


def audit_log_many(
    *, actor: Any, school: Any, entries: Sequence[AuditEntry], request: Any = None
) -> list[AuditEvent]:
    return record_many(
        actor=actor,
        school_id=school.pk if school is not None else None,
        entries=[Entry(_action(e.action), e.obj, e.pupil, e.changes) for e in entries],
    )
