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
