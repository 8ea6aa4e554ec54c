"""PEP pages: plan, record, sign off, targets and reviews, the PDF, and who may see what."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from attune import testing
from attune.accounts.roles import Role
from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.people.models import Cohort
from attune.pep.models import Pep, PepStatus, PepTarget
from attune.pep.tests.helpers import (
    add_target,
    designated_teacher_user,
    in_term,
    make_pep,
    this_term,
    today,
    url,
)
from attune.plans.testing import new_plan
from attune.tenancy import school_scope
from attune.testing import SchoolWorld, SignedIn

pytestmark = pytest.mark.django_db


def term_value() -> str:
    term = this_term()
    return f"{term.year}-{term.season.value}"


def plan_data(world: SchoolWorld, **overrides: Any) -> dict[str, Any]:
    return {
        "term": term_value(),
        "meeting_on": in_term(this_term()).isoformat(),
        "designated_teacher": str(world.other_adult.pk),
        "social_worker": "",
        "social_worker_name": "Sam Adeyemi",
    } | overrides


def hold_data(world: SchoolWorld, **overrides: Any) -> dict[str, Any]:
    return {
        "held_on": in_term(this_term()).isoformat(),
        "designated_teacher": str(world.other_adult.pk),
        "social_worker_name": "Sam Adeyemi",
        "attendees": "Tom Okafor, designated teacher\nJo Reed, foster carer",
        "child_views": "Maths is OK now. I want to do drama club.",
        "carer_views": "Settled well since half-term.",
        "attendance_summary": "96% this term.",
        "progress_summary": "Reading age up six months.",
    } | overrides


def target_data(world: SchoolWorld, **overrides: Any) -> dict[str, Any]:
    return {
        "target-description": "Join drama club and go every week",
        "target-owner_kind": "staff",
        "target-owner_staff": str(world.key_adult.pk),
        "target-owner_name": "",
        "target-due_on": (this_term().due_by + timedelta(days=40)).isoformat(),
        "target-funding": "85.50",
    } | overrides


def actions(world: SchoolWorld) -> list[str]:
    return list(AuditEvent.objects.filter(school=world.school).values_list("action", flat=True))


def reads(world: SchoolWorld) -> list[tuple[Any, str]]:
    """(child, page) of each read the door logged, in order."""
    events = AuditEvent.objects.filter(school=world.school, action=Action.RECORD_VIEWED)
    return [(e.pupil_id, e.changes["page"]) for e in events.order_by("pk")]


# --- planning a PEP ------------------------------------------------------------------------------


def test_lead_plans_a_pep_linked_to_the_current_plan(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    child = world.looked_after_child
    with school_scope(world.school):
        plan = new_plan(
            world,
            child,
            kind="personalised",
            started_on=today(),
            review_due_on=today() + timedelta(days=60),
            child_goals="Make a friend in my class.",
        )
    response = signed_in(world.lead).post(url(world, "new", pupil_id=child.pk), plan_data(world))
    assert response.status_code == 302
    with school_scope(world.school):
        pep = Pep.objects.get(pupil=child)
    assert pep.status == PepStatus.PLANNED
    assert pep.plan == plan
    assert pep.pep_term == this_term()
    assert pep.social_worker_label == "Sam Adeyemi"
    assert "pep.pep.planned" in actions(world)


def test_plan_form_shows_the_form(world: SchoolWorld, signed_in: SignedIn) -> None:
    response = signed_in(world.lead).get(url(world, "new", pupil_id=world.looked_after_child.pk))
    assert response.status_code == 200
    assert "Designated teacher" in response.text


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"meeting_on": (this_term().due_by + timedelta(days=1)).isoformat()},
            "meeting_on",
            "should be between",
        ),
        ({"meeting_on": ""}, "meeting_on", "Enter the date of the meeting."),
        ({"designated_teacher": ""}, "designated_teacher", "Choose the designated teacher."),
        ({"term": ""}, "term", "Choose the term this PEP is for."),
    ],
)
def test_plan_form_errors_sit_by_their_field(
    world: SchoolWorld, signed_in: SignedIn, overrides: dict[str, str], field: str, message: str
) -> None:
    response = signed_in(world.lead).post(
        url(world, "new", pupil_id=world.looked_after_child.pk), plan_data(world, **overrides)
    )
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert f'id="id_{field}_error"' in response.text


def test_one_pep_a_term(world: SchoolWorld, signed_in: SignedIn) -> None:
    make_pep(world)
    response = signed_in(world.lead).post(
        url(world, "new", pupil_id=world.looked_after_child.pk), plan_data(world)
    )
    assert "already has a PEP" in response.context["form"].errors["term"][0]


def test_a_child_not_in_care_has_no_pep(world: SchoolWorld, signed_in: SignedIn) -> None:
    response = signed_in(world.lead).post(
        url(world, "new", pupil_id=world.child.pk), plan_data(world)
    )
    assert response.status_code == 200
    assert "not recorded as looked after" in response.context["form"].non_field_errors()[0]


def test_social_worker_from_the_team_around_the_child(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    from attune.relationships.models import TeamRole, WiderTeamMember

    child = world.looked_after_child
    with school_scope(world.school):
        sw = WiderTeamMember.objects.create(
            school=world.school,
            pupil=child,
            role=TeamRole.SOCIAL_WORKER,
            name="Dee Marsh",
            organisation="Kent children's services",
            started_on=today() - timedelta(days=90),
        )
    response = signed_in(world.lead).post(
        url(world, "new", pupil_id=child.pk),
        plan_data(world, social_worker=str(sw.pk), social_worker_name="ignored"),
    )
    assert response.status_code == 302
    with school_scope(world.school):
        pep = Pep.objects.get(pupil=child)
    assert pep.social_worker == sw and pep.social_worker_name == ""
    assert pep.social_worker_label == "Dee Marsh"


# --- recording and signing off -------------------------------------------------------------------


def test_record_the_meeting(world: SchoolWorld, signed_in: SignedIn) -> None:
    pep = make_pep(world)
    client = signed_in(world.lead)
    assert client.get(url(world, "hold", pep_id=pep.public_id)).status_code == 200
    response = client.post(url(world, "hold", pep_id=pep.public_id), hold_data(world))
    assert response.status_code == 302
    pep.refresh_from_db()
    assert pep.status == PepStatus.HELD
    assert pep.child_views.startswith("Maths is OK")
    assert pep.attendee_list == ["Tom Okafor, designated teacher", "Jo Reed, foster carer"]
    assert "pep.pep.held" in actions(world)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"child_views": " "}, "child_views", "in their own words"),
        ({"attendees": ""}, "attendees", "List who came"),
        ({"held_on": (today() + timedelta(days=1)).isoformat()}, "held_on", "once it has happened"),
        (
            {"held_on": (this_term().starts_on - timedelta(days=1)).isoformat()},
            "held_on",
            "should be between",
        ),
        ({"held_on": "31/02/2027"}, "held_on", "Enter a real date"),
    ],
)
def test_record_errors(
    world: SchoolWorld, signed_in: SignedIn, overrides: dict[str, str], field: str, message: str
) -> None:
    pep = make_pep(world)
    response = signed_in(world.lead).post(
        url(world, "hold", pep_id=pep.public_id), hold_data(world, **overrides)
    )
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    pep.refresh_from_db()
    assert pep.status == PepStatus.PLANNED


def test_sign_off(world: SchoolWorld, signed_in: SignedIn) -> None:
    pep = make_pep(world, held=True, targets=1)
    client = signed_in(world.lead)
    assert client.get(url(world, "sign_off", pep_id=pep.public_id)).status_code == 200
    response = client.post(url(world, "sign_off", pep_id=pep.public_id))
    assert response.status_code == 302
    pep.refresh_from_db()
    assert pep.status == PepStatus.SIGNED_OFF and pep.signed_off_on == today()
    assert pep.signed_off_by == world.lead
    # Signed off, it stays as it was.
    assert client.get(url(world, "hold", pep_id=pep.public_id)).status_code == 403
    assert (
        client.post(url(world, "target_add", pep_id=pep.public_id), target_data(world)).status_code
        == 403
    )
    assert client.post(url(world, "sign_off", pep_id=pep.public_id)).status_code == 403


@pytest.mark.parametrize(
    ("held", "targets", "message"),
    [
        (False, 1, "Record the meeting before signing"),
        (True, 0, "Agree at least one target"),
    ],
)
def test_sign_off_refused(
    world: SchoolWorld, signed_in: SignedIn, held: bool, targets: int, message: str
) -> None:
    pep = make_pep(world, held=held, targets=targets)
    response = signed_in(world.lead).post(url(world, "sign_off", pep_id=pep.public_id))
    assert response.status_code == 400
    assert message in response.text
    pep.refresh_from_db()
    assert pep.status != PepStatus.SIGNED_OFF


# --- targets -------------------------------------------------------------------------------------


def test_add_a_target_towards_a_plan_goal(world: SchoolWorld, signed_in: SignedIn) -> None:
    from attune.plans.models import OwnerKind
    from attune.plans.services import Owner, target_add

    child = world.looked_after_child
    with school_scope(world.school):
        plan = new_plan(
            world,
            child,
            kind="personalised",
            started_on=today(),
            review_due_on=today() + timedelta(days=60),
            child_goals="Be in school every day.",
        )
        goal = target_add(
            actor=world.lead,
            plan=plan,
            description="Attendance",
            owner=Owner(kind=OwnerKind.CHILD),
            success_criteria="Register",
            baseline=80,  # type: ignore[arg-type]
            target_value=95,  # type: ignore[arg-type]
            unit="% attendance",
            by_date=today() + timedelta(days=90),
        )
    pep = make_pep(world)
    client = signed_in(world.lead)
    page = client.get(url(world, "pep", pep_id=pep.public_id))
    assert "Works towards this goal" in page.text
    response = client.post(
        url(world, "target_add", pep_id=pep.public_id),
        target_data(world, **{"target-plan_target": str(goal.pk)}),
    )
    assert response.status_code == 302
    with school_scope(world.school):
        target = PepTarget.objects.get(pep=pep)
    assert target.plan_target == goal
    assert str(target.funding) == "85.50"
    assert target.owner_label == world.key_adult.full_name
    assert "pep.target.added" in actions(world)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"target-description": ""}, "description", "Say what the target is."),
        ({"target-owner_kind": ""}, "owner_kind", "Say who is responsible"),
        ({"target-owner_staff": ""}, "owner_staff", "Choose the adult in school"),
        ({"target-due_on": ""}, "due_on", "Say when the target should be reached"),
        ({"target-due_on": "2000-01-01"}, "due_on", "due after the meeting"),
        ({"target-funding": "-5"}, "funding", "less than nothing"),
        ({"target-funding": "25000"}, "funding", "more than £10,000"),
    ],
)
def test_target_errors(
    world: SchoolWorld, signed_in: SignedIn, overrides: dict[str, str], field: str, message: str
) -> None:
    pep = make_pep(world)
    response = signed_in(world.lead).post(
        url(world, "target_add", pep_id=pep.public_id), target_data(world, **overrides)
    )
    assert response.status_code == 200
    assert message in response.context["target_form"].errors[field][0]
    with school_scope(world.school):
        assert not PepTarget.objects.filter(pep=pep).exists()


def test_review_a_target(world: SchoolWorld, signed_in: SignedIn) -> None:
    pep = make_pep(world, held=True, targets=1)
    with school_scope(world.school):
        target = PepTarget.objects.get(pep=pep)
    address = url(world, "target_review", pep_id=pep.public_id, target_id=target.public_id)
    client = signed_in(world.lead)
    assert client.get(address).status_code == 200
    response = client.post(address, {"outcome": "partly", "note": "Most weeks."})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.outcome == "partly" and target.reviewed_on == today()
    assert "pep.target.reviewed" in actions(world)


@pytest.mark.parametrize(
    ("held", "data", "message"),
    [
        (True, {"outcome": "carried_forward", "note": ""}, "Say why the target is carried"),
        (True, {"outcome": "", "note": ""}, "Choose how the target went."),
        (False, {"outcome": "met", "note": ""}, "once the meeting that set them"),
    ],
)
def test_review_errors(
    world: SchoolWorld, signed_in: SignedIn, held: bool, data: dict[str, str], message: str
) -> None:
    pep = make_pep(world, held=held, targets=1)
    with school_scope(world.school):
        target = PepTarget.objects.get(pep=pep)
    address = url(world, "target_review", pep_id=pep.public_id, target_id=target.public_id)
    response = signed_in(world.lead).post(address, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in e for errs in errors.values() for e in errs)


def test_review_of_a_target_from_another_pep_is_not_found(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    pep = make_pep(world, held=True, targets=1)
    other = make_pep(world, term=this_term().next)
    with school_scope(world.school):
        target = PepTarget.objects.get(pep=pep)
    address = url(world, "target_review", pep_id=other.public_id, target_id=target.public_id)
    assert signed_in(world.lead).get(address).status_code == 404


# --- pages and the PDF ---------------------------------------------------------------------------


def test_pupil_page_shows_history_and_logs_the_read(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    make_pep(world, term=this_term().previous, held=True, targets=2)
    make_pep(world)
    response = signed_in(world.lead).get(url(world, "pupil", pupil_id=world.looked_after_child.pk))
    assert response.status_code == 200
    text = response.text
    assert text.index(this_term().label) < text.index(this_term().previous.label)
    assert "2 targets: 0 met" in text
    pupil_page = url(world, "pupil", pupil_id=world.looked_after_child.pk)
    assert reads(world) == [(world.looked_after_child.pk, pupil_page)]


def test_pep_page_and_pdf(world: SchoolWorld, signed_in: SignedIn) -> None:
    pep = make_pep(world, held=True, targets=2)
    client = signed_in(world.lead)
    page = client.get(url(world, "pep", pep_id=pep.public_id))
    assert page.status_code == 200
    assert "I want to be in the football team." in page.text
    assert "£120.00" in page.text
    response = client.get(url(world, "pdf", pep_id=pep.public_id))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    child = world.looked_after_child.pk
    assert reads(world) == [
        (child, url(world, "pep", pep_id=pep.public_id)),
        (child, url(world, "pdf", pep_id=pep.public_id)),
    ]


def test_school_list_shows_each_child_this_term(world: SchoolWorld, signed_in: SignedIn) -> None:
    second = testing.pupil(world.school, forename="Ada", surname="Zed")
    testing.cohort(second, Cohort.LOOKED_AFTER)
    make_pep(world, held=True)
    response = signed_in(world.lead).get(url(world, "school"))
    assert response.status_code == 200
    standings = {row.pupil.pk: row.standing.value for row in response.context["rows"]}
    assert standings[world.looked_after_child.pk] == "held"
    # Ada came into care in 2024 and had no PEP last term: overdue.
    assert standings[second.pk] == "overdue"
    assert world.child.pk not in standings
    # Each child listed is a read of their record; no other child's.
    assert {child for child, _ in reads(world)} == {world.looked_after_child.pk, second.pk}


def test_school_list_query_count_does_not_grow(
    world: SchoolWorld, signed_in: SignedIn, django_assert_max_num_queries: Any
) -> None:
    client = signed_in(world.lead)
    client.get(url(world, "school"))
    for n in range(6):
        child = testing.pupil(world.school, forename=f"Child{n}")
        testing.cohort(child, Cohort.LOOKED_AFTER)
        make_pep(world, pupil=child, held=n % 2 == 0)
    with django_assert_max_num_queries(13):
        response = client.get(url(world, "school"))
    assert len(response.context["rows"]) == 7


def test_pupil_page_query_count(
    world: SchoolWorld, signed_in: SignedIn, django_assert_max_num_queries: Any
) -> None:
    client = signed_in(world.lead)
    make_pep(world, term=this_term().previous.previous, held=True, targets=3)
    make_pep(world, term=this_term().previous, held=True, targets=3)
    make_pep(world, held=True, targets=3)
    with django_assert_max_num_queries(15):
        response = client.get(url(world, "pupil", pupil_id=world.looked_after_child.pk))
    assert len(response.context["history"]) == 3


# --- who may see and change what -----------------------------------------------------------------


def all_urls(world: SchoolWorld, pep: Pep, target: PepTarget) -> list[str]:
    child = world.looked_after_child
    return [
        url(world, "pupil", pupil_id=child.pk),
        url(world, "new", pupil_id=child.pk),
        url(world, "pep", pep_id=pep.public_id),
        url(world, "hold", pep_id=pep.public_id),
        url(world, "sign_off", pep_id=pep.public_id),
        url(world, "target_add", pep_id=pep.public_id),
        url(world, "target_review", pep_id=pep.public_id, target_id=target.public_id),
        url(world, "pdf", pep_id=pep.public_id),
    ]


def test_another_school_gets_not_found(
    world: SchoolWorld, other_world: SchoolWorld, signed_in: SignedIn
) -> None:
    pep = make_pep(world, held=True)
    target = add_target(world, pep)
    client = signed_in(other_world.lead)
    for address in all_urls(world, pep, target):
        assert client.get(address).status_code == 404, address
        assert client.post(address, {}).status_code == 404, address
    # And through the other school's own address, the PEP is simply not there.
    foreign = url(other_world, "pep", pep_id=pep.public_id)
    assert client.get(foreign).status_code == 404
    listing = client.get(url(other_world, "school"))
    shown = [row.pupil.pk for row in listing.context["rows"]]
    assert shown == [other_world.looked_after_child.pk]
    assert str(world.looked_after_child.pk) not in listing.text


@pytest.mark.parametrize("role", ["teacher", "office", "key_adult_user"])
def test_staff_without_a_part_in_the_childs_pep_get_not_found(
    world: SchoolWorld, signed_in: SignedIn, role: str
) -> None:
    pep = make_pep(world, held=True)
    target = add_target(world, pep)
    client = signed_in(getattr(world, role))
    for address in all_urls(world, pep, target):
        assert client.get(address).status_code == 404, address
    listing = client.get(url(world, "school"))
    assert listing.status_code == 200
    assert world.looked_after_child.legal_surname not in listing.text


def test_the_designated_teacher_reads_and_writes(world: SchoolWorld, signed_in: SignedIn) -> None:
    pep = make_pep(world)
    client = signed_in(designated_teacher_user(world))
    assert client.get(url(world, "pep", pep_id=pep.public_id)).status_code == 200
    listing = client.get(url(world, "school"))
    assert [row.pupil for row in listing.context["rows"]] == [world.looked_after_child]
    response = client.post(url(world, "hold", pep_id=pep.public_id), hold_data(world))
    assert response.status_code == 302


def test_the_childs_key_adult_reads_and_writes(world: SchoolWorld, signed_in: SignedIn) -> None:
    from attune.relationships.services import key_adult_assign

    with school_scope(world.school):
        key_adult_assign(
            actor=world.lead,
            pupil=world.looked_after_child,
            key_adult=world.key_adult,
            co_worker=None,
            started_on=today(),
            reason="Already close.",
            chosen_by_child=True,
            child_words="",
            today=today(),
            confirmed=True,
        )
    pep = make_pep(world)
    client = signed_in(world.key_adult_user)
    assert client.get(url(world, "pep", pep_id=pep.public_id)).status_code == 200
    assert (
        client.post(url(world, "target_add", pep_id=pep.public_id), target_data(world)).status_code
        == 302
    )


def test_virtual_school_officer_reads_only(world: SchoolWorld, signed_in: SignedIn) -> None:
    officer = testing.user(world.school, Role.VIRTUAL_SCHOOL)
    pep = make_pep(world, held=True)
    target = add_target(world, pep)
    client = signed_in(officer)
    child = world.looked_after_child
    assert client.get(url(world, "school")).status_code == 200
    assert client.get(url(world, "pupil", pupil_id=child.pk)).status_code == 200
    page = client.get(url(world, "pep", pep_id=pep.public_id))
    assert page.status_code == 200 and "Record the meeting" not in page.text
    assert client.get(url(world, "pdf", pep_id=pep.public_id)).status_code == 200
    for address in [*all_urls(world, pep, target)[3:7], url(world, "new", pupil_id=child.pk)]:
        assert client.post(address, {}).status_code == 403, address
    # A child outside the Virtual School's cohorts is not found at all.
    assert client.get(url(world, "pupil", pupil_id=world.child.pk)).status_code == 404
