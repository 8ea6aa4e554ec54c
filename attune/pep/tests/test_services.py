"""PEP services beyond the forms: carrying targets forward, checks a form cannot reach."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest

from attune import testing
from attune.auditlog.models import AuditEvent
from attune.pep.models import Outcome, PepTarget
from attune.pep.services import Goal, PepError, pep_create, pep_target_add, pep_target_review
from attune.pep.tests.helpers import add_target, make_pep, this_term, today
from attune.plans.models import OwnerKind, Target
from attune.plans.services import Owner
from attune.plans.testing import new_plan
from attune.relationships.models import TeamRole, WiderTeamMember
from attune.tenancy import school_scope
from attune.testing import SchoolWorld

pytestmark = pytest.mark.django_db


def review(world: SchoolWorld, target: PepTarget, outcome: str, note: str = "") -> PepTarget:
    with school_scope(world.school):
        return pep_target_review(
            actor=world.lead, target=target, outcome=outcome, note=note, today=today()
        )


def test_carried_forward_into_next_terms_pep_when_it_exists(world: SchoolWorld) -> None:
    last = make_pep(world, term=this_term().previous, held=True)
    target = add_target(world, last, "Learn times tables to 12")
    now = make_pep(world)
    review(world, target, Outcome.CARRIED_FORWARD, "Nearly there: up to 9s.")
    with school_scope(world.school):
        copy = PepTarget.objects.get(pep=now)
        assert copy.carried_from == target
        assert copy.description == "Learn times tables to 12"
        assert copy.funding == Decimal("120.00")
        assert now.pep_term.starts_on <= copy.due_on <= now.pep_term.due_by
        actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"pep.target.reviewed", "pep.target.carried"} <= actions
    # Reviewing it again as carried forward does not copy it twice.
    review(world, target, Outcome.CARRIED_FORWARD, "Still nearly there.")
    with school_scope(world.school):
        assert PepTarget.objects.filter(pep=now).count() == 1


def test_carried_forward_waits_for_next_terms_pep(world: SchoolWorld) -> None:
    last = make_pep(world, term=this_term().previous, held=True)
    carried = add_target(world, last, "Carried")
    met = add_target(world, last, "Met")
    review(world, carried, Outcome.CARRIED_FORWARD, "More time.")
    review(world, met, Outcome.MET)
    now = make_pep(world)
    with school_scope(world.school):
        assert [t.description for t in PepTarget.objects.filter(pep=now)] == ["Carried"]


def test_a_carried_target_is_reviewed_in_its_new_pep(world: SchoolWorld) -> None:
    last = make_pep(world, term=this_term().previous, held=True)
    target = add_target(world, last)
    make_pep(world)
    review(world, target, Outcome.CARRIED_FORWARD, "More time.")
    with pytest.raises(PepError) as refused:
        review(world, target, Outcome.MET)
    assert refused.value.code == "pep.already_carried"


def test_nothing_carries_into_a_signed_off_pep(world: SchoolWorld) -> None:
    last = make_pep(world, term=this_term().previous, held=True)
    target = add_target(world, last)
    make_pep(world, held=True, targets=1, signed_off=True)
    with pytest.raises(PepError) as refused:
        review(world, target, Outcome.CARRIED_FORWARD, "More time.")
    assert refused.value.code == "pep.signed_off"
    target.refresh_from_db()
    assert target.outcome == ""


def test_social_worker_must_be_the_childs(world: SchoolWorld) -> None:
    with school_scope(world.school):
        not_theirs = WiderTeamMember.objects.create(
            school=world.school,
            pupil=world.child,
            role=TeamRole.SOCIAL_WORKER,
            name="Someone else's",
            started_on=today(),
        )
        with pytest.raises(PepError) as refused:
            pep_create(
                actor=world.lead,
                pupil=world.looked_after_child,
                term=this_term(),
                meeting_on=today(),
                designated_teacher=world.other_adult,
                social_worker=not_theirs,
                today=today(),
            )
    assert refused.value.code == "pep.social_worker_not_in_team"
    assert refused.value.field == "social_worker"


def test_designated_teacher_from_this_school(world: SchoolWorld, other_world: SchoolWorld) -> None:
    with school_scope(world.school), pytest.raises(PepError) as refused:
        pep_create(
            actor=world.lead,
            pupil=world.looked_after_child,
            term=this_term(),
            meeting_on=today(),
            designated_teacher=other_world.other_adult,
            today=today(),
        )
    assert refused.value.code == "pep.designated_teacher_required"


def test_goal_must_come_from_the_linked_plan(world: SchoolWorld) -> None:
    from attune.plans.services import target_add

    other = testing.pupil(world.school)
    with school_scope(world.school):
        plan = new_plan(
            world,
            other,
            kind="personalised",
            started_on=today(),
            review_due_on=today() + timedelta(days=30),
            child_goals="x",
        )
        goal: Target = target_add(
            actor=world.lead,
            plan=plan,
            description="Someone else's goal",
            owner=Owner(kind=OwnerKind.CHILD),
            success_criteria="x",
            baseline=Decimal(1),
            target_value=Decimal(2),
            unit="times",
            by_date=today() + timedelta(days=30),
        )
    pep = make_pep(world)
    with school_scope(world.school), pytest.raises(PepError) as refused:
        pep_target_add(
            actor=world.lead,
            pep=pep,
            goal=Goal(
                description="x",
                owner=Owner(kind=OwnerKind.CHILD),
                due_on=pep.pep_term.due_by,
                plan_target=goal,
            ),
        )
    assert refused.value.code == "pep.goal_not_in_plan"


def test_the_database_keeps_one_pep_a_term(world: SchoolWorld) -> None:
    from django.db import IntegrityError

    from attune.pep.models import Pep

    pep = make_pep(world)
    with school_scope(world.school), pytest.raises(IntegrityError):
        Pep.objects.create(
            school=world.school,
            pupil=pep.pupil,
            school_year=pep.school_year,
            term=pep.term,
            meeting_on=pep.meeting_on,
            designated_teacher=world.other_adult,
        )


def test_the_audit_record_keeps_no_words_of_a_pep(world: SchoolWorld) -> None:
    marker = "Zebra-marker-417"
    last = make_pep(world, term=this_term().previous, held=True)
    target = add_target(world, last, f"{marker} target")
    make_pep(world)
    review(world, target, Outcome.CARRIED_FORWARD, f"{marker} note")
    with school_scope(world.school):
        events = list(AuditEvent.objects.all())
    reviewed = next(e for e in events if e.action == "pep.target.reviewed")
    assert set(reviewed.changes["outcome_note"][1]) == {"digest", "length"}  # that it changed
    assert not [e.action for e in events if marker in json.dumps(e.changes)]
