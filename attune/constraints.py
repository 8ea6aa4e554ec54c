"""Two database rules many tables share, so each reads as what it means.

A period's end (a relationship ended, a child collected, a nap over) is empty while the
period lasts, and once set it comes after the start: ``empty_or_after``. And while a period
lasts there is at most one of it for the same people: ``one_open``.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import models
from django.db.models import F, Q


def empty_or_after(
    later: str, earlier: str, *, name: str, strictly: bool = False
) -> models.CheckConstraint:
    """``later`` is empty, or on or after ``earlier`` (``strictly``: after it)."""
    after = Q(**{f"{later}__{'gt' if strictly else 'gte'}": F(earlier)})
    return models.CheckConstraint(condition=Q(**{f"{later}__isnull": True}) | after, name=name)


def one_open(fields: Sequence[str], *, while_empty: str, name: str) -> models.UniqueConstraint:
    """At most one row with the same ``fields`` while its ``while_empty`` is empty."""
    return models.UniqueConstraint(
        fields=list(fields), condition=Q(**{f"{while_empty}__isnull": True}), name=name
    )
