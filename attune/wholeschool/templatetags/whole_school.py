"""``{% if membership|sees_whole_school %}``: anything on the whole-school page for them?."""

from __future__ import annotations

from django import template

from attune.accounts.models import Membership
from attune.wholeschool import hub

register = template.Library()


@register.filter
def sees_whole_school(membership: Membership | None) -> bool:
    return hub.has_any(membership)
