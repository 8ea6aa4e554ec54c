"""Interventions over HTTP: the catalogue, allocations with scores, impact, and who may see."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from attune import testing
from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.interventions.models import Allocation, Intervention, Measure
from attune.interventions.services import (
    AllocationDetails,
    allocation_add,
    catalogue_start,
)
from attune.people.models import Pupil
from attune.relationships.models import KeyAdultRelationship
from attune.tenancy import school_scope
from attune.testing import SchoolUrls, SchoolWorld, SignedIn

pytestmark = pytest.mark.django_db

url = SchoolUrls("interventions")


def started(world: SchoolWorld) -> dict[str, Intervention]:
    with school_scope(world.school):
        catalogue_start(actor=world.lead, school=world.school)
        return {i.name: i for i in Intervention.objects.select_related("measure")}


def days_ago(days: int) -> str:
    return (timezone.localdate() - timedelta(days=days)).isoformat()


def allocation_form(
    world: SchoolWorld, intervention: Intervention, **overrides: str
) -> dict[str, str]:
    return {
        "intervention": str(intervention.pk),
        "staff": str(world.key_adult.pk),
        "started_on": days_ago(60),
        "ended_on": "",
        "frequency": "Once a week, 45 minutes",
        "measure": "",
        "baseline": "24",
        "baseline_on": days_ago(61),
        "follow_up": "",
        "follow_up_on": "",
    } | overrides


def allocate(
    world: SchoolWorld, intervention: Intervention, child: Pupil | None = None, **scores: object
) -> Allocation:
    details: dict[str, object] = {
        "staff": world.key_adult,
        "started_on": timezone.localdate() - timedelta(days=60),
        "ended_on": None,
        "frequency": "Weekly",
        "baseline": None,
        "baseline_on": None,
        "follow_up": None,
        "follow_up_on": None,
    } | scores
    with school_scope(world.school):
        return allocation_add(
            actor=world.lead,
            pupil=child or world.child,
            intervention=intervention,
            measure=None,
            details=AllocationDetails(**details),  # type: ignore[arg-type]
            today=timezone.localdate(),
        )


def events(world: SchoolWorld, prefix: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action__startswith=prefix).order_by("pk"))


def test_an_empty_catalogue_offers_the_usual_interventions(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    client = signed_in(world.lead)
    page = client.get(url(world, "catalogue"))
    assert "Add the usual interventions" in page.text

    response = client.post(url(world, "start"))

    assert response.status_code == 302
    shown = client.get(url(world, "catalogue")).text
    for name in ("ELSA", "Nurture group", "Sensory circuits", "Theraplay", "Literacy catch-up"):
        assert name in shown
    assert "SDQ total difficulties" in shown
    assert "Lower is better" in shown
    [event] = events(world, "interventions.catalogue.started")
    assert len(event.changes["added"]) == 5
    client.post(url(world, "start"))  # a second press adds nothing twice
    with school_scope(world.school):
        assert Intervention.objects.count() == 5
        assert Measure.objects.count() == 4


def test_the_school_adds_its_own_measure_and_intervention(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    client = signed_in(world.lead)
    response = client.post(
        url(world, "measure_new"),
        {"name": "Lunchtime worries", "lowest": "0", "highest": "12", "higher_is_better": "no"},
    )
    assert response.status_code == 302
    with school_scope(world.school):
        measure = Measure.objects.get()
    assert measure.higher_is_better is False
    response = client.post(
        url(world, "intervention_new"),
        {
            "name": "Lego therapy",
            "description": "Building together in threes.",
            "measure": str(measure.pk),
            "is_active": "on",
        },
    )
    with school_scope(world.school):
        lego = Intervention.objects.get()
    assert response["Location"] == url(world, "intervention", intervention_id=lego.pk)
    response = client.post(
        url(world, "intervention_edit", intervention_id=lego.pk),
        {"name": "Lego club", "description": "Building together.", "measure": ""},
    )
    assert response.status_code == 302
    lego.refresh_from_db()
    assert (lego.name, lego.measure, lego.is_active) == ("Lego club", None, False)
    assert [e.action for e in events(world, "interventions.")] == [
        "interventions.measure.added",
        "interventions.intervention.added",
        "interventions.intervention.changed",
    ]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        pytest.param(
            {"name": "Odd", "lowest": "10", "highest": "5", "higher_is_better": "yes"},
            "highest",
            "The highest score needs to be above the lowest.",
            id="range",
        ),
        pytest.param(
            {
                "name": "sdq total difficulties",
                "lowest": "0",
                "highest": "4",
                "higher_is_better": "yes",
            },
            "name",
            "There is already a scale with this name.",
            id="duplicate",
        ),
    ],
)
def test_measure_errors(
    world: SchoolWorld, signed_in: SignedIn, data: dict[str, str], field: str, message: str
) -> None:
    started(world)
    response = signed_in(world.lead).post(url(world, "measure_new"), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert testing.field_message(f"id_{field}", message) in response.text


def test_a_duplicate_intervention_name_is_refused(world: SchoolWorld, signed_in: SignedIn) -> None:
    started(world)
    response = signed_in(world.lead).post(url(world, "intervention_new"), {"name": "elsa"})
    assert response.context["form"].errors["name"] == [
        "There is already an intervention with this name."
    ]


def test_allocate_record_the_follow_up_and_see_the_change(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    theraplay = started(world)["Theraplay"]  # measured on the SDQ: lower is better
    client = signed_in(world.lead)
    assert client.get(url(world, "allocate", pupil_id=world.child.pk)).status_code == 200

    response = client.post(
        url(world, "allocate", pupil_id=world.child.pk), allocation_form(world, theraplay)
    )

    assert response["Location"] == url(world, "pupil", pupil_id=world.child.pk)
    with school_scope(world.school):
        allocation = Allocation.objects.select_related("measure").get()
    assert allocation.measure.name == "SDQ total difficulties"
    assert allocation.baseline == Decimal(24)
    follow_up = allocation_form(world, theraplay, follow_up="18", follow_up_on=days_ago(1))
    response = client.post(url(world, "allocation", allocation_id=allocation.pk), follow_up)
    assert response.status_code == 302
    page = client.get(url(world, "pupil", pupil_id=world.child.pk))
    assert '<td data-testid="change">6 points better</td>' in page.text
    detail = client.get(url(world, "intervention", intervention_id=theraplay.pk)).text
    assert (
        "1 of 1 child with both measures moved the good way; the median change was 6 points better."
    ) in detail
    actions = [e.action for e in events(world, "interventions.")]
    assert actions[-2:] == ["interventions.allocation.added", "interventions.allocation.changed"]
    # Every page that showed the child's interventions logged a read (the saves redirect).
    reads = [(e.pupil_id, e.changes["page"]) for e in events(world, Action.RECORD_VIEWED)]
    assert reads == [
        (world.child.pk, url(world, "allocate", pupil_id=world.child.pk)),
        (world.child.pk, url(world, "pupil", pupil_id=world.child.pk)),
        (world.child.pk, url(world, "intervention", intervention_id=theraplay.pk)),
    ]
    changed = events(world, "interventions.allocation.changed")[0]
    assert changed.pupil_id == world.child.pk
    assert changed.changes["follow_up"] == [None, "18"]


def _tomorrow() -> str:
    return (timezone.localdate() + timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        pytest.param(
            {"ended_on": days_ago(90)},
            "ended_on",
            "The end date needs to be on or after the start date.",
            id="end before start",
        ),
        pytest.param(
            {"follow_up": "20", "follow_up_on": days_ago(70)},
            "follow_up_on",
            "The follow-up needs to be taken after the baseline.",
            id="follow-up before baseline",
        ),
        pytest.param(
            {"baseline": "41"},
            "baseline",
            "SDQ total difficulties runs from 0 to 40.",
            id="out of range",
        ),
        pytest.param(
            {"baseline_on": ""},
            "baseline",
            "Give both the score and the date it was taken.",
            id="score without date",
        ),
        pytest.param(
            {"baseline": "", "baseline_on": "", "follow_up": "12", "follow_up_on": days_ago(1)},
            "follow_up",
            "Record the baseline before a follow-up, so there is something to compare.",
            id="follow-up without baseline",
        ),
        pytest.param(
            {"baseline_on": "tomorrow"},
            "baseline_on",
            "The date a score was taken cannot be in the future.",
            id="future score",
        ),
    ],
)
def test_allocation_errors_show_beside_the_field(
    world: SchoolWorld,
    signed_in: SignedIn,
    overrides: dict[str, str],
    field: str,
    message: str,
) -> None:
    theraplay = started(world)["Theraplay"]
    values = {k: (_tomorrow() if v == "tomorrow" else v) for k, v in overrides.items()}
    data = allocation_form(world, theraplay, **values)

    response = signed_in(world.lead).post(url(world, "allocate", pupil_id=world.child.pk), data)

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert testing.field_message(f"id_{field}", message) in response.text
    with school_scope(world.school):
        assert not Allocation.objects.exists()


def test_an_intervention_without_a_usual_measure_needs_one_chosen(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    with school_scope(world.school):
        own = Intervention.objects.create(school=world.school, name="Forest school")
    data = allocation_form(world, own)
    response = signed_in(world.lead).post(url(world, "allocate", pupil_id=world.child.pk), data)
    assert response.context["form"].errors["measure"] == [
        "Forest school has no usual measure: choose the scale you will use."
    ]


def test_a_child_cannot_be_allocated_twice_at_once(world: SchoolWorld, signed_in: SignedIn) -> None:
    elsa = started(world)["ELSA"]
    allocate(world, elsa)
    data = allocation_form(world, elsa, baseline="5")
    response = signed_in(world.lead).post(url(world, "allocate", pupil_id=world.child.pk), data)
    assert (
        "Maya is already taking part in ELSA." in response.context["form"].errors["intervention"][0]
    )


def test_impact_counts_only_children_with_both_scores(
    world: SchoolWorld, signed_in: SignedIn, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    nurture = started(world)["Nurture group"]  # Boxall: higher is better
    today = timezone.localdate()
    before, after = today - timedelta(days=50), today - timedelta(days=2)
    for baseline, follow_up in ((40, 52), (60, 58), (30, 40), (50, None)):
        child = testing.pupil(world.school)
        allocate(
            world,
            nurture,
            child,
            baseline=Decimal(baseline),
            baseline_on=before,
            follow_up=None if follow_up is None else Decimal(follow_up),
            follow_up_on=None if follow_up is None else after,
        )
    client = signed_in(world.lead)
    # The reads are logged after the page: seven queries, however many children it shows.
    with django_assert_max_num_queries(13):
        page = client.get(url(world, "intervention", intervention_id=nurture.pk))
    [row] = page.context["impacts"]
    assert (row.impact.allocated, row.impact.measured, row.impact.improved) == (4, 3, 2)
    assert row.impact.median_improvement == 10
    assert "2 of 3 children with both measures moved the good way" in page.text
    with django_assert_max_num_queries(10):
        catalogue = client.get(url(world, "catalogue"))
    assert "2 of 3 children with both measures" in catalogue.text


def test_query_counts_do_not_grow_with_more_children(
    world: SchoolWorld, signed_in: SignedIn, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    interventions = started(world)
    for name in ("ELSA", "Nurture group", "Theraplay"):
        for _ in range(6):
            allocate(world, interventions[name], testing.pupil(world.school))
    client = signed_in(world.lead)
    with django_assert_max_num_queries(10):
        assert client.get(url(world, "catalogue")).status_code == 200
    # The reads are logged after the page: seven queries, however many children it shows.
    with django_assert_max_num_queries(13):
        assert (
            client.get(
                url(world, "intervention", intervention_id=interventions["ELSA"].pk)
            ).status_code
            == 200
        )
    for name in ("ELSA", "Nurture group"):
        allocate(world, interventions[name], world.child)
    with django_assert_max_num_queries(14):
        page = client.get(url(world, "pupil", pupil_id=world.child.pk))
    assert len(page.context["allocations"]) == 2


def test_the_key_adult_reads_their_key_childs_interventions_but_a_teacher_cannot(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    allocate(world, started(world)["ELSA"])
    with school_scope(world.school):
        KeyAdultRelationship.objects.create(
            school=world.school,
            pupil=world.child,
            key_adult=world.key_adult,
            started_on=date(2025, 9, 1),
            reason="Knows Maya well.",
        )
    page = signed_in(world.key_adult_user).get(url(world, "pupil", pupil_id=world.child.pk))
    assert page.status_code == 200
    assert "ELSA" in page.text
    assert "Allocate an intervention" not in page.text  # reading, not managing
    assert (
        signed_in(world.teacher).get(url(world, "pupil", pupil_id=world.child.pk)).status_code
        == 404
    )
    other_child = signed_in(world.key_adult_user).get(
        url(world, "pupil", pupil_id=world.looked_after_child.pk)
    )
    assert other_child.status_code == 404


@pytest.mark.parametrize("role", ["teacher", "office", "key_adult_user"])
def test_staff_without_the_permission_cannot_manage(
    world: SchoolWorld, signed_in: SignedIn, role: str
) -> None:
    elsa = started(world)["ELSA"]
    client = signed_in(getattr(world, role))
    assert client.get(url(world, "catalogue")).status_code == 403
    assert (
        client.post(
            url(world, "allocate", pupil_id=world.child.pk), allocation_form(world, elsa)
        ).status_code
        == 403
    )
    with school_scope(world.school):
        assert not Allocation.objects.exists()


def test_another_school_gets_404_for_everything(
    world: SchoolWorld, other_world: SchoolWorld, signed_in: SignedIn
) -> None:
    elsa = started(world)["ELSA"]
    allocation = allocate(world, elsa, baseline=Decimal(4), baseline_on=timezone.localdate())
    client = signed_in(other_world.lead)
    started(other_world)
    for name, kwargs in (
        ("intervention", {"intervention_id": elsa.pk}),
        ("intervention_edit", {"intervention_id": elsa.pk}),
        ("allocation", {"allocation_id": allocation.pk}),
    ):
        # the other school's own URL, with this school's ids: nothing found
        theirs = reverse(f"interventions:{name}", kwargs={"urn": other_world.school.urn, **kwargs})
        assert client.get(theirs).status_code == 404
        assert client.post(theirs, {"name": "x"}).status_code == 404
    pupil = reverse(
        "interventions:pupil", kwargs={"urn": other_world.school.urn, "pupil_id": world.child.pk}
    )
    assert client.get(pupil).status_code == 404
    assert client.get(url(world, "catalogue")).status_code == 404


def test_the_audit_record_keeps_no_words_typed_about_a_child(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    theraplay = started(world)["Theraplay"]
    client = signed_in(world.lead)
    marker = "Zebra-marker-417"
    data = allocation_form(world, theraplay, frequency=f"{marker} after the funeral")
    client.post(url(world, "allocate", pupil_id=world.child.pk), data)
    [added] = events(world, "interventions.allocation.added")
    assert set(added.changes["frequency"]) == {"digest", "length"}
    assert marker not in json.dumps(added.changes)
