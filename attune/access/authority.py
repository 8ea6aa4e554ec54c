"""The standings of those who reach a child through the Virtual School, not a school.

An officer of the Virtual School belongs to a local authority, not to the school, so there is no
school membership to look ties up from. Their standing with a child is the Virtual School role
and two facts: whether the child is in a cohort the school shares (read by the caller from the
school's sharing agreement, ``attune/virtualschool/ties.py``), and whether the child is on the
list of children the officer's own authority looks after. A partner of the Virtual School
(designated teacher, social worker, carer, the child) has no role anywhere: their standing is
their kind and whether they hold a live invitation to the child's PEP. The rules decide from
there, as they do for everyone else.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.http import Http404

from attune.access import rules
from attune.access.rules import Partner, PepSection, Right, Standing, Tie
from attune.accounts.roles import Role
from attune.auditlog.context import note_read

if TYPE_CHECKING:
    from attune.people.models import Pupil

# How the audit record names a child the authority holds (``virtualschool.LookedAfterChild``).
OWN_CHILD = "LookedAfterChild"


def authority_standing(*, shared: bool = False, ours: bool = False) -> Standing:
    """An officer's standing with a child the school does (or does not) share, and that their
    own authority does (or does not) look after."""
    ties = {Tie.SHARED_COHORT} if shared else set()
    ties |= {Tie.LOOKED_AFTER_BY} if ours else set()
    return Standing(role=Role.VIRTUAL_SCHOOL, ties=frozenset(ties))


def authority_may(right: Right, *, shared: bool = False, ours: bool = False) -> bool:
    """Whether an officer has ``right`` over such a child. Asks; never writes."""
    return rules.allows(authority_standing(shared=shared, ours=ours), right)


def authority_open(pupil: Pupil, right: Right, *, shared: bool = False, ours: bool = False) -> None:
    """Let the officer into one child's record or raise the same 404 as a missing child. The
    read is noted, and logged on the child's school's chain once the page is served."""
    if not authority_may(right, shared=shared, ours=ours):
        raise Http404
    note_read(pupil.school_id, pupil.pk)


def authority_open_own(
    child_id: Any, right: Right, *, records: Iterable[tuple[int, Any]] = ()
) -> None:
    """Let an officer into one of the children their own authority looks after, or the same
    404. The read is noted on the child's own record (no school: the system chain), and on
    each school's record of the child that fed the page (``records``: school and pupil ids)."""
    if not authority_may(right, ours=True):
        raise Http404
    note_read(None, child_id, object_type=OWN_CHILD)
    for school_id, pupil_id in records:
        note_read(school_id, pupil_id)


def partner_open(partner: Partner, child_id: Any, right: Right, *, invited: bool) -> None:
    """Let a partner into the PEP of the child they were invited to, or the same 404."""
    if not partner_may(partner, right, invited=invited):
        raise Http404
    note_read(None, child_id, object_type=OWN_CHILD)


def partner_standing(partner: Partner, *, invited: bool) -> Standing:
    """A partner's standing with a child: whether they hold a live invitation to its PEP."""
    return Standing(role=partner, ties=frozenset({Tie.PEP_PARTNER}) if invited else frozenset())


def partner_may(partner: Partner, right: Right, *, invited: bool) -> bool:
    return rules.allows(partner_standing(partner, invited=invited), right)


def partner_sections(partner: Partner, *, invited: bool) -> frozenset[PepSection]:
    """The sections of the child's PEP this partner writes (none without an invitation)."""
    return rules.pep_sections(partner_standing(partner, invited=invited))
