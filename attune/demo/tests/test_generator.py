"""The synthetic demo: two settings, working sign-ins, plausible numbers, the same every time."""

from __future__ import annotations

from collections import Counter
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.test import RequestFactory

from attune.accounts.models import Membership
from attune.accounts.roles import Role
from attune.demo.generator import DEMO_PASSWORD, DemoSummary, build_demo
from attune.people.models import CohortMembership, Phase, Pupil, School, Staff
from attune.relationships.models import KeyAdultRelationship, TrustedAdult
from attune.tenancy import school_scope
from attune.virtualschool.models import AuthorityMembership

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 2)


@pytest.fixture
def demo(db: None) -> DemoSummary:
    return build_demo(pupils=80, staff=12, today=TODAY)


def test_the_demo_makes_a_school_and_a_nursery(demo: DemoSummary) -> None:
    assert [(s.urn, s.phase) for s in demo.schools] == [
        ("100001", Phase.PRIMARY),
        ("100002", Phase.EARLY_YEARS),
    ]
    # And, out of the area, the school where one of the authority's children is placed.
    assert list(School.objects.order_by("urn").values_list("urn", "local_authority__code")) == [
        ("100001", 886),
        ("100002", 886),
        ("100003", 887),
    ]
    counts = {}
    for school in demo.schools:
        with school_scope(school):
            counts[school.urn] = (Pupil.objects.count(), Staff.objects.count())
    assert counts == {"100001": (80, 12), "100002": (36, 10)}
    assert (demo.pupils, demo.staff) == (116, 22)


def test_building_again_leaves_the_demo_as_it_is(demo: DemoSummary) -> None:
    again = build_demo(pupils=300, staff=40, today=TODAY)

    assert (again.pupils, again.staff, again.relationships) == (
        demo.pupils,
        demo.staff,
        demo.relationships,
    )


def test_every_demo_sign_in_works_with_the_demo_password(demo: DemoSummary) -> None:
    assert len(demo.sign_ins) == 10  # nine school roles and the head of the Virtual School
    request = RequestFactory().post("/accounts/sign-in/")  # django-axes needs the request
    for sign_in in demo.sign_ins:
        user = authenticate(request, username=sign_in.email, password=DEMO_PASSWORD)
        assert user is not None, sign_in.email
        assert authenticate(request, username=sign_in.email, password="wrong") is None
        membership = Membership.objects.filter(user=user).first()
        if membership is None:  # the head of the Virtual School belongs to the authority
            authority = AuthorityMembership.objects.get(user=user).local_authority
            assert authority.name == sign_in.school
            continue
        assert membership.school.name == sign_in.school
        assert Role(membership.role).label == sign_in.role


@pytest.mark.parametrize("email", ["keyadult@demo.attune.test", "keyperson@demo.attune.test"])
def test_the_demo_key_adults_have_key_children(demo: DemoSummary, email: str) -> None:
    membership = Membership.objects.select_related("school").get(user__email=email)

    assert membership.staff_id is not None
    with school_scope(membership.school):
        mine = KeyAdultRelationship.objects.filter(key_adult=membership.staff_id, ended_on=None)
        assert mine.exists()


def test_every_early_years_child_has_a_key_person_bar_the_two_left_to_show_the_flag(
    demo: DemoSummary,
) -> None:
    nursery = demo.schools[1]
    with school_scope(nursery):
        held = KeyAdultRelationship.objects.filter(ended_on=None).values("pupil_id")
        without = set(Pupil.objects.exclude(pk__in=held).values_list("pk", flat=True))
        # The two left waiting have told us whom they trust, to show the suggestion at work.
        waiting = set(TrustedAdult.objects.values_list("pupil_id", flat=True))
    assert len(waiting) == 2
    assert without == waiting


def test_no_key_adult_is_over_the_caseload_limit(demo: DemoSummary) -> None:
    for school in demo.schools:
        with school_scope(school):
            loads = Counter(
                KeyAdultRelationship.objects.filter(ended_on=None).values_list(
                    "key_adult_id", flat=True
                )
            )
            assert loads, school.name
            assert max(loads.values()) <= school.caseload_limit
            assert not KeyAdultRelationship.objects.filter(co_worker=F("key_adult")).exists()


def test_cohort_proportions_are_plausible(db: None) -> None:
    build_demo(pupils=400, staff=30, today=TODAY)
    school = School.objects.get(urn="100001")
    with school_scope(school):
        counts = Counter(CohortMembership.objects.values_list("cohort", flat=True))
        needing = Pupil.objects.filter(needs_key_adult=True).count()
    share = {cohort: n / 400 for cohort, n in counts.items()}

    assert 0.18 <= share["fsm"] <= 0.32
    assert 0.09 <= share["sen_support"] <= 0.19
    assert 0.14 <= share["eal"] <= 0.26
    assert share.get("looked_after", 0) <= 0.03
    assert 0.02 <= needing / 400 <= 0.30


def _snapshot() -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    for school in School.objects.order_by("urn"):
        with school_scope(school):
            rows += Pupil.objects.order_by("upn").values_list(
                "upn", "legal_forename", "legal_surname", "date_of_birth", "needs_key_adult"
            )
            rows += CohortMembership.objects.order_by("pupil__upn", "cohort").values_list(
                "pupil__upn", "cohort", "start_date"
            )
            rows += KeyAdultRelationship.objects.order_by("pupil__upn").values_list(
                "pupil__upn", "key_adult__first_name", "key_adult__last_name", "started_on"
            )
    return rows


@pytest.mark.parametrize(("seed", "same"), [(7, True), (8, False)])
def test_the_same_seed_builds_the_same_demo(db: None, seed: int, same: bool) -> None:
    with transaction.atomic():
        build_demo(seed=7, pupils=40, staff=12, today=TODAY)
        first = _snapshot()
        transaction.set_rollback(True)
    assert not School.objects.exists()

    build_demo(seed=seed, pupils=40, staff=12, today=TODAY)

    assert len(first) > 40
    assert (_snapshot() == first) is same


def test_the_demo_command_builds_the_demo_without_serving(db: None) -> None:
    out = StringIO()

    call_command("demo", "--no-serve", "--pupils", "60", "--staff", "10", stdout=out)

    text = out.getvalue()
    assert "Attune demo is ready" in text
    assert DEMO_PASSWORD in text
    assert "lead@demo.attune.test" in text
    assert "Open http" not in text
    with school_scope(School.objects.get(urn="100001")):
        assert Pupil.objects.count() == 60
        assert Staff.objects.count() == 10


def test_the_demo_school_has_something_to_show_on_every_page(demo: DemoSummary) -> None:
    from attune.attendance.models import SessionMark
    from attune.belonging.models import SurveyRound
    from attune.incidents.models import Incident
    from attune.interventions.models import Allocation
    from attune.plans.models import Plan, YouSaid
    from attune.training.models import Attendance

    school = demo.schools[0]
    with school_scope(school):
        shown = {
            "plans": Plan.objects.count(),
            "you said": YouSaid.objects.count(),
            "survey rounds": SurveyRound.objects.count(),
            "interventions": Allocation.objects.count(),
            "incidents": Incident.objects.count(),
            "training": Attendance.objects.count(),
            "register marks": SessionMark.objects.count(),
        }
    assert all(shown.values()), shown
