from __future__ import annotations

from datetime import date

from django import template

register = template.Library()


@register.filter
def age_on(born: date, on: date) -> str:
    """A young child's age in years and months, as practitioners say it."""
    months = (on.year - born.year) * 12 + on.month - born.month - (on.day < born.day)
    years, months = divmod(max(months, 0), 12)
    return f"{years} y {months} m" if years else f"{months} m"
