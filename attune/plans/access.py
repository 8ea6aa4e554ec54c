"""Who may reach a plan: whoever may see the child's sensitive record; the same 404 otherwise."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from attune.http import SchoolRequest
from attune.people.access import visible_pupils
from attune.people.models import Pupil
from attune.plans.models import Meeting, Plan
from attune.relationships.access import can_see_team_details


def access_plan(request: SchoolRequest, plan_id: int) -> Plan:
    plan = (
        Plan.objects.select_related("pupil", "owner")
        .filter(pk=plan_id, pupil__in=visible_pupils(request.membership))
        .first()
    )
    if plan is None or not can_see_team_details(request.membership, plan.pupil):
        raise Http404
    return plan


def require_plan_reader(request: SchoolRequest, pupil: Pupil) -> None:
    """Plans hold sensitive detail: teachers and office staff see the pupil page, not these."""
    if not can_see_team_details(request.membership, pupil):
        raise PermissionDenied


def access_meeting(request: SchoolRequest, meeting_id: int) -> Meeting:
    meeting = (
        Meeting.objects.select_related("pupil")
        .filter(pk=meeting_id, pupil__in=visible_pupils(request.membership))
        .first()
    )
    if meeting is None or not can_see_team_details(request.membership, meeting.pupil):
        raise Http404
    return meeting
