"""Plans over HTTP and through their services: the child's words, owners, targets, reviews,
versions, overdue flags, and who may see or write them."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from attune import testing
from attune.accounts.roles import Role
from attune.auditlog.models import AuditEvent
from attune.people.models import Pupil
from attune.plans.models import Plan, PlanVersion, Target, TargetProgress
from attune.plans.services import (
    Owner,
    PlanError,
    Progress,
    next_step_add,
    plan_review,
    target_add,
)
from attune.plans.testing import new_plan
from attune.relationships.models import KeyAdultRelationship
from attune.tenancy import school_scope
from attune.testing import SchoolUrls, SchoolWorld, SignedIn

pytestmark = pytest.mark.django_db


def today() -> date:
    return timezone.localdate()


def days(n: int) -> date:
    return today() + timedelta(days=n)


def make_plan(world: SchoolWorld, child: Pupil | None = None, **overrides: Any) -> Plan:
    plan = new_plan(world, child, **overrides)
    with school_scope(world.school):
        target_add(
            actor=world.lead,
            plan=plan,
            description="Attendance",
            owner=Owner("staff", world.key_adult),
            success_criteria="Attendance over the half term",
            baseline=Decimal(20),
            target_value=Decimal(60),
            unit="% attendance",
            by_date=days(60),
        )
    return plan


url = SchoolUrls("plans")


def plan_data(**overrides: str) -> dict[str, str]:
    return {
        "kind": "attendance_support",
        "owner": "",
        "started_on": days(-7).isoformat(),
        "review_due_on": days(35).isoformat(),
        "child_goals": "Get to school by nine on Mondays",
        "strengths": "Loves art",
        "what_helps": "Being met at the gate",
    } | overrides


def target_data(world: SchoolWorld, **overrides: str) -> dict[str, str]:
    return {
        "target-description": "Mornings in school",
        "target-owner_kind": "staff",
        "target-owner_staff": str(world.other_adult.pk),
        "target-owner_name": "",
        "target-success_criteria": "Register shows a present mark",
        "target-baseline": "1",
        "target-target_value": "4",
        "target-unit": "mornings a week",
        "target-by_date": days(40).isoformat(),
    } | overrides


def review_data(target: Target, **overrides: str) -> dict[str, str]:
    return {
        "held_on": today().isoformat(),
        "child_view": "Mondays are easier now",
        "what_changed": "Meeting at the gate moved to 8.40.",
        "child_goals": "Come in every morning",
        "strengths": "Kind to younger children.",
        "what_helps": "A quiet start.",
        "next_review_due_on": days(42).isoformat(),
        f"progress_{target.pk}": "3",
        f"note_{target.pk}": "Better since the gate change",
    } | overrides


def the_target(world: SchoolWorld, plan: Plan) -> Target:
    with school_scope(world.school):
        return Target.objects.filter(version__plan=plan).order_by("-version__number").first()  # type: ignore[return-value]


def test_a_lead_writes_a_plan_with_targets_and_reviews_it(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    client = signed_in(world.lead)
    created = client.post(
        url(world, "plan_new", pupil_id=world.child.pk), plan_data(owner=str(world.key_adult.pk))
    )
    assert created.status_code == 302
    with school_scope(world.school):
        plan = Plan.objects.get()
    plan_url = url(world, "plan", plan_id=plan.public_id)
    assert created["Location"] == plan_url

    for description, owner in (("Mornings in school", "staff"), ("Lessons stayed in", "child")):
        added = client.post(
            url(world, "target_add", plan_id=plan.public_id),
            target_data(world, **{"target-description": description, "target-owner_kind": owner}),
        )
        assert added.status_code == 302
    step = {
        "step-description": "Text Maya's mum each morning",
        "step-owner_kind": "parent",
        "step-owner_name": "Jo Fletcher",
        "step-success_criteria": "Mum replies most days",
    }
    assert client.post(url(world, "step_add", plan_id=plan.public_id), step).status_code == 302
    page = client.get(plan_url).text
    assert "Get to school by nine on Mondays" in page
    assert "Jo Fletcher (Parent or carer)" in page and "Maya" in page

    target = the_target(world, plan)
    reviewed = client.post(url(world, "review", plan_id=plan.public_id), review_data(target))

    assert reviewed.status_code == 302
    shown = client.get(plan_url).text
    assert "version 2 of 2" in shown
    assert "Mondays are easier now" in shown
    assert "Come in every morning" in shown
    assert "3 mornings a week (67% of the way from 1 to 4)" in shown
    with school_scope(world.school):
        versions = list(PlanVersion.objects.filter(plan=plan).order_by("number"))
        assert [v.child_goals for v in versions] == [
            "Get to school by nine on Mondays",
            "Come in every morning",
        ]
        assert [v.targets.count() for v in versions] == [2, 2]
        assert [v.next_steps.count() for v in versions] == [1, 1]
        assert {t.key for t in versions[0].targets.all()} == {
            t.key for t in versions[1].targets.all()
        }
        assert [p.value for p in TargetProgress.objects.order_by("pk")] == [Decimal(3), None]
        actions = list(
            AuditEvent.objects.filter(pupil_id=world.child.pk).values_list("action", flat=True)
        )
    assert {
        "plans.plan.created",
        "plans.target.added",
        "plans.next_step.added",
        "plans.plan.reviewed",
    } <= set(actions)
    old = client.get(plan_url + "?version=1").text
    assert "Get to school by nine on Mondays" in old and "an earlier version" in old
    assert client.get(plan_url + "?version=9").status_code == 404


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        pytest.param(
            {"review_due_on": "start"},
            "review_due_on",
            "must come after the plan starts",
            id="review",
        ),
        pytest.param({"child_goals": ""}, "child_goals", "in their own words", id="no goals"),
        pytest.param({"owner": ""}, "owner", "This field is required.", id="no owner"),
    ],
)
def test_plan_refusals_keep_everything_else(
    world: SchoolWorld, signed_in: SignedIn, overrides: dict[str, str], field: str, message: str
) -> None:
    data = plan_data(owner=str(world.key_adult.pk))
    data |= {k: data["started_on"] if v == "start" else v for k, v in overrides.items()}

    response = signed_in(world.lead).post(url(world, "plan_new", pupil_id=world.child.pk), data)

    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in e for e in form.errors[field])
    assert f'id="id_{field}_error"' in response.text
    assert form["what_helps"].value() == "Being met at the gate"
    with school_scope(world.school):
        assert not Plan.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        pytest.param(
            {"target-owner_kind": ""}, "owner_kind", "Say who is responsible", id="no owner"
        ),
        pytest.param({"target-owner_staff": ""}, "owner_staff", "Choose the adult", id="no adult"),
        pytest.param(
            {"target-owner_kind": "professional"}, "owner_name", "Give the name", id="no name"
        ),
        pytest.param(
            {"target-success_criteria": ""},
            "success_criteria",
            "how everyone will know",
            id="no criteria",
        ),
        pytest.param({"target-by_date": "past"}, "by_date", "after the plan started", id="date"),
        pytest.param({"target-target_value": "1"}, "target_value", "same as where", id="no change"),
    ],
)
def test_a_target_without_owner_or_criteria_is_refused_with_the_rest_kept(
    world: SchoolWorld, signed_in: SignedIn, overrides: dict[str, str], field: str, message: str
) -> None:
    plan = make_plan(world)
    data = target_data(world) | {
        k: (days(-90).isoformat() if v == "past" else v) for k, v in overrides.items()
    }

    response = signed_in(world.lead).post(url(world, "target_add", plan_id=plan.public_id), data)

    assert response.status_code == 200
    form = response.context["target_form"]
    assert any(message in e for e in form.errors[field]), form.errors
    assert f'id="id_target-{field}_error"' in response.text
    assert form["unit"].value() == "mornings a week"
    with school_scope(world.school):
        assert Target.objects.count() == 1


def test_a_next_step_without_success_criteria_is_refused(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    plan = make_plan(world)
    data = {
        "step-description": "Call home",
        "step-owner_kind": "child",
        "step-success_criteria": "",
    }

    response = signed_in(world.lead).post(url(world, "step_add", plan_id=plan.public_id), data)

    assert response.status_code == 200
    assert "Say how everyone will know this has worked." in response.text
    assert response.context["step_form"]["description"].value() == "Call home"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        pytest.param({"held_on": "before"}, "held_on", "before the plan started", id="too early"),
        pytest.param({"held_on": "tomorrow"}, "held_on", "once it has happened", id="future"),
        pytest.param(
            {"next_review_due_on": "today"}, "next_review_due_on", "after this one", id="next"
        ),
        pytest.param({"what_changed": ""}, "what_changed", "nothing yet", id="what changed"),
    ],
)
def test_review_refusals_keep_what_was_written(
    world: SchoolWorld, signed_in: SignedIn, overrides: dict[str, str], field: str, message: str
) -> None:
    plan = make_plan(world)
    target = the_target(world, plan)
    dates = {"before": days(-61), "tomorrow": days(1), "today": today()}
    data = review_data(target) | {
        k: dates[v].isoformat() if v in dates else v for k, v in overrides.items()
    }

    response = signed_in(world.lead).post(url(world, "review", plan_id=plan.public_id), data)

    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in e for e in form.errors[field]), form.errors
    assert f'id="id_{field}_error"' in response.text
    assert form["child_view"].value() == "Mondays are easier now"
    assert form[f"note_{target.pk}"].value() == "Better since the gate change"
    with school_scope(world.school):
        assert PlanVersion.objects.filter(plan=plan).count() == 1


def _review(world: SchoolWorld, plan: Plan, held_on: date) -> None:
    plan_review(
        actor=world.lead,
        plan=plan,
        held_on=held_on,
        progress={},
        what_changed="Little",
        child_view="",
        child_goals="Same",
        strengths="",
        what_helps="",
        next_review_due_on=days(30),
        today=today(),
    )


@pytest.mark.parametrize(
    ("call", "code"),
    [
        ("review_before_last", "plans.review_before_last"),
        ("step_due_before_start", "plans.due_before_start"),
        ("plan_bad_kind", "plans.unknown_kind"),
        ("plan_other_school_owner", "plans.bad_owner"),
        ("step_no_description", "plans.description_required"),
    ],
)
def test_service_refusals_carry_codes(
    world: SchoolWorld, other_world: SchoolWorld, call: str, code: str
) -> None:
    plan = make_plan(world)
    with school_scope(world.school), pytest.raises(PlanError) as refused:
        if call == "review_before_last":
            _review(world, plan, days(-5))
            _review(world, plan, days(-10))
        elif call.startswith("step"):
            next_step_add(
                actor=world.lead,
                plan=plan,
                description="" if call == "step_no_description" else "Call",
                owner=Owner("child"),
                success_criteria="It happens",
                due_on=days(-90),
            )
        else:
            make_plan(
                world,
                kind="nonsense" if call == "plan_bad_kind" else "personalised",
                owner=other_world.key_adult
                if call == "plan_other_school_owner"
                else world.key_adult,
            )
    assert refused.value.code == code


def test_an_overdue_review_is_flagged_to_the_owner_and_the_lead(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    overdue = make_plan(world)
    make_plan(
        world, child=world.looked_after_child, owner=world.other_adult, review_due_on=days(30)
    )
    with school_scope(world.school):
        KeyAdultRelationship.objects.create(
            school=world.school,
            pupil=world.child,
            key_adult=world.key_adult,
            started_on=days(-90),
            reason="x",
        )

    lead = signed_in(world.lead)
    assert (
        "Review overdue by 2 days" in lead.get(url(world, "plan", plan_id=overdue.public_id)).text
    )
    listed = lead.get(url(world, "reviews_due")).text
    assert "Maya Fletcher" in listed and "Leo Brennan" not in listed
    assert (
        "Review overdue by 2 days"
        in lead.get(url(world, "pupil_plans", pupil_id=world.child.pk)).text
    )

    mine = signed_in(world.key_adult_user).get(url(world, "reviews_due")).text
    assert "Maya Fletcher" in mine
    teacher = signed_in(world.teacher).get(url(world, "reviews_due")).text
    assert "Maya Fletcher" not in teacher and "No reviews are overdue." in teacher


@pytest.mark.parametrize("who", ["teacher", "office"])
def test_teachers_and_office_cannot_see_or_write_plans(
    world: SchoolWorld, signed_in: SignedIn, who: str
) -> None:
    plan = make_plan(world)
    client = signed_in(getattr(world, who))

    assert client.get(url(world, "pupil_plans", pupil_id=world.child.pk)).status_code == 403
    assert client.get(url(world, "chronology", pupil_id=world.child.pk)).status_code == 403
    assert (
        client.post(url(world, "plan_new", pupil_id=world.child.pk), plan_data()).status_code == 403
    )
    for name in ("plan", "review", "target_add", "step_add"):
        assert client.get(url(world, name, plan_id=plan.public_id)).status_code == 404
        assert client.post(url(world, name, plan_id=plan.public_id), {}).status_code == 404


def test_a_key_adult_writes_plans_for_their_own_key_child_only(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    client = signed_in(world.key_adult_user)
    data = plan_data(owner=str(world.key_adult.pk))
    assert client.post(url(world, "plan_new", pupil_id=world.child.pk), data).status_code == 403
    with school_scope(world.school):
        KeyAdultRelationship.objects.create(
            school=world.school,
            pupil=world.child,
            key_adult=world.key_adult,
            started_on=days(-9),
            reason="x",
        )

    assert client.post(url(world, "plan_new", pupil_id=world.child.pk), data).status_code == 302


def test_virtual_school_reads_plans_of_its_children_but_does_not_write(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    theirs = make_plan(world, child=world.looked_after_child)
    not_theirs = make_plan(world)
    client = signed_in(testing.user(world.school, Role.VIRTUAL_SCHOOL))

    assert client.get(url(world, "plan", plan_id=theirs.public_id)).status_code == 200
    assert client.get(url(world, "plan", plan_id=not_theirs.public_id)).status_code == 404
    assert client.get(url(world, "review", plan_id=theirs.public_id)).status_code == 403
    assert (
        client.post(
            url(world, "plan_new", pupil_id=world.looked_after_child.pk), plan_data()
        ).status_code
        == 403
    )


def test_another_schools_lead_gets_404_everywhere(
    world: SchoolWorld, other_world: SchoolWorld, signed_in: SignedIn
) -> None:
    plan = make_plan(world)
    client = signed_in(other_world.lead)
    target = the_target(world, plan)

    for name in ("plan", "review", "target_add", "step_add"):
        assert client.get(url(world, name, plan_id=plan.public_id)).status_code == 404
        assert (
            client.post(url(world, name, plan_id=plan.public_id), review_data(target)).status_code
            == 404
        )
    for name in ("pupil_plans", "plan_new", "chronology"):
        assert client.get(url(world, name, pupil_id=world.child.pk)).status_code == 404
    # Their own school's URLs with this school's plan number find nothing either.
    theirs = reverse(
        "plans:plan", kwargs={"urn": other_world.school.urn, "plan_id": plan.public_id}
    )
    assert client.get(theirs).status_code == 404
    with school_scope(world.school):
        assert PlanVersion.objects.count() == 1


def test_plan_pages_keep_a_fixed_number_of_queries(
    world: SchoolWorld, signed_in: SignedIn, django_assert_max_num_queries: Any
) -> None:
    plan = make_plan(world)
    client = signed_in(world.lead)
    for n in range(6):
        with school_scope(world.school):
            target = the_target(world, plan)
            target_add(
                actor=world.lead,
                plan=plan,
                description=f"Target {n}",
                owner=Owner("staff", world.other_adult),
                success_criteria="Seen",
                baseline=Decimal(n),
                target_value=Decimal(n + 5),
                unit="days",
                by_date=days(50),
            )
            plan_review(
                actor=world.lead,
                plan=plan,
                held_on=days(-50 + n),
                progress={target.pk: Progress(Decimal(n))},
                what_changed="More",
                child_view="",
                child_goals="Same",
                strengths="",
                what_helps="",
                next_review_due_on=days(30),
                today=today(),
            )
        make_plan(world)

    # Each page about a child logs the read once it is served: seven more queries, however
    # many rows (two savepoints, the chain head read and moved, the event).
    with django_assert_max_num_queries(21):
        assert client.get(url(world, "plan", plan_id=plan.public_id)).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(url(world, "pupil_plans", pupil_id=world.child.pk)).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(url(world, "reviews_due")).status_code == 200
