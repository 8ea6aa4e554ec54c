"""Break glass: a designated safeguarding lead opens a child's record they cannot normally see.

The DSL gives a reason; the grant lasts :data:`BREAK_GLASS_HOURS` and covers that one child.
While it lasts, ``people.access.can_see_sensitive`` lets them through (and with it every page
that needs the child's sensitive record, and notes for the DSL only), and each request that
relies on it writes ``privacy.break_glass.read`` to the audit trail with the page read. The
headteacher and the attachment lead read every use at ``privacy:break_glass_report``.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.http import HttpRequest

from attune.accounts.models import Membership, User
from attune.auditlog.models import AuditEvent
from attune.auditlog.services import audit_log
from attune.errors import AttuneError
from attune.people.models import Pupil
from attune.privacy.models import BreakGlassGrant

BREAK_GLASS_HOURS = 4
READ_ACTION = "privacy.break_glass.read"

# The page being served, so a read under break glass can say what was read. Set for each
# request by ``note_request_path`` (connected to ``request_started`` in ``apps.py``).
_current_path: ContextVar[str] = ContextVar("attune_request_path", default="")


class BreakGlassError(AttuneError):
    pass


def note_request_path(sender: object, environ: dict[str, Any] | None = None, **kwargs: Any) -> None:
    path = (environ or {}).get("PATH_INFO", "")
    _current_path.set(path if isinstance(path, str) else "")


def may_break_glass(membership: Membership) -> bool:
    return membership.is_dsl and membership.is_active


def break_glass_grant(
    *,
    actor: User,
    membership: Membership,
    pupil: Pupil,
    reason: str,
    now: datetime,
    request: HttpRequest | None = None,
) -> BreakGlassGrant:
    if not may_break_glass(membership):
        raise BreakGlassError("Only the designated safeguarding lead can do this.", "not_dsl")
    reason = reason.strip()
    if len(reason) < 10:
        raise BreakGlassError(
            "Say why you need this child's record, in a sentence.", "no_reason", "reason"
        )
    with transaction.atomic():
        grant = BreakGlassGrant.objects.create(
            school_id=membership.school_id,
            pupil_id=pupil.pk,
            pupil_label=pupil.display_name,
            user=actor,
            user_label=f"{actor.full_name} ({actor.email})",
            reason=reason,
            granted_at=now,
            expires_at=now + timedelta(hours=BREAK_GLASS_HOURS),
        )
        audit_log(
            actor=actor,
            action="privacy.break_glass.granted",
            obj=grant,
            school=membership.school,
            pupil=pupil,
            changes={"reason": reason, "expires_at": grant.expires_at.isoformat()},
            request=request,
        )
    return grant


def active_grant(membership: Membership, pupil: Pupil, now: datetime) -> BreakGlassGrant | None:
    return (
        BreakGlassGrant.objects.filter(
            user_id=membership.user_id,
            pupil_id=pupil.pk,
            granted_at__lte=now,
            expires_at__gt=now,
        )
        .order_by("-expires_at")
        .first()
    )


def break_glass_open(membership: Membership, pupil: Pupil, now: datetime) -> bool:
    """Whether a grant lets this DSL into the child's record now; the first time in a request
    that it does, the read is written to the audit trail. Not a DSL: no query at all."""
    if not may_break_glass(membership):
        return False
    seen: dict[Any, bool] = membership.__dict__.setdefault("_break_glass_seen", {})
    if pupil.pk not in seen:
        grant = active_grant(membership, pupil, now)
        seen[pupil.pk] = grant is not None
        if grant is not None:
            audit_log(
                actor=membership.user,
                action=READ_ACTION,
                obj=grant,
                school=membership.school,
                pupil=pupil,
                changes={"page": _current_path.get()},
            )
    return seen[pupil.pk]


def by_break_glass(membership: Membership, pupil: Pupil) -> bool:
    """True when this request reaches the child only through break glass (read, not write).
    No query: ``break_glass_open`` has already run if it is so."""
    return bool(membership.__dict__.get("_break_glass_seen", {}).get(pupil.pk))


@dataclass
class BreakGlassUse:
    grant: BreakGlassGrant
    reads: list[AuditEvent] = field(default_factory=list)

    @property
    def pages(self) -> list[str]:
        return sorted({str(e.changes.get("page", "")) for e in self.reads} - {""})


def break_glass_uses(school_id: int, *, limit: int = 100) -> list[BreakGlassUse]:
    """The school's most recent grants, each with the reads under it: two queries however
    many grants and reads."""
    grants = list(BreakGlassGrant.objects.order_by("-granted_at")[:limit])
    uses = {str(g.pk): BreakGlassUse(g) for g in grants}
    if uses:
        reads = AuditEvent.objects.filter(
            school_id=school_id, action=READ_ACTION, object_id__in=list(uses)
        ).order_by("at", "pk")
        for event in reads:
            uses[event.object_id].reads.append(event)
    return list(uses.values())
