"""The school page's pupil rows: ``{% pupil_rows rows %}``.

The school page draws up to 140 pupils (a page of 100 and the lowest 20 of the persistently
and severely absent lists). ``{% url %}`` for each one resolved the same pattern every time,
a fifth of drawing the rows; the link is now the pattern reversed once per school, with the
pupil's id put in. The rows themselves are drawn here rather than by including a row template
140 times: on 7 December's slow machine the include loop was about a fifth of a 2,000-pupil
school's page. Every value goes through ``format_html``, escaped as a template escapes it, and
the percentage is rounded as ``floatformat:1`` rounds it (``one_place``), so the markup is the
template's.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django import template
from django.urls import get_script_prefix
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from attune.attendance.school import PupilFigures
from attune.links import id_link

register = template.Library()


@lru_cache(maxsize=256)
def _link(urn: str, script_prefix: str) -> Callable[[uuid.UUID], str]:
    """The school's pupil link (``script_prefix`` as a key only: ``reverse`` reads it)."""
    return id_link("attendance:pupil", "pupil_id", urn=urn)


_ROW = (
    '<tr><td><a href="{link}">{name}</a></td><td>{year}</td><td>{group}</td>'
    "<td>{attendance}</td><td>{possible}</td><td>{authorised}</td><td>{unauthorised}</td></tr>\n"
)
_SEVERE = mark_safe(' <span class="tag tag-warn">Severe</span>')
_PERSISTENT = mark_safe(' <span class="tag tag-warn">Persistent</span>')
_NO_FIGURE = mark_safe('<span class="muted">No figure</span>')


_TENTH = Decimal("0.1")


def one_place(number: float) -> str:
    """``{{ number|floatformat:1 }}`` for a percentage, twenty times quicker: the same
    rounding of the same decimal (half up, from the float's shortest repr)."""
    return str(Decimal(repr(number)).quantize(_TENTH, ROUND_HALF_UP))


def _attendance(p: PupilFigures) -> SafeString:
    summary = p.summary
    if not summary.possible:
        return _NO_FIGURE
    tag = _SEVERE if summary.severe_absence else _PERSISTENT if summary.persistent_absence else ""
    return format_html("{}%{}", one_place(summary.attendance_pct or 0.0), tag)


def _row(p: PupilFigures, link: Callable[[uuid.UUID], str]) -> SafeString:
    summary = p.summary
    return format_html(
        _ROW,
        link=link(p.pupil_id),
        name=p.name,
        year=p.year_label,
        group=p.registration_group or "\u2013",  # an en dash, as the template had
        attendance=_attendance(p),
        possible=summary.possible,
        authorised=summary.authorised_absence,
        unauthorised=summary.unauthorised_absence,
    )


@register.simple_tag(takes_context=True)
def pupil_rows(context: template.Context, rows: Iterable[PupilFigures]) -> SafeString:
    """``{% pupil_rows rows %}``: each pupil's row of the school page's tables."""
    link = _link(str(context["school"].urn), get_script_prefix())
    return mark_safe("".join(_row(p, link) for p in rows))  # noqa: S308 (escaped above)
