"""Where each tie between a reader and a child is recorded.

The facts live in the feature apps (key adults in ``relationships``, designated teachers in
``pep``, break-glass grants in ``privacy`` ...), which sit above this package. Each app says,
when Django starts (its ``AppConfig.ready``), how to find its tie: a function from a membership
to a queryset of that app's rows with a ``pupil_id`` for every child the membership has that
tie with (already filtered to the membership's staff record, user or school). Access reads
those querysets and never imports the apps, so the rules stay below every feature.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from attune.access.rules import Tie

if TYPE_CHECKING:
    from attune.accounts.models import Membership, User

# A membership's rows for one tie; None when the membership cannot have that tie at all.
TieQuery = Callable[["Membership"], "QuerySet[Any] | None"]

# A person's rows for a tie held outside any school (a family's): each with ``pupil_id``.
PersonTieQuery = Callable[["User"], "QuerySet[Any]"]

_sources: dict[Tie, TieQuery] = {}
_person_sources: dict[Tie, PersonTieQuery] = {}


def provide(tie: Tie, query: TieQuery) -> None:
    """Called once per tie, by the app that records it."""
    if tie in _sources and _sources[tie] is not query:
        raise RuntimeError(f"Two apps say where the {tie} tie is recorded.")
    _sources[tie] = query


def rows_with(tie: Tie, membership: Membership) -> QuerySet[Any] | None:
    """The membership's rows for this tie (each with ``pupil_id``), or None."""
    source = _sources.get(tie)
    if source is None:
        raise RuntimeError(f"No app has said where the {tie} tie is recorded.")
    return source(membership)


def provided() -> frozenset[Tie]:
    return frozenset(_sources)


def provide_for_person(tie: Tie, query: PersonTieQuery) -> None:
    """Called once, by the app that records a tie people hold without a school membership."""
    if tie in _person_sources and _person_sources[tie] is not query:
        raise RuntimeError(f"Two apps say where the {tie} tie is recorded for a person.")
    _person_sources[tie] = query


def rows_for_person(tie: Tie, user: User) -> QuerySet[Any]:
    """The person's rows for this tie (each with ``pupil_id``), across schools."""
    source = _person_sources.get(tie)
    if source is None:
        raise RuntimeError(f"No app has said where the {tie} tie is recorded for a person.")
    return source(user)
