"""``{% attention_for_key_adult staff %}``: early warnings for a key adult's own children."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from attune.access.children import my_key_children
from attune.accounts.models import Membership
from attune.accounts.roles import Permission
from attune.attendance.attention import children_needing_attention
from attune.auditlog.context import note_read
from attune.people.models import Staff

register = template.Library()


@register.inclusion_tag("attendance/_attention_for_key_adult.html", takes_context=True)
def attention_for_key_adult(context: template.Context, staff: Staff | None) -> dict[str, Any]:
    """Children this adult is the current key adult or co-worker for, with warnings.

    Shown only to someone who may read those children's sensitive records (the warnings talk
    about long absences and exclusions), and only for the signed-in adult's own children.
    Each child shown is a read of their record.
    """
    membership: Membership | None = context.get("membership")
    allowed = (
        membership is not None
        and staff is not None
        and membership.staff_id == staff.pk
        and (
            membership.can(Permission.VIEW_OWN_SENSITIVE)
            or membership.can(Permission.VIEW_ALL_SENSITIVE)
        )
    )
    if not allowed or membership is None:
        return {"shown": False}
    children = children_needing_attention(my_key_children(membership), today=timezone.localdate())
    for shown in children:
        note_read(membership.school_id, shown.pupil.pupil_id)
    return {"shown": True, "children": children, "school": context.get("school")}
