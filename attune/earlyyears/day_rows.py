"""The day's record table: a row for each visit of each child present that day.

Drawn here rather than in a template loop, as the register's tiles are (``tiles.py``). For a
nursery of 120 children the loop resolved three links and formatted a dozen times for every
row, about a third of the page on a slow machine; here each link is reversed once for the page
and the child's id put in. Every value goes through ``format_html``, escaped as a template
escapes it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time

from django.template.defaultfilters import date as date_filter
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime

from attune.earlyyears.selectors import ChildDay, VisitLine
from attune.links import id_link

_ROW = (
    '<tr data-testid="record-row">\n'
    '<th scope="row"><a href="{day_link}">{name}</a></th>\n'
    "<td>{signed_in}</td>\n"
    "<td>{signed_out}</td>\n"
    "<td>{hours}</td>\n"
    '<td data-testid="key-person">{key}</td>\n'
    "<td>\n{amendments}{problems}"
    '<a class="no-print" href="{amend_link}">Amend <span class="visually-hidden">{name} at'
    " {at}</span></a>\n</td>\n"
    "</tr>\n"
)
_NOBODY = mark_safe('<tr><td colspan="6">Nobody was signed in that day.</td></tr>\n')


def record_rows(rows: Iterable[ChildDay], *, urn: str, on: date) -> SafeString:
    day_link = id_link("earlyyears:child_day", "pupil_id", urn=urn, day=on.isoformat())
    amend_link = id_link("earlyyears:amend", "visit_id", urn=urn)
    drawn = [
        format_html(
            _ROW,
            day_link=day_link(row.pupil.pk),
            name=row.pupil.display_name,
            signed_in=_signed_in(line),
            signed_out=_signed_out(line),
            hours=row.hours if i == 0 else "",  # a child's hours and gaps on their first row
            key=_key(row),
            amendments=_amendments(line),
            problems=format_html_join(
                "", '<p class="warn">{}</p>\n', ((p.message,) for p in row.problems)
            )
            if i == 0
            else "",
            amend_link=amend_link(line.visit.pk),
            at=_hm(line.signed_in_at),
        )
        for row in rows
        for i, line in enumerate(row.visits)
    ]
    return mark_safe("".join(drawn)) if drawn else _NOBODY  # noqa: S308 (each row escaped)


def _hm(at: time | None) -> str:
    """``|time:"H:i"``: nothing for no time."""
    return f"{at:%H:%M}" if at is not None else ""


def _signed_in(line: VisitLine) -> SafeString:
    visit = line.visit
    brought = format_html('<div class="muted">brought by {}</div>', visit.brought_by)
    by = visit.signed_in_by.full_name if visit.signed_in_by else ""
    return format_html(
        '{}{}<div class="muted">signed in by {}</div>',
        _hm(line.signed_in_at),
        brought if visit.brought_by else "",
        by or "unknown",
    )


def _signed_out(line: VisitLine) -> SafeString | str:
    if not line.signed_out_at:
        return "—"
    collected = format_html('<div class="muted">collected by {}</div>', line.collected_by)
    by = line.visit.signed_out_by
    return format_html(
        "{}{}{}",
        _hm(line.signed_out_at),
        collected if line.collected_by else "",
        format_html('<div class="muted">signed out by {}</div>', by.full_name) if by else "",
    )


def _key(row: ChildDay) -> str:
    key = row.key
    if key.key_person_away:
        return f"{key.covered_by or 'No co-worker named'} (covering; {key.key_person} away)"
    return key.key_person or "No key person"


def _amendments(line: VisitLine) -> SafeString | str:
    if not line.amendments:
        return ""
    visit = line.visit
    first = format_html(
        '<p class="muted">First recorded: in {}, out {}{}.</p>\n',
        _hm(visit.signed_in_at),
        _hm(visit.signed_out_at) or "not recorded",
        format_html(", collected by {}", visit.collected_by) if visit.collected_by else "",
    )
    changes = format_html_join(
        "",
        "<li>Amended {} by {}: in {}, out {}. <em>{}</em></li>",
        (
            (
                date_filter(localtime(a.amended_at), "j M H:i"),
                (a.amended_by.full_name if a.amended_by else "") or "unknown",
                _hm(a.signed_in_at),
                _hm(a.signed_out_at) or "not recorded",
                a.reason,
            )
            for a in line.amendments
        ),
    )
    return format_html("{}<ul>{}</ul>\n", first, changes)
