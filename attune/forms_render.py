"""The forms' renderer: Django's own, but a drop-down list is written here, not by templates.

Django writes a ``<select>`` through a template, which includes one template for each option
and another for each option's attributes. A list of a setting's staff on the nursery register
took a tenth of the page that way (``docs/early-years.md``). ``select_html`` writes the same
markup, byte for byte, in Python (``tests/test_forms_render.py`` holds the two equal); anything
else, and any list whose options use another template, goes to Django's templates as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


class QuickSelects(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name == SELECT and _plain_options(context["widget"]):
            return select_html(context["widget"])
        return super().render(template_name, context, request)


def _plain_options(widget: Mapping[str, Any]) -> bool:
    """Every option drawn by Django's own template, with words for its label: a template
    would print any other label (a date, a number) in the local format."""
    return all(
        isinstance(group or "", str | Promise)
        and all(
            option["template_name"] == OPTION and isinstance(option["label"], str | Promise)
            for option in options
        )
        for group, options, _ in widget["optgroups"]
    )


def select_html(widget: Mapping[str, Any]) -> SafeString:
    """``select.html`` (with ``select_option.html`` and ``attrs.html``) for a widget's
    context, as Django's renderer gives it: the same text, stripped of outer white space."""
    parts: list[str] = [
        format_html('<select name="{}"{}>', widget["name"], _attrs(widget["attrs"]))
    ]
    for group_name, options, _ in widget["optgroups"]:
        if group_name:
            parts.append(format_html('\n  <optgroup label="{}">', group_name))
        parts.extend(
            format_html(
                '\n  <option value="{}"{}>{}</option>\n',  # the option's template ends a line
                str(option["value"]),
                _attrs(option["attrs"]),
                option["label"],
            )
            for option in options
        )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # noqa: S308 (every value above is escaped)


def _attrs(attrs: Mapping[str, Any]) -> SafeString:
    """``attrs.html``: ``name="value"`` for each, the name alone for True, nothing for False."""
    return mark_safe(  # noqa: S308 (escaped here)
        "".join(
            f" {conditional_escape(name)}"
            if value is True
            else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
            for name, value in attrs.items()
            if value is not False
        )
    )
