"""The standing of a child's family: a parent or carer signed in by an emailed link.

A family has no role in any school, so there is no membership to look ties up from. Their
standing with a child is the family reader and one fact: whether they hold the family tie (the
school recorded them with parental responsibility for this child, no "no contact" mark, and
their sign-in by link is live), read from the rows ``attune/families/ties.py`` provides. The
rules decide from there (``rules.FAMILY_RIGHTS``); every opening is a read of the child's
record, logged on the child's school's chain once the page is served.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import Http404

from attune.access import rules
from attune.access.rules import Family, Right, Standing, Tie
from attune.access.standing import as_uuid
from attune.access.ties import rows_for_person
from attune.auditlog.context import note_read
from attune.people.models import Pupil
from attune.tenancy import scopes_disabled

if TYPE_CHECKING:
    from attune.accounts.models import User


def family_standing(*, tied: bool) -> Standing:
    return Standing(role=Family.PARENT, ties=frozenset({Tie.FAMILY}) if tied else frozenset())


def family_may(right: Right, *, tied: bool) -> bool:
    return rules.allows(family_standing(tied=tied), right)


def family_children(user: User) -> list[Pupil]:
    """The children this person holds the family tie with, in every school (one query)."""
    with scopes_disabled():
        ids = rows_for_person(Tie.FAMILY, user).values("pupil_id")
        return list(
            Pupil.objects.select_related("school")
            .filter(pk__in=ids)
            .order_by("legal_forename", "pk")
        )


def family_open(user: User, pupil_id: Any, right: Right = Right.SEE_AS_FAMILY) -> Pupil:
    """The child, if this person's family standing gives ``right``; else the same 404 as a
    child that does not exist. The read is noted, and logged once the page is served."""
    key = as_uuid(pupil_id)
    if key is None:
        raise Http404
    with scopes_disabled():
        tied = rows_for_person(Tie.FAMILY, user).filter(pupil_id=key).exists()
        pupil = Pupil.objects.select_related("school").filter(pk=key).first() if tied else None
    if pupil is None or not family_may(right, tied=tied):
        raise Http404
    note_read(pupil.school_id, pupil.pk)
    return pupil
