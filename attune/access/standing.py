"""A reader's standing with a child, looked up from the database (one query, kept for the
request), and the querysets of children a reader has a right over.

Only the ties that can change an answer for the reader's role are looked up
(``rules.relevant_ties``): a headteacher's standing needs no query at all.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import reduce
from operator import and_, or_
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse

from attune.access.rules import Right, Standing, Tie, granting_tie_sets, relevant_ties
from attune.access.ties import rows_with
from attune.accounts.roles import Role
from attune.people.models import Pupil

if TYPE_CHECKING:
    from attune.accounts.models import Membership

_Key = tuple[int, Any]
_kept: ContextVar[dict[_Key, Standing] | None] = ContextVar("attune_standings", default=None)


@contextmanager
def kept_for_request() -> Iterator[None]:
    """Keep each standing once looked up, until the block ends (the middleware opens one per
    request; outside a request every question looks again)."""
    token = _kept.set({})
    try:
        yield
    finally:
        _kept.reset(token)


def forget() -> None:
    """Drop what this request has kept: a service that changes a tie calls this."""
    kept = _kept.get()
    if kept is not None:
        kept.clear()


class AccessMiddleware:
    """One standing per reader and child for each request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with kept_for_request():
            return self.get_response(request)


def _wanted(membership: Membership) -> list[Tie]:
    return sorted(relevant_ties(Role(membership.role), membership.is_dsl))


def _exists(membership: Membership, tie: Tie) -> Exists | None:
    rows = rows_with(tie, membership)
    if rows is None:
        return None
    return Exists(rows.filter(pupil_id=OuterRef("pk")))


def standings(membership: Membership, pupil_ids: Iterable[Any]) -> dict[Any, Standing]:
    """Each child's standing for this membership: one query for all of them, none when the
    role's answers do not depend on ties. Children the school does not hold are left out."""
    role = Role(membership.role)
    ids = list(dict.fromkeys(pupil_ids))
    kept = _kept.get()
    found: dict[Any, Standing] = {}
    if kept is not None:
        for pupil_id in ids:
            hit = kept.get((membership.pk, pupil_id))
            if hit is not None:
                found[pupil_id] = hit
    missing = [pupil_id for pupil_id in ids if pupil_id not in found]
    if missing:
        looked = _look_up(membership, role, missing)
        found |= looked
        if kept is not None:
            kept.update({(membership.pk, pupil_id): s for pupil_id, s in looked.items()})
    return found


def _look_up(membership: Membership, role: Role, ids: list[Any]) -> dict[Any, Standing]:
    annotations = {
        f"tie_{tie.value}": exists
        for tie in _wanted(membership)
        if (exists := _exists(membership, tie)) is not None
    }
    rows = Pupil.objects.filter(pk__in=ids).annotate(**annotations).values("pk", *annotations)
    return {
        row["pk"]: Standing(
            role,
            membership.is_dsl,
            frozenset(Tie(name.removeprefix("tie_")) for name in annotations if row[name]),
        )
        for row in rows
    }


def standing_of(membership: Membership, pupil: Pupil | Any) -> Standing | None:
    """This membership's standing with one child of the open school (None if no such child).

    Given a loaded child of the membership's school whose answers need no ties (a
    headteacher's), no query is made.
    """
    if isinstance(pupil, Pupil):
        if pupil.school_id != membership.school_id:
            return None
        if not _wanted(membership):
            return Standing(Role(membership.role), membership.is_dsl)
        pupil = pupil.pk
    return standings(membership, [pupil]).get(pupil)


def pupils_with(membership: Membership, right: Right) -> QuerySet[Pupil]:
    """The children of the open school this membership has ``right`` over."""
    role = Role(membership.role)
    sets = granting_tie_sets(role, membership.is_dsl, right)
    if not sets:
        return Pupil.objects.none()
    if frozenset() in sets:
        return Pupil.objects.all()
    clauses = []
    for tie_set in sets:
        exists = [_exists(membership, tie) for tie in sorted(tie_set)]
        if all(e is not None for e in exists):
            clauses.append(reduce(and_, (Q(e) for e in exists)))
    if not clauses:
        return Pupil.objects.none()
    return Pupil.objects.filter(reduce(or_, clauses))


def as_uuid(value: Any) -> uuid.UUID | None:
    """A child's id from a URL or form, or None if it cannot be one."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
