"""Break glass: a designated safeguarding lead opens a child's record they cannot normally see.

The DSL gives a reason; the grant lasts :data:`BREAK_GLASS_HOURS` and covers that one child.
This module only grants and reports. What an open grant lets its holder read is the access
rules' business (``attune/access/rules.py``: it reads, never writes), and each page read under
it is written to the audit trail by the door itself (``access.children.open_record``) as
``Action.BREAK_GLASS_READ``, with the page, against the grant's id. The headteacher and the
attachment lead read every use at ``privacy:break_glass_report``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction

from attune.access.rules import Standing, Tie
from attune.access.standing import forget
from attune.accounts.models import Membership, User
from attune.accounts.roles import Role
from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.auditlog.record import record
from attune.errors import AttuneError
from attune.people.models import Pupil
from attune.privacy.models import BreakGlassGrant

BREAK_GLASS_HOURS = 4


class BreakGlassError(AttuneError):
    pass


def may_hold_grant(membership: Membership) -> bool:
    """Whether a grant would count for this membership: the rules open a record through one
    only for a designated safeguarding lead (``Standing.glass``)."""
    glass = frozenset({Tie.BREAK_GLASS})
    return membership.is_active and Standing(Role(membership.role), membership.is_dsl, glass).glass


def break_glass_grant(
    *, actor: User, membership: Membership, pupil: Pupil, reason: str, now: datetime
) -> BreakGlassGrant:
    if not may_hold_grant(membership):
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
        record(
            Action.BREAK_GLASS_GRANTED,
            grant,
            actor=actor,
            changes={"reason": reason, "expires_at": grant.expires_at.isoformat()},
        )
    # The reader's standing with the child has changed: answers kept for this request are stale.
    forget()
    return grant


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
            school_id=school_id, action=Action.BREAK_GLASS_READ.value, object_id__in=list(uses)
        ).order_by("at", "pk")
        for event in reads:
            uses[event.object_id].reads.append(event)
    return list(uses.values())
