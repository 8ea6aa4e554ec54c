"""Which relationships a signed-in adult may work on. The same 404 for missing or not theirs."""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet
from django.http import Http404

from attune.accounts.roles import Permission
from attune.checkins.models import KeepInTouchRoutine
from attune.http import SchoolRequest
from attune.people.access import access_pupil
from attune.people.models import Pupil
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


def _is_key_adult(request: SchoolRequest, pupil: Pupil) -> bool:
    staff_id = request.membership.staff_id
    return (
        staff_id is not None
        and KeyAdultRelationship.objects.filter(
            pupil=pupil, key_adult_id=staff_id, ended_on__isnull=True
        ).exists()
    )


def access_family_pupil(request: SchoolRequest, pupil_id: uuid.UUID) -> Pupil:
    """A child whose family arrangements this adult may set: leads, or the child's key adult."""
    pupil = access_pupil(request, pupil_id)
    if request.membership.can(Permission.MANAGE_CHECKINS) or _is_key_adult(request, pupil):
        return pupil
    raise Http404


def can_set_family_arrangements(request: SchoolRequest, pupil: Pupil) -> bool:
    return request.membership.can(Permission.MANAGE_CHECKINS) or _is_key_adult(request, pupil)


def access_contact_pupil(request: SchoolRequest, pupil_id: uuid.UUID) -> Pupil:
    """A child this adult keeps in touch with: leads, the key adult and co-worker, and the
    adult named in the child's keeping-in-touch routine."""
    pupil = access_pupil(request, pupil_id)
    if request.membership.can(Permission.MANAGE_CHECKINS):
        return pupil
    staff_id = request.membership.staff_id
    if staff_id is not None and (
        KeyAdultRelationship.objects.filter(
            Q(key_adult_id=staff_id) | Q(co_worker_id=staff_id),
            pupil=pupil,
            ended_on__isnull=True,
        ).exists()
        or KeepInTouchRoutine.objects.filter(pupil=pupil, staff_id=staff_id).exists()
    ):
        return pupil
    raise Http404
