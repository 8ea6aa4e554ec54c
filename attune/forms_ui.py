"""The GOV.UK form pattern, once for every form: a built-in template library (no ``{% load %}``)
and the widget for whole numbers.

``{% error_prefix %}`` puts "Error: " before a page's title whenever the page shows a form with
errors, so screen reader users hear at once that something needs fixing; a view whose
problems are not on a Django form says so with ``has_errors`` in its context.
``field|error_target`` is the id an error summary links to: the field itself, or the first of a
list of radios or boxes (the list itself while it has none).
``numeric()`` is a text box that brings up a phone's number pad, as GOV.UK advises for whole
numbers (a number box's arrows and scrolling change a value by accident).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BaseForm, BaseFormSet, BoundField, TextInput

register = template.Library()

FLAGS = ("has_errors", "form_errors", "error", "errors")  # views with problems off a form


def _has_errors(value: object) -> bool:
    if isinstance(value, BaseForm):
        return value.is_bound and bool(value.errors)
    if isinstance(value, BaseFormSet):
        return value.is_bound and value.total_error_count() > 0
    return False


def shows_errors(context: Any) -> bool:
    """Whether anything in the template context is a form (or a list of them) with errors."""
    for layer in context.dicts:
        for key, value in layer.items():
            if key in FLAGS and value:
                return True
            if _has_errors(value):
                return True
            if isinstance(value, list | tuple) and any(_has_errors(v) for v in value):
                return True
    return False


@register.simple_tag(takes_context=True)
def error_prefix(context: Any) -> str:
    return "Error: " if shows_errors(context) else ""


@register.filter
def error_target(field: BoundField) -> str:
    widget = field.field.widget
    listed = getattr(widget, "input_type", None) in ("radio", "checkbox")
    # A list with no choices yet has no first box to link to.
    if listed and hasattr(widget, "choices") and field.subwidgets:
        return f"{field.auto_id}_0"
    return str(field.id_for_label or field.auto_id)


def numeric(**attrs: str) -> TextInput:
    return TextInput(attrs={"inputmode": "numeric", "spellcheck": "false", **attrs})
