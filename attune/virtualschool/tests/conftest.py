"""Personas for the Virtual School: an officer and head of Kent's, and one of another authority.

The shared fixtures put both schools in Kent (886); here Riverside moves to Medway (887) so
that "another authority" has a school of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from attune import testing
from attune.accounts.models import User
from attune.people.models import LocalAuthority, School
from attune.testing import SchoolWorld
from attune.virtualschool.models import AuthorityMembership, AuthorityRole


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
