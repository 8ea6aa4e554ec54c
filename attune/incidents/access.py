"""Who may read incidents. Incident details are sensitive, so reading is narrower than recording.

* The attachment lead and the headteacher (``VIEW_ALL_INCIDENTS``) read every incident.
* The child's key adult or co-worker, and adults in the close team the child chose, read all of
  that child's incidents and their trend.
* Anyone else who may record incidents (teachers, office staff, other key adults) may record
  one for any child they can see, and afterwards reads only the entries they wrote.
* A Virtual School officer and an administrator do neither.
* A designated safeguarding lead under break glass for the child reads all of them (logged,
  see ``attune/privacy/break_glass.py``).

Missing and forbidden incidents give the same 404.
"""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from attune.accounts.models import Membership
from attune.accounts.roles import Permission
from attune.http import SchoolRequest
from attune.incidents.models import Incident
from attune.people.access import my_key_children, visible_pupils
from attune.people.models import Pupil
from attune.privacy.break_glass import break_glass_open
from attune.relationships.models import CloseTeamMember


def can_see_incidents(membership: Membership, pupil: Pupil) -> bool:
    """Every incident of this child (and the child's trend), not only one's own entries."""
    if membership.can(Permission.VIEW_ALL_INCIDENTS):
        return True
    if not membership.can(Permission.RECORD_INCIDENTS) or membership.staff_id is None:
        return break_glass_open(membership, pupil, timezone.now())
    if my_key_children(membership).filter(pk=pupil.pk).exists():
        return True
    in_close_team = CloseTeamMember.objects.filter(
        pupil=pupil, staff_id=membership.staff_id, left_on__isnull=True
    ).exists()
    return in_close_team or break_glass_open(membership, pupil, timezone.now())


def readable_incidents(membership: Membership, pupil: Pupil) -> QuerySet[Incident]:
    """This child's incidents this membership may read: all of them, or only its own entries."""
    incidents = Incident.objects.filter(pupil=pupil)
    if can_see_incidents(membership, pupil):
        return incidents
    return incidents.filter(recorded_by_id=membership.user_id)


def access_incident(request: SchoolRequest, incident_id: uuid.UUID | str) -> Incident:
    """The incident if this user may read it; the same 404 whether missing or forbidden."""
    try:
        key = uuid.UUID(str(incident_id))
    except ValueError:
        raise Http404 from None
    incident = (
        Incident.objects.select_related("pupil", "regulated_by", "recorded_by")
        .filter(pk=key, pupil__in=visible_pupils(request.membership))
        .first()
    )
    if incident is None:
        raise Http404
    if incident.recorded_by_id == request.user.pk:
        return incident
    if not can_see_incidents(request.membership, incident.pupil):
        raise Http404
    return incident
