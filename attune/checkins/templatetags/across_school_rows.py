"""``{% load across_school_rows %}``: the tables of check-ins across the school, drawn in
Python (``attune/checkins/across_rows.py``)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from attune.checkins import across_rows
from attune.checkins.across_school import AdultRow, ChildRow, RaisedWarning

register = template.Library()


@register.simple_tag(takes_context=True)
def warning_rows(context: template.Context, found: list[RaisedWarning]) -> SafeString:
    return across_rows.warning_rows(found, urn=context["school"].urn)


@register.simple_tag
def adult_rows(adults: list[AdultRow]) -> SafeString:
    return across_rows.adult_rows(adults)


@register.simple_tag(takes_context=True)
def child_rows(context: template.Context, children: list[ChildRow]) -> SafeString:
    return across_rows.child_rows(children, urn=context["school"].urn)
