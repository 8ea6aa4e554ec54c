"""The family tie, for the access rules: a parent or carer reaches a child when they hold a
live sign-in by emailed link for a contact the school records for that child with parental
responsibility and no "no contact" mark (``people.contacts.MAY_HEAR``).

Read afresh on every page, so a mark set by the MIS or by staff stops the family at once.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet

from attune.access.rules import Tie
from attune.access.standing import as_uuid
from attune.access.ties import provide, provide_for_person
from attune.accounts.models import LinkAccess, Membership, User
from attune.people.contacts import MAY_HEAR
from attune.people.models import PupilContact
from attune.tenancy import scopes_disabled

FAMILY_PURPOSE = "families.family"


def contact_ids_of(user: User) -> list[uuid.UUID]:
    """The contacts this person holds a live family access for (revoked ones left out)."""
    targets = LinkAccess.objects.filter(
        user=user, purpose=FAMILY_PURPOSE, revoked_at__isnull=True
    ).values_list("target", flat=True)
    return [key for target in targets if (key := as_uuid(target)) is not None]


def family_rows(user: User) -> QuerySet[Any]:
    """One row per child this person holds the family tie with (``pupil_id``), any school."""
    with scopes_disabled():
        # Only while the school still holds this person's address for the contact: a new
        # email from the MIS or staff moves the family page to whoever has that address.
        return PupilContact.objects.filter(
            MAY_HEAR, contact_id__in=contact_ids_of(user), contact__email__iexact=user.email
        ).values("pupil_id", "contact_id")


def never_through_a_school(membership: Membership) -> None:
    """Staff never hold the family tie through their membership."""
    return None


def register() -> None:
    provide(Tie.FAMILY, never_through_a_school)
    provide_for_person(Tie.FAMILY, family_rows)
