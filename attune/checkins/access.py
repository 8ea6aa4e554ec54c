"""Which relationships a signed-in adult may work on. The same 404 for missing or not theirs."""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet
from django.http import Http404

from attune.accounts.roles import Permission
from attune.http import SchoolRequest
from attune.people.access import access_pupil
from attune.relationships.models import KeyAdultRelationship


def _relationships() -> QuerySet[KeyAdultRelationship]:
    return KeyAdultRelationship.objects.select_related(
        "pupil", "pupil__school", "key_adult", "co_worker"
    )


def _theirs(request: SchoolRequest) -> Q:
    staff_id = request.membership.staff_id
    if staff_id is None:
        return Q(pk__in=[])
    return Q(key_adult_id=staff_id) | Q(co_worker_id=staff_id)


def access_relationship(request: SchoolRequest, relationship_id: uuid.UUID) -> KeyAdultRelationship:
    """A relationship the lead oversees, or one where this adult is key adult or co-worker."""
    rels = _relationships().filter(pk=relationship_id)
    if not request.membership.can(Permission.MANAGE_CHECKINS):
        rels = rels.filter(_theirs(request))
    relationship = rels.first()
    if relationship is None:
        raise Http404
    access_pupil(request, relationship.pupil_id)
    return relationship


def access_loggable(request: SchoolRequest, relationship_id: uuid.UUID) -> KeyAdultRelationship:
    """A current relationship where this adult is the key adult or the named co-worker.

    Leads oversee check-ins but do not log them for other adults' children.
    """
    relationship = (
        _relationships().filter(_theirs(request), pk=relationship_id, ended_on__isnull=True).first()
    )
    if relationship is None:
        raise Http404
    return relationship


def access_plan_relationship(request: SchoolRequest, pupil_id: uuid.UUID) -> KeyAdultRelationship:
    """The child's current relationship, for agreeing its check-in plan."""
    pupil = access_pupil(request, pupil_id)
    rels = _relationships().filter(pupil=pupil, ended_on__isnull=True)
    if not request.membership.can(Permission.MANAGE_CHECKINS):
        rels = rels.filter(_theirs(request))
    relationship = rels.first()
    if relationship is None:
        raise Http404
    return relationship
