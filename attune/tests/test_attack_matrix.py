"""Attack tests: every page under /s/<urn>/, tried by every role that must not see it.

Two kinds of attacker, for every URL pattern (found by walking the resolver, so a new page is
covered the day it is added), by GET and by POST:

* each role of *another* school: the page must be "not found" (404), and the target school's
  child must not appear anywhere in the response;
* each role of the *same* school that lacks a permission the page needs (read from the
  ``school_view`` guard): refused (403, or 404/405) with nothing about the child in the body.

Run them with ``.venv/bin/pytest -q attune/tests/test_attack_matrix.py -s`` to see the count.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import resolve, reverse

from attune import testing
from attune.accounts.models import User
from attune.accounts.roles import ROLE_PERMISSIONS, Permission, Role
from attune.people.models import Cohort, Pupil
from attune.testing import SchoolWorld
from attune.tests.test_tenancy import _school_urls

pytestmark = pytest.mark.django_db

SignedIn = Callable[[User], Client]
PLACEHOLDERS: dict[str, object] = {"uuid": uuid.UUID(int=7), "int": 7}
FORM = {"reason": "x", "about_me": "changed", "note": "x", "status": "done", "code": "000000"}
MIN_PAIRS = 150


@dataclass
class Target:
    world: SchoolWorld
    child: Pupil  # a looked-after child whose name appears nowhere else

    @property
    def secrets(self) -> list[str]:
        return [self.child.legal_forename, self.child.legal_surname]


@pytest.fixture
def target(world: SchoolWorld) -> Target:
    child = testing.pupil(world.school, forename="Xanthe", surname="Quarrington")
    testing.cohort(child, Cohort.LOOKED_AFTER)
    return Target(world, child)


def urls_for(target: Target) -> list[tuple[str, str]]:
    """(name, url) of every school page, for the target school and its looked-after child."""
    found = []
    for name, arguments in _school_urls():
        kwargs: dict[str, object] = {}
        for converter, argument in arguments:
            if argument == "urn":
                kwargs[argument] = target.world.school.urn
            elif argument == "pupil_id":
                kwargs[argument] = target.child.pk
            else:
                kwargs[argument] = PLACEHOLDERS.get(converter, "nothing-here")
        found.append((name, reverse(name, kwargs=kwargs)))
    return found


def required_permissions(url: str) -> frozenset[Permission]:
    return frozenset(getattr(resolve(url).func, "required_permissions", frozenset()))


def user_in(world: SchoolWorld, role: Role) -> User:
    cast = {
        Role.ATTACHMENT_LEAD: world.lead,
        Role.HEADTEACHER: world.head,
        Role.TEACHER: world.teacher,
        Role.OFFICE: world.office,
        Role.KEY_ADULT: world.key_adult_user,
    }
    return cast.get(role) or testing.user(world.school, role)


def leaks(response: object, target: Target) -> list[str]:
    body = response.content.decode(errors="replace")  # type: ignore[attr-defined]
    return testing.names_in(body, *target.secrets)


def attempts(client: Client, url: str) -> list[tuple[str, object]]:
    return [("GET", client.get(url)), ("POST", client.post(url, FORM))]


@pytest.mark.parametrize("role", list(Role))
def test_every_role_of_another_school_finds_nothing_at_any_url(
    target: Target, other_world: SchoolWorld, signed_in: SignedIn, role: Role
) -> None:
    client = signed_in(user_in(other_world, role))
    failures = []
    for name, url in urls_for(target):
        for method, response in attempts(client, url):
            status = response.status_code  # type: ignore[attr-defined]
            if status != 404 or leaks(response, target):
                failures.append((method, name, status, leaks(response, target)))
    assert not failures, failures


@pytest.mark.parametrize("role", list(Role))
def test_a_role_without_a_pages_permission_is_refused_and_sees_nothing(
    target: Target, signed_in: SignedIn, role: Role
) -> None:
    client = signed_in(user_in(target.world, role))
    allowed = ROLE_PERMISSIONS[role]
    failures = []
    for name, url in urls_for(target):
        if required_permissions(url) <= allowed:
            continue
        for method, response in attempts(client, url):
            status = response.status_code  # type: ignore[attr-defined]
            if status not in (403, 404, 405) or leaks(response, target):
                failures.append((method, name, status, leaks(response, target)))
    assert not failures, failures


def test_every_school_page_declares_its_permissions_through_school_view(target: Target) -> None:
    unguarded = [
        name
        for name, url in urls_for(target)
        if not hasattr(resolve(url).func, "required_permissions")
    ]
    assert not unguarded, f"pages without @school_view: {unguarded}"


def test_children_are_never_addressed_by_a_sequential_number() -> None:
    """A child's id in a URL is a UUID, so it cannot be guessed by counting."""
    numbered = [
        name
        for name, arguments in _school_urls()
        for converter, argument in arguments
        if argument == "pupil_id" and converter != "uuid"
    ]
    assert not numbered, numbered


def test_no_school_page_takes_a_sequential_number() -> None:
    """Nothing under /s/<urn>/ (plans, meetings, team members, anything) is addressed by an
    integer: every object in a URL is a UUID, so none can be found by counting."""
    numbered = [
        f"{name} <{converter}:{argument}>"
        for name, arguments in _school_urls()
        for converter, argument in arguments
        if converter == "int"
    ]
    assert not numbered, numbered


def test_the_matrix_covers_enough_url_and_role_pairs(target: Target) -> None:
    urls = urls_for(target)
    other_school = len(urls) * len(Role)
    same_school = sum(
        1
        for _, url in urls
        for role in Role
        if not required_permissions(url) <= ROLE_PERMISSIONS[role]
    )
    print(
        f"\nattack matrix: {len(urls)} URLs; {other_school} other-school and {same_school} "
        f"same-school URL x role pairs, each by GET and POST"
    )
    assert other_school + same_school >= MIN_PAIRS


def test_a_parent_signed_in_by_link_finds_nothing_at_any_school_url(target: Target) -> None:
    """A family's session reaches only the family page: every school page is the same 404,
    for their own child's school too, and names no child."""
    from attune.accounts.testing import sign_in_by_link
    from attune.families.testing import contact_for, let_in

    link = contact_for(target.child, forename="Jo", surname="Parent", email="jo@example.org")
    client = sign_in_by_link(Client(), let_in(link))
    failures = []
    for name, url in urls_for(target):
        for method, response in attempts(client, url):
            status = response.status_code  # type: ignore[attr-defined]
            if status != 404 or leaks(response, target):
                failures.append((method, name, status, leaks(response, target)))
    assert not failures, failures
