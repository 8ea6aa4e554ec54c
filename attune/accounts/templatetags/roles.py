"""``{{ membership|can:"view_audit_trail" }}``: the roles table, readable from a template."""

from __future__ import annotations

from django import template

from attune.accounts.models import Membership
from attune.accounts.roles import Permission

register = template.Library()


@register.filter
def can(membership: Membership | None, permission: str) -> bool:
    return membership is not None and membership.can(Permission(permission))
