from __future__ import annotations

from datetime import date

from django import template
from django.utils.safestring import SafeString

from attune.earlyyears.day_rows import record_rows
from attune.earlyyears.selectors import ChildDay
from attune.earlyyears.tiles import TilePage, tiles
from attune.links import id_link
from attune.people.models import Pupil

register = template.Library()


@register.filter
def age_on(born: date, on: date) -> str:
    """A young child's age in years and months, as practitioners say it."""
    months = (on.year - born.year) * 12 + on.month - born.month - (on.day < born.day)
    years, months = divmod(max(months, 0), 12)
    return f"{years} y {months} m" if years else f"{months} m"


@register.filter
def ages_on(children: list[Pupil], on: date) -> str:
    """``Maya 2 y 3 m, Sam 11 m``: a room's children with their ages, in one filter rather
    than a loop of two lookups and a filter for each of a room's children."""
    return ", ".join(f"{c.known_as} {age_on(c.date_of_birth, on)}" for c in children)


@register.simple_tag(takes_context=True)
def register_tiles(context: template.Context, rows: list[ChildDay]) -> SafeString:
    """``{% register_tiles g.rows %}``: a room's children on the register (``tiles.py``)."""
    urn = context["school"].urn
    page = TilePage(
        post_to=context["register_url"],
        csrf_token=str(context.get("csrf_token", "")),
        day_link=id_link("earlyyears:child_day", "pupil_id", urn=urn, day=context["today_iso"]),
    )
    return tiles(rows, page)


@register.simple_tag(takes_context=True)
def day_record_rows(context: template.Context, rows: list[ChildDay], on: date) -> SafeString:
    """``{% day_record_rows rows on %}``: the day's record table's rows (``day_rows.py``)."""
    return record_rows(rows, urn=context["school"].urn, on=on)
