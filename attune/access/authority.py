"""The Virtual School's standing with a child it reads across an authority's schools.

An officer of the Virtual School belongs to a local authority, not to the school, so there is no
school membership to look ties up from. Their standing with a child is the Virtual School role
and one fact: whether the child is in a cohort the school shares (read by the caller from the
school's sharing agreement, ``attune/virtualschool/ties.py``). The rules decide from there, as
they do for a Virtual School membership of the school itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from attune.access import rules
from attune.access.rules import Right, Standing, Tie
from attune.accounts.roles import Role
from attune.auditlog.context import note_read

if TYPE_CHECKING:
    from attune.people.models import Pupil


def authority_standing(*, shared: bool) -> Standing:
    """An officer's standing with a child the school does (or does not) share."""
    ties = frozenset({Tie.SHARED_COHORT}) if shared else frozenset()
    return Standing(role=Role.VIRTUAL_SCHOOL, ties=ties)


def authority_may(right: Right, *, shared: bool) -> bool:
    """Whether an officer has ``right`` over such a child. Asks; never writes."""
    return rules.allows(authority_standing(shared=shared), right)


def authority_open(pupil: Pupil, right: Right, *, shared: bool) -> None:
    """Let the officer into one child's record or raise the same 404 as a missing child. The
    read is noted, and logged on the child's school's chain once the page is served."""
    if not authority_may(right, shared=shared):
        raise Http404
    note_read(pupil.school_id, pupil.pk)
