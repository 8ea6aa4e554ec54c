"""``{% family_replies_for_key_adult staff %}``: replies from home on Today, for the child's key
adult or co-worker (the family wrote back to a note that went home)."""

from __future__ import annotations

from typing import Any

from django import template

from attune.accounts.models import Membership
from attune.auditlog.context import note_read
from attune.families.selectors import replies_for_key_adult
from attune.people.models import Staff

register = template.Library()


@register.inclusion_tag("families/_replies_on_today.html", takes_context=True)
def family_replies_for_key_adult(context: template.Context, staff: Staff | None) -> dict[str, Any]:
    """Unread replies about the signed-in adult's own key children; each shown is a read."""
    membership: Membership | None = context.get("membership")
    if membership is None or staff is None or membership.staff_id != staff.pk:
        return {"replies": []}
    replies = list(replies_for_key_adult(staff.pk))
    for reply in replies:
        note_read(reply.school_id, reply.pupil_id)
    return {
        "replies": replies,
        "school": context.get("school"),
        "csrf_token": context.get("csrf_token"),
    }
