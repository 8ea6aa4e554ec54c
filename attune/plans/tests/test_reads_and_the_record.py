"""Issue 17 in the plans app: every page about a child logs its read, the audit record keeps no
note's words, and notes for the DSL only reach nobody else (not even through a handover pack
or a list of meeting actions)."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest

from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.plans.services import (
    Owner,
    contact_log,
    meeting_action_add,
    next_step_add,
    plan_close,
    target_add,
    you_said_raise,
    you_said_respond,
)
from attune.plans.testing import meeting
from attune.plans.tests.test_handover import pdf_text
from attune.plans.tests.test_plans import days, make_plan, today
from attune.relationships.models import KeyAdultRelationship
from attune.tenancy import school_scope
from attune.testing import SchoolUrls, SchoolWorld, SignedIn, make_dsl

pytestmark = pytest.mark.django_db

MARKER = "Zebra-marker-417"


url = SchoolUrls("plans")


def test_every_page_of_a_childs_record_logs_its_read(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    plan = make_plan(world)
    team_meeting = meeting(world, "team", "Meet at the side gate.", held_on=days(-2))
    client = signed_in(world.lead)
    child = {"pupil_id": world.child.pk}
    pages = [
        url(world, "pupil_plans", **child),
        url(world, "chronology", **child),
        url(world, "contacts", **child),
        url(world, "handover", **child),
        url(world, "plan", plan_id=plan.public_id),
        url(world, "meeting", meeting_id=team_meeting.public_id),
    ]
    for page in pages:
        assert client.get(page).status_code == 200, page

    reads = AuditEvent.objects.filter(action=Action.RECORD_VIEWED).order_by("pk")
    assert [(e.pupil_id, e.actor_id, e.changes["page"]) for e in reads] == [
        (world.child.pk, world.lead.pk, page) for page in pages
    ]


def test_a_refused_page_logs_no_read(world: SchoolWorld, signed_in: SignedIn) -> None:
    secret = meeting(world, "dsl", "Strategy meeting.", held_on=days(-2))
    teacher = signed_in(world.teacher)
    assert teacher.get(url(world, "chronology", pupil_id=world.child.pk)).status_code == 403
    assert teacher.get(url(world, "meeting", meeting_id=secret.public_id)).status_code == 404
    assert not AuditEvent.objects.filter(action=Action.RECORD_VIEWED).exists()


def test_the_audit_record_keeps_no_words_of_a_note(world: SchoolWorld) -> None:
    plan = make_plan(world)
    words = f"{MARKER} said at home"
    with school_scope(world.school):
        target_add(
            actor=world.lead,
            plan=plan,
            description=words,
            owner=Owner("parent", name=words),
            success_criteria=words,
            baseline=Decimal(1),
            target_value=Decimal(3),
            unit="days",
            by_date=days(30),
        )
        next_step_add(
            actor=world.lead,
            plan=plan,
            description=words,
            owner=Owner("professional", name=words),
            success_criteria=words,
            due_on=None,
        )
        for level in ("team", "dsl"):
            held = meeting(world, level, words, held_on=days(-2))
            meeting_action_add(
                actor=world.lead,
                meeting=held,
                description=words,
                owner=Owner("parent", name=words),
                due_on=days(3),
            )
            contact_log(
                actor=world.lead,
                pupil=world.child,
                contacted_on=today(),
                with_kind="parent_carer",
                with_name=words,
                method="phone",
                summary=words,
                agreed=words,
                about_absence=False,
                sensitivity=level,
                today=today(),
            )
        item = you_said_raise(
            actor=world.lead,
            school=world.school,
            pupil=world.child,
            kind="concern",
            raised_by="family",
            raised_by_name=words,
            their_words=words,
            raised_on=today(),
            today=today(),
        )
        you_said_respond(
            actor=world.lead,
            item=item,
            status="not_taken_forward",
            what_we_did=words,
            done_by=None,
            done_on=today(),
            not_forward_reason=words,
            today=today(),
        )
        plan_close(actor=world.lead, plan=plan, ended_on=today(), reason=words, today=today())
        events = list(AuditEvent.objects.exclude(action=Action.RECORD_VIEWED))

    assert len(events) >= 10
    assert not [e.action for e in events if MARKER in json.dumps(e.changes)]
    closed = next(e for e in events if e.action == Action.PLAN_CLOSED)
    assert set(closed.changes["end_reason"][1]) == {"digest", "length"}  # that it changed


def test_notes_for_the_dsl_only_reach_nobody_else(world: SchoolWorld, signed_in: SignedIn) -> None:
    make_plan(world)
    with school_scope(world.school):
        KeyAdultRelationship.objects.create(
            school=world.school,
            pupil=world.child,
            key_adult=world.key_adult,
            started_on=days(-60),
            reason="Maya asked for her.",
        )
    for level, words in (("team", "Seat by the window"), ("dsl", "Police strategy meeting")):
        held = meeting(world, level, words, held_on=days(-2))
        with school_scope(world.school):
            meeting_action_add(
                actor=world.lead,
                meeting=held,
                description=f"Follow up: {words}",
                owner=Owner("staff", world.key_adult),
                due_on=days(3),
            )
    make_dsl(world.head)
    pack = {"recipient": "key_adult", "format": "pdf"}

    # Maya's key adult is in her team, but not the DSL.
    key_adult = signed_in(world.key_adult_user)
    actions = key_adult.get(url(world, "reviews_due")).text
    assert "Seat by the window" in actions and "Police strategy" not in actions
    assert "You also own 1 action from meetings you cannot open." in actions
    handover = url(world, "handover", pupil_id=world.child.pk)
    lead_pack = pdf_text(signed_in(world.lead).get(handover, pack).content)
    assert lead_pack.count("Team around the child meeting") == 1
    # A pack leaves the school's hands: even the DSL's holds no note for the DSL only.
    head = signed_in(world.head)
    head_pack = pdf_text(head.get(handover, pack).content)
    assert head_pack.count("Team around the child meeting") == 1
    chronology = head.get(url(world, "chronology", pupil_id=world.child.pk)).text
    assert "Police strategy meeting" in chronology  # the DSL reads it in Attune


def test_a_lead_who_is_not_the_dsl_never_sees_the_words(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    secret = meeting(world, "dsl", "Disclosure passed to children's services.", held_on=days(-2))
    with school_scope(world.school):
        contact_log(
            actor=world.head,
            pupil=world.child,
            contacted_on=today() - timedelta(days=1),
            with_kind="social_worker",
            with_name="Sam Adeyemi",
            method="phone",
            summary="Strategy discussion arranged.",
            agreed="",
            about_absence=False,
            sensitivity="dsl",
            today=today(),
        )
    lead = signed_in(world.lead)
    child = {"pupil_id": world.child.pk}
    for name in ("pupil_plans", "chronology", "contacts"):
        page = lead.get(url(world, name, **child)).text
        assert "Disclosure" not in page and "Strategy discussion" not in page, name
    assert lead.get(url(world, "meeting", meeting_id=secret.public_id)).status_code == 404
    pack = {"recipient": "key_adult", "format": "html"}
    assert "Strategy discussion" not in lead.get(url(world, "handover", **child), pack).text
