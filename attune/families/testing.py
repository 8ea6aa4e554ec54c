"""Builders for tests of the family page: Maya's family at Hollybrook (her mum has parental
responsibility; her dad is marked "no contact"), a note that went home, and a signed-in client."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from attune.accounts.links import link_access_grant
from attune.accounts.models import User
from attune.checkins.models import Noticing, ShareChannel
from attune.families.ties import FAMILY_PURPOSE
from attune.people.models import Contact, ContactSource, Pupil, PupilContact
from attune.relationships.models import KeyAdultRelationship
from attune.tenancy import school_scope

if TYPE_CHECKING:
    from attune.testing import SchoolWorld


def contact_for(
    pupil: Pupil, *, forename: str, surname: str, email: str, **link: Any
) -> PupilContact:
    """A contact of the child, from the MIS, with parental responsibility unless told."""
    with school_scope(pupil.school):
        person = Contact.objects.create(
            school_id=pupil.school_id,
            forename=forename,
            surname=surname,
            email=email,
            source=ContactSource.MIS,
        )
        values: dict[str, Any] = {
            "school_id": pupil.school_id,
            "pupil": pupil,
            "contact": person,
            "relationship": "Parent",
            "priority": 1,
            "parental_responsibility": True,
            "source": ContactSource.MIS,
            "started_on": timezone.localdate() - timedelta(days=400),
        }
        return PupilContact.objects.create(**(values | link))


def let_in(link: PupilContact) -> User:
    """Grant the family access by link (as ``family_invite`` does, without the email)."""
    access = link_access_grant(
        actor=None, email=link.contact.email, purpose=FAMILY_PURPOSE, target=str(link.contact_id)
    )
    return access.user


def note_home(world: SchoolWorld, **overrides: Any) -> Noticing:
    """A positive note about Maya, from Priya, that went home by email."""
    with school_scope(world.school):
        relationship = KeyAdultRelationship.objects.filter(
            pupil=world.child, ended_on__isnull=True
        ).first() or KeyAdultRelationship.objects.create(
            school=world.school,
            pupil=world.child,
            key_adult=world.key_adult,
            started_on=timezone.localdate() - timedelta(days=200),
            reason="Maya goes to her.",
        )
        values: dict[str, Any] = {
            "school": world.school,
            "relationship": relationship,
            "pupil": world.child,
            "on": timezone.localdate(),
            "proud_of": "Reading to the class",
            "noticed": "She helped a friend tidy up",
            "shared_by": ShareChannel.EMAIL,
            "recorded_by_staff": world.key_adult,
        }
        return Noticing.objects.create(**(values | overrides))


@dataclass
class Family:
    mum: PupilContact  # parental responsibility
    dad: PupilContact  # marked "no contact"
    note: Noticing


def maya_family(world: SchoolWorld) -> Family:
    mum = contact_for(world.child, forename="Sam", surname="Fletcher", email="sam@example.org")
    dad = contact_for(
        world.child,
        forename="Lee",
        surname="Fletcher",
        email="lee@example.org",
        priority=2,
        no_contact=True,
    )
    return Family(mum, dad, note_home(world))
