"""Attunement levels with dated evidence, progress over time, and guiding targets held back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.checkins.models import AttunementRecord, RelationshipTarget
from attune.relationships.models import KeyAdultRelationship
from attune.tenancy import school_scope
from attune.testing import SchoolWorld, SignedIn

pytestmark = pytest.mark.django_db


def url(world: SchoolWorld, relationship: KeyAdultRelationship, name: str = "attunement") -> str:
    kwargs = {"urn": world.school.urn, "relationship_id": relationship.pk}
    return reverse(f"checkins:{name}", kwargs=kwargs)


def record(
    level: int, days_ago: int, evidence: str = "Waited for me at the door."
) -> dict[str, str]:
    on = timezone.localdate() - timedelta(days=days_ago)
    return {"on": on.isoformat(), "level": str(level), "evidence": evidence}


def test_levels_are_recorded_with_evidence_and_progress_is_shown_over_time(
    world: SchoolWorld, relationship: KeyAdultRelationship, signed_in: SignedIn
) -> None:
    client = signed_in(world.key_adult_user)
    page = client.get(url(world, relationship))
    assert "Kennedy, H., Landor, M. &amp; Todd, L. (eds.) (2011)" in page.text
    assert "No level has been recorded yet." in page.text

    assert client.post(url(world, relationship), record(1, 60)).status_code == 302
    client.post(url(world, relationship), record(3, 10, "Told me about her drawing."))

    page = client.get(url(world, relationship))
    assert "Now at &#x27;Receiving initiatives&#x27;. The relationship has moved on" in page.text
    assert page.text.index("1. Being attentive") < page.text.index("3. Receiving initiatives")
    assert "Told me about her drawing." in page.text
    with school_scope(world.school):
        assert AttunementRecord.objects.count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (record(2, -3), "the date cannot be in the future"),
        (record(2, 400), "The date cannot be before the relationship started"),
        (record(2, 1, evidence=" "), "This field is required."),
    ],
    ids=["future", "before start", "no evidence"],
)
def test_bad_records_are_refused_with_a_message(
    world: SchoolWorld,
    relationship: KeyAdultRelationship,
    signed_in: SignedIn,
    data: dict[str, str],
    message: str,
) -> None:
    response = signed_in(world.key_adult_user).post(url(world, relationship), data)
    assert response.status_code == 200
    assert message in response.text
    with school_scope(world.school):
        assert not AttunementRecord.objects.exists()


def test_guiding_targets_wait_until_the_relationship_is_attuned(
    world: SchoolWorld, relationship: KeyAdultRelationship, signed_in: SignedIn
) -> None:
    client = signed_in(world.key_adult_user)
    guiding = {"target-principle": "5", "target-text": "Plan the lunch hall together."}
    client.post(url(world, relationship), record(2, 20))

    refused = client.post(url(world, relationship, "target"), guiding)

    assert refused.status_code == 200
    assert "Guiding targets are held back until the relationship is recorded as attuned" in (
        refused.text
    )
    assert "currently: encouraging initiatives" in refused.text
    assert 'value="Plan the lunch hall together."' in refused.text
    earlier = {"target-principle": "2", "target-text": "Wait ten seconds before speaking."}
    assert client.post(url(world, relationship, "target"), earlier).status_code == 302

    client.post(url(world, relationship), record(4, 1))
    assert client.post(url(world, relationship, "target"), guiding).status_code == 302
    with school_scope(world.school):
        assert list(RelationshipTarget.objects.values_list("principle", flat=True)) == [2, 5]


def test_other_adults_and_other_schools_cannot_reach_it(
    world: SchoolWorld,
    other_world: SchoolWorld,
    relationship: KeyAdultRelationship,
    signed_in: SignedIn,
) -> None:
    assert signed_in(world.teacher).get(url(world, relationship)).status_code == 404
    assert signed_in(world.lead).get(url(world, relationship)).status_code == 200
    client = signed_in(other_world.lead)
    assert client.get(url(world, relationship)).status_code == 404
    assert client.post(url(world, relationship), record(2, 1)).status_code == 404


def test_the_page_logs_a_read_and_the_trail_keeps_no_evidence(
    world: SchoolWorld, relationship: KeyAdultRelationship, signed_in: SignedIn
) -> None:
    assert signed_in(world.teacher).get(url(world, relationship)).status_code == 404
    assert not AuditEvent.objects.filter(action=Action.RECORD_VIEWED).exists()
    client = signed_in(world.key_adult_user)

    assert client.get(url(world, relationship)).status_code == 200
    client.post(url(world, relationship), record(2, 1, "Smiled when I said her name."))

    [read] = AuditEvent.objects.filter(action=Action.RECORD_VIEWED)
    assert (read.pupil_id, read.actor_id) == (world.child.pk, world.key_adult_user.pk)
    event = AuditEvent.objects.get(action=Action.ATTUNEMENT_RECORDED)
    assert event.pupil_id == world.child.pk
    assert "Smiled" not in str(event.changes)
