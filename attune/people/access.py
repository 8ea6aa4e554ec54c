"""Who may see which child. Every view that shows a child calls :func:`access_pupil` first."""

from __future__ import annotations

import uuid

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from attune.accounts.models import Membership
from attune.accounts.roles import Permission, Role
from attune.http import SchoolRequest
from attune.people.models import Cohort, CohortMembership, Pupil
from attune.relationships.models import KeyAdultRelationship
from attune.virtualschool.sharing import shared_cohorts

VIRTUAL_SCHOOL_COHORTS = (
    Cohort.LOOKED_AFTER,
    Cohort.PREVIOUSLY_LOOKED_AFTER,
    Cohort.CHILD_IN_NEED,
    Cohort.CHILD_PROTECTION_PLAN,
    Cohort.SOCIAL_WORKER_EVER6,
    Cohort.KINSHIP_CARE,
)


def visible_pupils(membership: Membership) -> QuerySet[Pupil]:
    """The pupils this membership may see at all (already scoped to the school)."""
    pupils = Pupil.objects.all()
    if membership.role == Role.VIRTUAL_SCHOOL:
        # Only the cohorts the school has agreed to share (virtualschool.SharingAgreement).
        in_cohort = CohortMembership.objects.filter(
            pupil=OuterRef("pk"),
            cohort__in=shared_cohorts(membership.school_id),
            end_date__isnull=True,
        )
        pupils = pupils.filter(Exists(in_cohort))
    elif not membership.can(Permission.VIEW_PUPILS):
        pupils = pupils.none()
    return pupils


def my_key_children(membership: Membership) -> QuerySet[Pupil]:
    """Children for whom this user's staff record is the current key adult or co-worker."""
    if membership.staff_id is None:
        return Pupil.objects.none()
    mine = KeyAdultRelationship.objects.filter(
        Q(key_adult_id=membership.staff_id) | Q(co_worker_id=membership.staff_id),
        pupil=OuterRef("pk"),
        ended_on__isnull=True,
    )
    return Pupil.objects.filter(Exists(mine))


def access_pupil(request: SchoolRequest, pupil_id: uuid.UUID | str) -> Pupil:
    """The pupil if this user may see them; the same 404 whether missing or forbidden."""
    try:
        key = uuid.UUID(str(pupil_id))
    except ValueError:
        raise Http404 from None
    pupil = visible_pupils(request.membership).filter(pk=key).first()
    if pupil is None:
        raise Http404
    return pupil


def can_see_sensitive(membership: Membership, pupil: Pupil) -> bool:
    """Cohort flags and needs: for leads, and for a child's own key adult and co-worker; and
    for a designated safeguarding lead who has broken the glass for this child (logged)."""
    from attune.privacy.break_glass import break_glass_open

    if membership.can(Permission.VIEW_ALL_SENSITIVE):
        return True
    if (
        membership.can(Permission.VIEW_OWN_SENSITIVE)
        and my_key_children(membership).filter(pk=pupil.pk).exists()
    ):
        return True
    return break_glass_open(membership, pupil, timezone.now())


def can_edit_about_me(membership: Membership, pupil: Pupil) -> bool:
    if membership.can(Permission.EDIT_ABOUT_ME):
        return True
    return (
        membership.role == Role.KEY_ADULT
        and my_key_children(membership).filter(pk=pupil.pk).exists()
    )
