"""The demo's Virtual School: a head who can sign in, and an agreement for every school."""

from __future__ import annotations

import random

import pytest

from attune.accounts.two_factor import needs_two_factor
from attune.tenancy import scopes_disabled
from attune.testing import SchoolWorld, local_authority
from attune.virtualschool.demo import HEAD_EMAIL, build_virtual_school
from attune.virtualschool.models import AuthorityMembership, AuthorityRole, SharingAgreement

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = "attune-demo-2026"  # the demo's published password


def test_build_virtual_school_makes_a_head_and_agreements_once(
    world: SchoolWorld, other_world: SchoolWorld
) -> None:
    la = local_authority()
    with scopes_disabled():
        SharingAgreement.objects.all().delete()

    user = build_virtual_school(la, random.Random(1), password=DEMO_PASSWORD)
    again = build_virtual_school(la, random.Random(1), password=DEMO_PASSWORD)

    assert user == again and user.email == HEAD_EMAIL
    assert user.check_password(DEMO_PASSWORD)
    membership = AuthorityMembership.objects.get(user=user)
    assert (membership.local_authority, membership.role) == (la, AuthorityRole.HEAD)
    assert needs_two_factor(user)
    with scopes_disabled():
        agreements = list(SharingAgreement.objects.order_by("school__name"))
    assert len(agreements) == 2
    assert all("looked_after" in a.cohorts for a in agreements)


def test_the_demo_authority_looks_after_children_wherever_they_learn(db: None) -> None:
    """At its own schools on Attune, at a school not on Attune, and out of its area."""
    from datetime import date

    from attune.demo.generator import build_demo
    from attune.tenancy import authority_scope
    from attune.virtualschool.demo import MARSH_LANE, RIVERSIDE, ST_AIDANS
    from attune.virtualschool.models import PartnerPep
    from attune.virtualschool.our_children import our_children

    today = date(2026, 11, 23)
    build_demo(pupils=80, staff=12, today=today)
    la = local_authority()
    with authority_scope(la):
        rows = our_children(today)
        pep = PartnerPep.objects.get()
        sections = set(pep.sections.values_list("section", flat=True))
    where = {row.placement.school_urn for row in rows if row.placement}
    assert {"100001", MARSH_LANE[0], ST_AIDANS[0], RIVERSIDE[0]} <= where
    at_hollybrook = [r for r in rows if r.placement and r.placement.school_urn == "100001"]
    assert at_hollybrook and all(r.pupil_id for r in at_hollybrook)  # matched by UPN
    marsh = [r for r in rows if r.placement and r.placement.school_urn == MARSH_LANE[0]]
    assert not any(r.on_attune for r in marsh)
    assert marsh and all(r.attendance_pct is not None for r in marsh)  # marks entered for them
    [riverside] = [r for r in rows if r.placement and r.placement.school_urn == RIVERSIDE[0]]
    assert riverside.school is not None and riverside.school.local_authority is not None
    assert riverside.school.local_authority.code == 887
    assert riverside.key_adult == "Grace Adebayo" and riverside.attendance_pct is not None
    assert sections == {"school", "child", "care", "home"}
