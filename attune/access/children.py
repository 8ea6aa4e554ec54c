"""Opening a child's record: the one door every page goes through.

* :func:`access_pupil` and :func:`open_record` answer "may this reader open this?" with the
  rules, give the *same* 404 whether the child is missing or not theirs, and note the read so
  the audit record logs it once the page is served (``attune.auditlog.context``).
* :func:`can`, :func:`levels` and :func:`notes_filter` only ask: they never write.
* :func:`require` refuses (403) a reader who may see the child but not change it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from attune.access import rules
from attune.access.rules import Level, Right, Tie
from attune.access.standing import as_uuid, pupils_with, standing_of
from attune.access.ties import rows_with
from attune.accounts.roles import Role
from attune.auditlog.context import note_read
from attune.people.models import Pupil

if TYPE_CHECKING:
    from attune.accounts.models import Membership
    from attune.http import SchoolRequest


def visible_pupils(membership: Membership) -> QuerySet[Pupil]:
    """The children of the open school this membership may see at all."""
    return pupils_with(membership, Right.SEE_CHILD)


def my_key_children(membership: Membership) -> QuerySet[Pupil]:
    """Children whose current key adult or co-worker is this membership's staff record."""
    mine = rows_with(Tie.KEY_ADULT, membership)
    theirs = rows_with(Tie.CO_WORKER, membership)
    if mine is None or theirs is None:
        return Pupil.objects.none()
    return Pupil.objects.filter(
        Q(pk__in=mine.values("pupil_id")) | Q(pk__in=theirs.values("pupil_id"))
    )


def can(membership: Membership, pupil: Pupil | Any, right: Right, *, own: bool = False) -> bool:
    """Whether the membership has ``right`` over the child. Asks; never writes."""
    if _granted_without_ties(membership, pupil, right):
        return True
    standing = standing_of(membership, pupil)
    return standing is not None and rules.allows(standing, right, own=own)


def _granted_without_ties(membership: Membership, pupil: Pupil | Any, right: Right) -> bool:
    """A loaded child of the reader's school, and a right the role has over every child it
    sees: no lookup needed."""
    return (
        isinstance(pupil, Pupil)
        and pupil.school_id == membership.school_id
        and frozenset() in rules.granting_tie_sets(Role(membership.role), membership.is_dsl, right)
    )


def levels(membership: Membership, pupil: Pupil | Any) -> frozenset[str]:
    """The levels of note about the child the membership may read (``Level`` values)."""
    standing = standing_of(membership, pupil)
    if standing is None:
        return frozenset()
    return frozenset(level.value for level in rules.note_levels(standing))


def notes_filter(membership: Membership, pupil: Pupil | Any, field: str = "sensitivity") -> Q:
    """The filter every list of notes about one child goes through."""
    return Q(**{f"{field}__in": sorted(levels(membership, pupil))})


def readable(queryset: QuerySet[Any], membership: Membership, pupil: Pupil | Any) -> QuerySet[Any]:
    """``queryset`` of one child's notes, cut to the levels this membership may read."""
    return queryset.filter(notes_filter(membership, pupil))


def _grant_for(membership: Membership, pupil_id: Any) -> Any:
    rows = rows_with(Tie.BREAK_GLASS, membership)
    return (
        None
        if rows is None
        else rows.filter(pupil_id=pupil_id).values_list("pk", flat=True).first()
    )


def open_record(
    request: SchoolRequest,
    pupil: Pupil,
    right: Right = Right.SEE_CHILD,
    *,
    level: str | None = None,
    own: bool = False,
) -> None:
    """Let the reader into one record about ``pupil`` or raise the same 404 as a missing one.

    ``level`` is the record's own level of note, if it has one. The read is noted, and
    logged once the page is served; a read that needed break glass is logged against the grant.
    """
    membership = request.membership
    standing = standing_of(membership, pupil)
    if standing is None or not rules.allows(standing, right, own=own):
        raise Http404
    if level is not None and not rules.may_read_note(standing, level):
        raise Http404
    grant = None
    needs_glass = rules.only_through_break_glass(standing, right) or (
        level is not None
        and level not in {lv.value for lv in rules.note_levels(standing.without_break_glass())}
    )
    if needs_glass:
        grant = _grant_for(membership, pupil.pk)
    note_read(pupil.school_id, pupil.pk, break_glass_grant=grant)


def access_pupil(
    request: SchoolRequest, pupil_id: Any, right: Right = Right.SEE_CHILD, *, own: bool = False
) -> Pupil:
    """The child, if this reader has ``right`` over them; the same 404 whether missing or
    forbidden. The read is logged once the page is served."""
    key = as_uuid(pupil_id)
    pupil = Pupil.objects.filter(pk=key).first() if key is not None else None
    if pupil is None:
        raise Http404
    open_record(request, pupil, right, own=own)
    return pupil


def require(request: SchoolRequest, pupil: Pupil, right: Right, *, own: bool = False) -> None:
    """For a reader already let in: refuse (403) what they may not do."""
    if not can(request.membership, pupil, right, own=own):
        raise PermissionDenied


__all__ = [
    "Level",
    "Right",
    "access_pupil",
    "can",
    "levels",
    "my_key_children",
    "notes_filter",
    "open_record",
    "pupils_with",
    "readable",
    "require",
    "visible_pupils",
]
