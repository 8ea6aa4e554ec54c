"""The family raises a worry or an idea ("you said, we did") and says how they want to hear
good news, with their consent: each through the school's own service, each audited."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from attune.accounts.testing import sign_in_by_link
from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.checkins.models import FamilySharing
from attune.families.testing import Family, let_in
from attune.plans.models import RaisedBy, YouSaid
from attune.tenancy import school_scope, scopes_disabled
from attune.testing import SchoolWorld, SignedIn

pytestmark = pytest.mark.django_db


def url(name: str, world: SchoolWorld) -> str:
    return reverse(f"family:{name}", kwargs={"pupil_id": world.child.pk})


def test_a_family_raises_a_worry_and_it_waits_for_the_school(
    world: SchoolWorld, family: Family, signed_in: SignedIn
) -> None:
    client = sign_in_by_link(Client(), let_in(family.mum))
    assert client.get(url("you_said", world)).status_code == 200
    sent = client.post(
        url("you_said", world), {"kind": "concern", "their_words": "Maya is sad at lunch."}
    )
    assert sent.status_code == 302
    with school_scope(world.school):
        item = YouSaid.objects.get()
    assert item.raised_by == RaisedBy.FAMILY and item.raised_by_name == "Sam Fletcher"
    page = client.get(url("child", world)).content.decode()
    assert "Maya is sad at lunch." in page
    lead = signed_in(world.lead)
    waiting = lead.get(reverse("plans:you_said_waiting", kwargs={"urn": world.school.urn}))
    assert "Maya is sad at lunch." in waiting.content.decode()


def test_a_family_says_how_to_hear_good_news_with_consent(
    world: SchoolWorld, family: Family
) -> None:
    client = sign_in_by_link(Client(), let_in(family.mum))
    refused = client.post(url("hearing", world), {"channel": "email"})
    assert refused.status_code == 200 and "Tick the box" in refused.content.decode()
    client.post(url("hearing", world), {"channel": "email", "consent": "on"})
    with school_scope(world.school):
        sharing = FamilySharing.objects.get(pupil=world.child)
    assert sharing.channel == "email" and sharing.email == "sam@example.org"
    assert sharing.consent_given_on is not None and "Sam Fletcher" in sharing.consent_given_by
    with scopes_disabled():
        assert AuditEvent.objects.filter(action=Action.SHARING_HOME_SET.value).exists()


def test_in_a_nursery_a_note_from_home_joins_the_development_record() -> None:
    from attune import testing
    from attune.earlyyears.models import DevelopmentEntry
    from attune.families.testing import contact_for
    from attune.people.models import Phase, School

    world = testing.school_world("100077", "Little Acorns Nursery")
    School.objects.filter(pk=world.school.pk).update(phase=Phase.EARLY_YEARS)
    mum = contact_for(world.child, forename="Sam", surname="Fletcher", email="sam@example.org")
    client = sign_in_by_link(Client(), let_in(mum))
    assert client.get(url("home_note", world)).status_code == 200
    client.post(
        url("home_note", world), {"text": "Counted the stairs to ten.", "area": "mathematics"}
    )
    with school_scope(world.school):
        entry = DevelopmentEntry.objects.get(pupil=world.child)
    assert entry.kind == "from_home" and entry.said_by == "Sam Fletcher"
    assert entry.shared_with_family
    with scopes_disabled():
        assert AuditEvent.objects.filter(action=Action.EY_DEVELOPMENT_ADDED.value).exists()


def test_a_school_has_no_note_from_home_page(world: SchoolWorld, family: Family) -> None:
    client = sign_in_by_link(Client(), let_in(family.mum))
    assert client.get(url("home_note", world)).status_code == 404
