"""Good news by email goes to the parent or carer the school's MIS lists first with parental
responsibility, unless the family asked for another address (then typed by hand, as before)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attune.accounts.models import User
from attune.checkins.models import EmailHome, FamilySharing
from attune.checkins.tests.conftest import make_relationship
from attune.people.models import Contact, ContactSource, PupilContact
from attune.relationships.models import KeyAdultRelationship
from attune.tenancy import school_scope
from attune.testing import SchoolWorld

pytestmark = pytest.mark.django_db

SignedIn = Callable[[User], Client]


@pytest.fixture
def relationship(world: SchoolWorld) -> KeyAdultRelationship:
    return make_relationship(world)


def family_contact(world: SchoolWorld, **link: Any) -> PupilContact:
    email = link.pop("email", "sam.fletcher@example.org")
    with school_scope(world.school):
        person = Contact.objects.create(
            school=world.school,
            title="Ms",
            forename="Sam",
            surname="Fletcher",
            email=email,
            source=ContactSource.MIS,
        )
        values: dict[str, Any] = {
            "relationship": "Mother",
            "priority": 1,
            "parental_responsibility": True,
            "source": ContactSource.MIS,
            "started_on": timezone.localdate() - timedelta(days=30),
        }
        return PupilContact.objects.create(
            school=world.school, pupil=world.child, contact=person, **(values | link)
        )


def sharing_url(world: SchoolWorld) -> str:
    return reverse("checkins:sharing", kwargs={"urn": world.school.urn, "pupil_id": world.child.pk})


def agree_email(client: Client, world: SchoolWorld, **fields: str) -> Any:
    data = {
        "channel": "email",
        "email_from": "mis",
        "email": "",
        "consent_given_by": "Mum, at the review meeting",
        "consent_given_on": (timezone.localdate() - timedelta(days=3)).isoformat(),
    } | fields
    return client.post(sharing_url(world), data)


def notice_by_email(client: Client, world: SchoolWorld) -> Any:
    return client.post(
        reverse("checkins:noticing", kwargs={"urn": world.school.urn}),
        {
            "pupil": str(world.child.pk),
            "on": timezone.localdate().isoformat(),
            "child_in_school": "yes",
            "proud_of": "Reading her poem.",
            "noticed": "Helping a new girl.",
            "shared_by": "email",
        },
    )


def the_email(world: SchoolWorld) -> EmailHome:
    with school_scope(world.school):
        return EmailHome.objects.get()


def test_the_sharing_page_offers_the_mis_contact_first(
    world: SchoolWorld, relationship: KeyAdultRelationship, signed_in: SignedIn
) -> None:
    family_contact(world)
    page = signed_in(world.key_adult_user).get(sharing_url(world)).content.decode()
    assert (
        "good news goes to <strong>Ms Sam Fletcher</strong> (Mother) at sam.fletcher@example.org"
        in page
    )
    assert re.search(r'<input type="radio" name="email_from" value="mis"[^>]* checked', page)


def test_email_goes_to_the_mis_contact_and_follows_changes_in_the_mis(
    world: SchoolWorld, relationship: KeyAdultRelationship, signed_in: SignedIn
) -> None:
    link = family_contact(world)
    client = signed_in(world.key_adult_user)
    assert agree_email(client, world).status_code == 302
    notice_by_email(client, world)
    email = the_email(world)
    assert email.to == "sam.fletcher@example.org"
    assert email.body.startswith("Hello Ms Sam Fletcher,")
    with school_scope(world.school):
        Contact.objects.filter(pk=link.contact_id).update(email="sam.new@example.org")
        EmailHome.objects.all().delete()
    notice_by_email(client, world)
    assert the_email(world).to == "sam.new@example.org"


def test_the_address_the_family_asked_for_wins(
    world: SchoolWorld, relationship: KeyAdultRelationship, signed_in: SignedIn
) -> None:
    family_contact(world)
    client = signed_in(world.key_adult_user)
    agree_email(client, world, email_from="typed", email="gran@example.org", home_name="Gran")
    notice_by_email(client, world)
    email = the_email(world)
    assert (email.to, email.body.splitlines()[0]) == ("gran@example.org", "Hello Gran,")


@pytest.mark.parametrize(
    "link",
    [
        {"parental_responsibility": False},
        {"no_contact": True},
        {"email": ""},
        {"ended_on": timezone.localdate()},
    ],
)
def test_no_usable_mis_contact_means_the_address_must_be_typed(
    world: SchoolWorld, relationship: KeyAdultRelationship, signed_in: SignedIn, link: Any
) -> None:
    family_contact(world, **link)
    response = agree_email(signed_in(world.key_adult_user), world)
    assert response.status_code == 200
    assert "has no email address for a parent or carer with parental responsibility" in (
        response.content.decode()
    )
    with school_scope(world.school):
        assert not FamilySharing.objects.exists()


def test_priority_orders_the_contacts_with_parental_responsibility(
    world: SchoolWorld, relationship: KeyAdultRelationship, signed_in: SignedIn
) -> None:
    family_contact(world, priority=2, email="second@example.org")
    family_contact(world, priority=1, parental_responsibility=False, email="nopr@example.org")
    family_contact(world, priority=None, email="unranked@example.org")
    client = signed_in(world.key_adult_user)
    agree_email(client, world)
    notice_by_email(client, world)
    assert the_email(world).to == "second@example.org"


def test_a_contact_marked_no_contact_after_agreeing_stops_the_email(
    world: SchoolWorld, relationship: KeyAdultRelationship, signed_in: SignedIn
) -> None:
    link = family_contact(world)
    client = signed_in(world.key_adult_user)
    agree_email(client, world)
    with school_scope(world.school):
        PupilContact.objects.filter(pk=link.pk).update(no_contact=True)
    response = notice_by_email(client, world)
    assert "There is no email address for this family yet" in response.content.decode()
    with school_scope(world.school):
        assert not EmailHome.objects.exists()
