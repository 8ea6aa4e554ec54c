"""Who may reach a child's PEPs; the same 404 whether missing or forbidden.

Readers: whoever may read the child's plans (leads, the head, the Virtual School officer for its
cohorts, the child's own key adult and co-worker) and the designated teacher named on any of the
child's PEPs. Writers: the same people, except the Virtual School officer, who only reads.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from attune.accounts.models import Membership
from attune.accounts.roles import Permission, Role
from attune.http import SchoolRequest
from attune.people.access import access_pupil, my_key_children, visible_pupils
from attune.people.models import Pupil
from attune.pep.models import Pep
from attune.relationships.access import can_see_team_details, can_support_child


def is_designated_teacher(membership: Membership, pupil: Pupil) -> bool:
    if membership.staff_id is None:
        return False
    return Pep.objects.filter(pupil=pupil, designated_teacher_id=membership.staff_id).exists()


def can_read_peps(membership: Membership, pupil: Pupil) -> bool:
    return can_see_team_details(membership, pupil) or is_designated_teacher(membership, pupil)


def can_write_peps(membership: Membership, pupil: Pupil) -> bool:
    """Plan the meetings, record them, sign them off and set and review targets."""
    return can_support_child(membership, pupil) or (
        membership.role != Role.VIRTUAL_SCHOOL and is_designated_teacher(membership, pupil)
    )


def pep_pupils(membership: Membership) -> QuerySet[Pupil]:
    """Children whose PEPs this membership may open: every visible child for those who read all
    sensitive records, otherwise their own key children and those they are designated teacher for.
    """
    pupils = visible_pupils(membership)
    if membership.can(Permission.VIEW_ALL_SENSITIVE):
        return pupils
    mine = (
        Q(pk__in=my_key_children(membership))
        if membership.can(Permission.VIEW_OWN_SENSITIVE)
        else Q(pk__in=[])
    )
    if membership.staff_id is not None:
        designated = Pep.objects.filter(
            pupil=OuterRef("pk"), designated_teacher_id=membership.staff_id
        )
        mine |= Q(Exists(designated))
    return pupils.filter(mine)


def access_pep_pupil(request: SchoolRequest, pupil_id: uuid.UUID) -> Pupil:
    pupil = access_pupil(request, pupil_id)
    if not can_read_peps(request.membership, pupil):
        raise Http404
    return pupil


def access_pep(request: SchoolRequest, pep_id: uuid.UUID) -> Pep:
    pep = (
        Pep.objects.select_related("pupil", "designated_teacher", "social_worker", "plan")
        .filter(public_id=pep_id, pupil__in=visible_pupils(request.membership))
        .first()
    )
    if pep is None or not can_read_peps(request.membership, pep.pupil):
        raise Http404
    return pep


def require_pep_writer(request: SchoolRequest, pupil: Pupil) -> None:
    """Called after an access_* function: a reader who may not write is refused (403)."""
    if not can_write_peps(request.membership, pupil):
        raise PermissionDenied
