"""Personas for the Virtual School: an officer and head of Kent's, and one of another authority.

The shared fixtures put both schools in Kent (886); here Riverside moves to Medway (887) so
that "another authority" has a school of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from attune import testing
from attune.accounts.models import User
from attune.people.domain.upn import make_upn
from attune.people.models import LocalAuthority, Pupil, School
from attune.testing import SchoolWorld
from attune.virtualschool.models import AuthorityMembership, AuthorityRole, LookedAfterChild


def officer(la: LocalAuthority, role: AuthorityRole = AuthorityRole.OFFICER) -> User:
    email = f"{role.value}.{la.code}.{User.objects.count()}@la.attune.test"
    user = User.objects.create_user(email, testing.PASSWORD, full_name=email.split("@")[0])
    AuthorityMembership.objects.create(user=user, local_authority=la, role=role)
    return user


@dataclass
class Authorities:
    kent: LocalAuthority
    medway: LocalAuthority
    kent_officer: User
    kent_head: User
    medway_head: User


@pytest.fixture
def las(world: SchoolWorld, other_world: SchoolWorld) -> Authorities:
    kent = testing.local_authority()
    medway = testing.local_authority(887, "Medway")
    School.objects.filter(pk=other_world.school.pk).update(local_authority=medway)
    return Authorities(
        kent=kent,
        medway=medway,
        kent_officer=officer(kent),
        kent_head=officer(kent, AuthorityRole.HEAD),
        medway_head=officer(medway, AuthorityRole.HEAD),
    )


@dataclass
class OurChildren:
    """Kent's own looked-after children: one at a school on Attune (Hollybrook, matched to Leo
    Brennan's record there by UPN), one at a school not on Attune (Marsh Lane), and one placed
    out of the area at Riverside (on Attune, in Medway)."""

    las: Authorities
    at_attune: LookedAfterChild
    not_on_attune: LookedAfterChild
    out_of_area: LookedAfterChild
    out_pupil: Pupil


MARSH_LANE = "139876"


@pytest.fixture
def ours(world: SchoolWorld, other_world: SchoolWorld, las: Authorities) -> OurChildren:
    from attune.virtualschool.tests.helpers import looked_after

    out_pupil = testing.pupil(other_world.school, forename="Tegan", surname="Moorcroft")
    return OurChildren(
        las=las,
        at_attune=looked_after(
            las.kent,
            child_id="K-LEO",
            upn=world.looked_after_child.upn,
            school_urn=world.school.urn,
            school_name=world.school.name,
            forename="Leo",
            surname="Brennan",
            designated_teacher_email="dt@hollybrook.example",
            social_worker_email="sw@kent.example",
            carer_email="carer@example.org",
        ),
        not_on_attune=looked_after(
            las.kent,
            child_id="K-KIERAN",
            school_urn=MARSH_LANE,
            school_name="Marsh Lane Academy",
            upn=make_upn(886, 2001, 17, 502),
        ),
        out_of_area=looked_after(
            las.kent,
            child_id="K-TEGAN",
            upn=out_pupil.upn,
            school_urn=other_world.school.urn,
            school_name=other_world.school.name,
            forename="Tegan",
            surname="Moorcroft",
        ),
        out_pupil=out_pupil,
    )


@pytest.fixture
def exact_counts(settings: Any) -> None:
    """For tests of suppression itself, on exact counts: the rounding the pages add on top is
    tested in ``test_differencing.py``."""
    settings.ATTUNE_VIRTUAL_SCHOOL_ROUND_TO = 1
