"""Who may reach a plan: whoever may see the child's sensitive record; the same 404 otherwise.
A meeting's record goes by its own sensitivity level (``privacy.sensitivity``): one marked for
everyone who works with the child opens for them too; one for the DSL only, for the DSL only.

Plans, meetings and "you said, we did" items are found by their ``public_id`` (a UUID), never
by a number that could be counted through.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404

from attune.accounts.models import Membership
from attune.accounts.roles import Permission, Role
from attune.http import SchoolRequest
from attune.people.access import visible_pupils
from attune.people.models import Pupil
from attune.plans.models import Meeting, Plan, YouSaid
from attune.privacy.sensitivity import visible_sensitivities
from attune.relationships.access import can_see_team_details, can_support_child


def access_plan(request: SchoolRequest, plan_id: uuid.UUID) -> Plan:
    plan = (
        Plan.objects.select_related("pupil", "owner")
        .filter(public_id=plan_id, pupil__in=visible_pupils(request.membership))
        .first()
    )
    if plan is None or not can_see_team_details(request.membership, plan.pupil):
        raise Http404
    return plan


def require_plan_reader(request: SchoolRequest, pupil: Pupil) -> None:
    """Plans hold sensitive detail: teachers and office staff see the pupil page, not these."""
    if not can_see_team_details(request.membership, pupil):
        raise PermissionDenied


def access_meeting(request: SchoolRequest, meeting_id: uuid.UUID) -> Meeting:
    meeting = (
        Meeting.objects.select_related("pupil")
        .filter(public_id=meeting_id, pupil__in=visible_pupils(request.membership))
        .first()
    )
    if meeting is None:
        raise Http404
    if meeting.sensitivity not in visible_sensitivities(request.membership, meeting.pupil):
        raise Http404
    return meeting


def works_in_school(membership: Membership) -> bool:
    """Whole-school "you said, we did": staff of the school, not visiting officers or admins."""
    return membership.role not in (Role.VIRTUAL_SCHOOL, Role.ADMINISTRATOR)


def oversees_you_said(membership: Membership) -> bool:
    """Signs items off and follows up whole-school ones: the attachment lead and the head."""
    return membership.can(Permission.MANAGE_CHECKINS)


def access_you_said(request: SchoolRequest, item_id: uuid.UUID) -> YouSaid:
    """An item about a child: whoever may read the child's plans. A whole-school item: staff
    of the school. The same 404 otherwise."""
    item = YouSaid.objects.select_related("pupil", "done_by").filter(public_id=item_id).first()
    membership = request.membership
    if item is None:
        raise Http404
    pupil = item.pupil
    if pupil is None:
        allowed = works_in_school(membership)
    else:
        allowed = visible_pupils(membership).filter(pk=pupil.pk).exists() and (
            can_see_team_details(membership, pupil)
        )
    if not allowed:
        raise Http404
    return item


def can_respond(membership: Membership, item: YouSaid) -> bool:
    """Say what was done: those who support the child, or for the whole school, the leads."""
    if item.pupil is None:
        return oversees_you_said(membership)
    return can_support_child(membership, item.pupil)
