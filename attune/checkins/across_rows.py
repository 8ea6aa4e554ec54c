"""The rows of the tables on check-ins across the school, drawn in Python.

A 2,000-pupil school's page has some 270 children, 70 key adults and dozens of warnings: the
template loops took 43 ms to draw them on a slow machine, as much as working the figures out.
Here the child's link is reversed once for the page with each id put in, a date is formatted
once however many rows show it, and every value goes through ``format_html``, escaped as a
template escapes it, so the markup is the template's (``tests/test_across_rows.py`` holds it
to the loops it replaced).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from functools import lru_cache

from django.template.defaultfilters import date as date_filter
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from attune.checkins.across_school import AdultRow, ChildRow, Completion, RaisedWarning
from attune.links import id_link

_NONE_DUE = mark_safe('<span class="muted">None due</span>')
_NO_PLANS = '<tr><td colspan="{}" class="muted">No check-in plans yet.</td></tr>\n'

_WARNING = '<tr><td><a href="{link}">{name}</a></td>\n<td>{adult}</td><td>{message}</td></tr>\n'
_ADULT = (
    "<tr><td>{name}</td><td>{children}</td><td>{due}</td><td>{happened}</td>"
    "<td>{not_happening}</td><td>{not_logged}</td><td>{percent}</td></tr>\n"
)
_CHILD = (
    '<tr><td><a href="{link}">{name}</a></td>\n'
    "<td>{adult}</td><td>{due}</td><td>{happened}</td><td>{not_happening}</td>\n"
    "<td>{percent}</td>\n"
    "<td>{last_seen}</td>\n"
    "<td>{review}</td></tr>\n"
)


def warning_rows(found: Iterable[RaisedWarning], *, urn: str) -> SafeString:
    link = _pupil_link(urn)
    return _joined(
        format_html(
            _WARNING,
            link=link(w.relationship.pupil_id),
            name=w.relationship.pupil.display_name,
            adult=w.relationship.key_adult.full_name,
            message=w.warning.message,
        )
        for w in found
    )


def adult_rows(adults: list[AdultRow]) -> SafeString:
    if not adults:
        return format_html(_NO_PLANS, 7)
    return _joined(
        format_html(
            _ADULT,
            name=a.staff.full_name,
            children=a.children,
            due=a.completion.due,
            happened=a.completion.happened,
            not_happening=a.completion.not_happening,
            not_logged=a.completion.not_logged,
            percent=_percent(a.completion),
        )
        for a in adults
    )


def child_rows(children: list[ChildRow], *, urn: str) -> SafeString:
    if not children:
        return format_html(_NO_PLANS, 8)
    link = _pupil_link(urn)
    return _joined(
        format_html(
            _CHILD,
            link=link(c.relationship.pupil_id),
            name=c.relationship.pupil.display_name,
            adult=c.relationship.key_adult.full_name,
            due=c.completion.due,
            happened=c.completion.happened,
            not_happening=c.completion.not_happening,
            percent=_percent(c.completion),
            last_seen=_day(c.last_seen, "j M") or "Not yet",
            review=_day(c.plan.review_on, "j M Y"),
        )
        for c in children
    )


def _pupil_link(urn: str) -> Callable[..., str]:
    return id_link("children:pupil", "pupil_id", urn=urn)


def _percent(done: Completion) -> SafeString:
    percent = done.percent
    return _NONE_DUE if percent is None else format_html("{}%", percent)


@lru_cache(maxsize=1024)
def _day(day: date | None, shape: str) -> str:
    """``{{ day|date:shape }}``, once for each day however many rows show it."""
    return date_filter(day, shape) if day is not None else ""


def _joined(rows: Iterable[SafeString]) -> SafeString:
    return mark_safe("".join(rows))  # noqa: S308 - each row was made by format_html
