"""Break glass: a DSL's time-limited, logged access to a child they cannot normally read."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.auditlog.record import digest
from attune.auditlog.verify import audit_chain_verify
from attune.incidents.testing import record_incident
from attune.plans.models import Meeting
from attune.plans.testing import meeting
from attune.privacy.models import BreakGlassGrant
from attune.tenancy import school_scope
from attune.testing import SchoolWorld, SignedIn, make_dsl

pytestmark = pytest.mark.django_db

REASON = "Call from the police about Maya this morning; I need her history."


def glass_url(world: SchoolWorld) -> str:
    kwargs = {"urn": world.school.urn, "pupil_id": world.child.pk}
    return reverse("privacy:break_glass", kwargs=kwargs)


def meeting_url(world: SchoolWorld, item: Meeting) -> str:
    return reverse("plans:meeting", kwargs={"urn": world.school.urn, "meeting_id": item.public_id})


def report_url(world: SchoolWorld) -> str:
    return reverse("privacy:break_glass_report", kwargs={"urn": world.school.urn})


def grants(world: SchoolWorld) -> list[BreakGlassGrant]:
    with school_scope(world.school):
        return list(BreakGlassGrant.objects.all())


def test_break_glass_opens_the_record_for_four_hours_and_logs_every_read(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    team, secret = meeting(world, "team"), meeting(world, "dsl")
    make_dsl(world.key_adult_user)  # a key adult, but not Maya's
    dsl = signed_in(world.key_adult_user)
    assert dsl.get(meeting_url(world, team)).status_code == 404
    assert dsl.get(meeting_url(world, secret)).status_code == 404

    page = dsl.get(glass_url(world))
    assert page.status_code == 200 and 'name="reason"' in page.text
    assert dsl.post(glass_url(world), {"reason": REASON}).status_code == 302

    [grant] = grants(world)
    assert grant.expires_at - grant.granted_at == timedelta(hours=4)
    assert "until" in dsl.get(glass_url(world)).text
    assert "Decided at the team meeting." in dsl.get(meeting_url(world, team)).text
    assert "Decided at the dsl meeting." in dsl.get(meeting_url(world, secret)).text
    granted = AuditEvent.objects.get(action=Action.BREAK_GLASS_GRANTED)
    # The reason says what happened to the child: the report shows it, the trail a digest.
    assert granted.changes["reason"] == digest(REASON) and granted.pupil_id == world.child.pk
    reads = AuditEvent.objects.filter(action=Action.BREAK_GLASS_READ).order_by("id")
    assert [e.changes["page"] for e in reads] == [
        meeting_url(world, team),
        meeting_url(world, secret),
    ]
    assert {e.object_id for e in reads} == {str(grant.pk)}
    assert {e.pupil_id for e in reads} == {world.child.pk}
    assert audit_chain_verify(world.school) is None
    # Reading only: break glass does not let them write to the child's record.
    kwargs = {"urn": world.school.urn, "pupil_id": world.child.pk}
    assert dsl.get(reverse("plans:meeting_new", kwargs=kwargs)).status_code == 403


def test_break_glass_opens_the_childs_incidents_too(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    incident = record_incident(
        world,
        occurred_at=timezone.now() - timedelta(days=2),
        before="A loud fire drill.",
        regulated_by=world.other_adult,
    )
    kwargs = {"urn": world.school.urn, "incident_id": incident.pk}
    incident_url = reverse("incidents:incident", kwargs=kwargs)
    make_dsl(world.key_adult_user)
    dsl = signed_in(world.key_adult_user)
    assert dsl.get(incident_url).status_code == 404
    dsl.post(glass_url(world), {"reason": REASON})
    assert "fire drill" in dsl.get(incident_url).text
    read = AuditEvent.objects.filter(action=Action.BREAK_GLASS_READ).latest("id")
    assert read.changes["page"] == incident_url


def test_after_expiry_the_record_is_closed_again(world: SchoolWorld, signed_in: SignedIn) -> None:
    team = meeting(world, "team")
    make_dsl(world.key_adult_user)
    dsl = signed_in(world.key_adult_user)
    dsl.post(glass_url(world), {"reason": REASON})
    with school_scope(world.school):
        BreakGlassGrant.objects.update(
            granted_at=timezone.now() - timedelta(hours=5),
            expires_at=timezone.now() - timedelta(hours=1),
        )
    assert dsl.get(meeting_url(world, team)).status_code == 404
    assert not AuditEvent.objects.filter(action=Action.BREAK_GLASS_READ).exists()
    assert 'name="reason"' in dsl.get(glass_url(world)).text  # may ask again


def test_only_a_dsl_may_break_glass_and_needs_a_reason(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    team = meeting(world, "team")
    assert signed_in(world.teacher).get(glass_url(world)).status_code == 403
    assert signed_in(world.lead).post(glass_url(world), {"reason": REASON}).status_code == 403
    make_dsl(world.teacher)
    teacher = signed_in(world.teacher)
    short = teacher.post(glass_url(world), {"reason": "need it"})
    assert short.status_code == 200 and "Say why you need this child" in short.text
    assert teacher.post(glass_url(world), {"reason": ""}).status_code == 200
    assert grants(world) == []
    assert teacher.get(meeting_url(world, team)).status_code == 404
    teacher.post(glass_url(world), {"reason": REASON})
    assert teacher.get(meeting_url(world, team)).status_code == 200


def test_another_schools_dsl_cannot(
    world: SchoolWorld, other_world: SchoolWorld, signed_in: SignedIn
) -> None:
    team = meeting(world, "team")
    make_dsl(other_world.head)
    outsider = signed_in(other_world.head)
    assert outsider.get(glass_url(world)).status_code == 404
    assert outsider.post(glass_url(world), {"reason": REASON}).status_code == 404
    assert outsider.get(meeting_url(world, team)).status_code == 404
    assert grants(world) == [] and grants(other_world) == []
    # Their own school's URL with our child's id is no better.
    kwargs = {"urn": other_world.school.urn, "pupil_id": world.child.pk}
    mixed = reverse("privacy:break_glass", kwargs=kwargs)
    assert outsider.post(mixed, {"reason": REASON}).status_code == 404


def test_the_head_and_lead_see_every_use(
    world: SchoolWorld,
    other_world: SchoolWorld,
    signed_in: SignedIn,
    django_assert_max_num_queries: Any,
) -> None:
    team = meeting(world, "team")
    make_dsl(world.key_adult_user)
    dsl = signed_in(world.key_adult_user)
    dsl.post(glass_url(world), {"reason": REASON})
    dsl.get(meeting_url(world, team))
    kwargs = {"urn": world.school.urn, "pupil_id": world.child.pk}
    dsl.get(reverse("plans:chronology", kwargs=kwargs))

    for account in (world.head, world.lead):
        page = signed_in(account).get(report_url(world)).text
        assert world.key_adult_user.email in page and "Maya Fletcher" in page
        assert REASON in page and "2 pages opened" in page
        assert meeting_url(world, team) in page
    assert signed_in(world.teacher).get(report_url(world)).status_code == 403
    assert signed_in(world.key_adult_user).get(report_url(world)).status_code == 403
    other = signed_in(other_world.head).get(report_url(other_world))
    assert "Maya" not in other.text and "Nobody has broken the glass" in other.text

    for _ in range(3):
        dsl.post(glass_url(world), {"reason": REASON})
        dsl.get(meeting_url(world, team))
    head = signed_in(world.head)
    head.get(report_url(world))
    # Session, user, second factor, membership; then the grants and their reads.
    with django_assert_max_num_queries(7):
        assert head.get(report_url(world)).status_code == 200
