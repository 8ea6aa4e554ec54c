"""Attack tests for everything outside a school: every page under ``/la/<la_code>/`` (the
Virtual School), ``/partner/`` (PEP partners signed in by link), ``/family/`` (parents and
carers signed in by link) and ``/register/`` (a school's register link), found by walking the
URL resolver so a new page is attacked the day it lands.

Each URL is filled with Kent's real records (its own child at Hollybrook, their PEP, the
carer's invitation, a funding request, a register link) and tried, by GET and POST, by:

* Medway's head of the Virtual School, at Kent's address and at Medway's own;
* a partner invited to another child's PEP (signed in by link);
* a parent of another child, with parental responsibility, signed in by link to the family page;
* the child's own parent once marked "no contact";
* each role of the school the child attends (staff have no authority pages);
* nobody at all, and a register link's address with a wrong secret.

Each must get the same 404 (or be sent to sign in), and no answer may name the child.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from attune import testing
from attune.access.rules import Partner
from attune.accounts.links import link_access_grant, person_for
from attune.accounts.roles import Role
from attune.accounts.testing import sign_in_by_link, sign_in_fully
from attune.tenancy import authority_scope
from attune.testing import SchoolWorld
from attune.tests import child_records
from attune.tests.child_records import ChildRecords
from attune.tests.test_attack_matrix import user_in

pytestmark = pytest.mark.django_db

PREFIXES = ("virtualschool:", "partner:", "register:", "family:")
PLACEHOLDERS: dict[str, list[object]] = {
    "section": ["home", "school"],
    "secret": ["reg_" + "x" * 43],
}


def patterns() -> Iterator[tuple[str, list[str]]]:
    def walk(
        found: list[URLPattern | URLResolver], namespace: str, route: str
    ) -> Iterator[tuple[str, list[str]]]:
        for pattern in found:
            here = route + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner, here)
            elif pattern.name and f"{namespace}{pattern.name}".startswith(PREFIXES):
                yield f"{namespace}{pattern.name}", re.findall(r"<\w+:(\w+)>", here)

    yield from walk(get_resolver().url_patterns, "", "")


def urls(records: ChildRecords, la_code: int) -> list[tuple[str, str]]:
    world = records.world
    fixed: dict[str, list[object]] = {
        "la_code": [la_code],
        "school_urn": [world.school.urn],
        "token_id": [records.ids["child_id"][0]],
        "link_id": [records.ids["child_id"][0]],
        "pupil_id": [world.looked_after_child.pk],
        **PLACEHOLDERS,
    }
    found = []
    for name, names in patterns():
        choices = [fixed.get(a) or records.ids.get(a) or [] for a in names]
        assert all(choices), (name, names)
        for combination in itertools.product(*choices):
            found.append((name, reverse(name, kwargs=dict(zip(names, combination, strict=True)))))
    return found


@pytest.fixture
def records(world: SchoolWorld, other_world: SchoolWorld) -> ChildRecords:
    from attune.people.models import School
    from attune.testing import local_authority

    School.objects.filter(pk=other_world.school.pk).update(
        local_authority=local_authority(887, "Medway")
    )
    return child_records.build(world)


def secrets_of(records: ChildRecords) -> list[str]:
    child = records.world.looked_after_child
    return [child.legal_forename, child.legal_surname]


def check(
    client: Client,
    records: ChildRecords,
    pairs: list[tuple[str, str]],
    answers: frozenset[str] = frozenset(),
) -> list[object]:
    """Every attempt refused (404; 405 for a GET of a form that only takes a POST; or sent to
    sign in), except the pages in ``answers``, which may answer but never name the child."""
    failures: list[object] = []
    for name, url in pairs:
        for method, response in (("GET", client.get(url)), ("POST", client.post(url, {}))):
            body = response.content.decode(errors="replace")
            leaked = testing.names_in(body, *secrets_of(records))
            status = response.status_code
            refused = status == 404 or (method == "GET" and status == 405)
            sent_to_sign_in = status == 302 and "/accounts/" in response["Location"]
            if (not refused and not sent_to_sign_in and url not in answers) or leaked:
                failures.append((method, name, status, leaked))
    return failures


def test_another_authoritys_head_finds_nothing(records: ChildRecords) -> None:
    from attune.people.models import LocalAuthority
    from attune.virtualschool.models import AuthorityRole
    from attune.virtualschool.tests.conftest import officer

    medway = officer(LocalAuthority.objects.get(code=887), AuthorityRole.HEAD)
    client = sign_in_fully(Client(), medway)
    pairs = urls(records, 886) + urls(records, 887)
    # Medway's own pages answer (its county, its empty list of children), never naming Kent's.
    own = frozenset(
        [
            *(
                reverse(f"virtualschool:{name}", kwargs={"la_code": 887})
                for name in ("county", "children", "registers", "api_tokens")
            ),
            # Asking Medway's own page for a link to Kent's school is refused there, politely.
            reverse(
                "virtualschool:register_link_new",
                kwargs={"la_code": 887, "school_urn": records.world.school.urn},
            ),
        ]
    )
    assert not check(client, records, pairs, own)


def test_a_partner_of_another_child_finds_nothing(records: ChildRecords) -> None:
    from attune.people.models import LocalAuthority
    from attune.virtualschool.models import PepPartner
    from attune.virtualschool.partners import PARTNER_PURPOSE
    from attune.virtualschool.tests.helpers import looked_after

    kent = LocalAuthority.objects.get(code=886)
    other = looked_after(kent, child_id="K-OTHER", school_urn="139876", forename="Zed")
    stranger = person_for("stranger.carer@example.org")
    with authority_scope(kent):
        from django.utils import timezone

        seat = PepPartner.objects.create(
            local_authority=kent,
            child=other,
            kind=Partner.CARER,
            email=stranger.email,
            user=stranger,
            invited_at=timezone.now(),
        )
    link_access_grant(
        actor=None, email=stranger.email, purpose=PARTNER_PURPOSE, target=str(seat.pk)
    )
    client = sign_in_by_link(Client(), stranger)
    failures = check(client, records, urls(records, 886))
    assert not failures, failures


def test_a_parent_of_another_child_never_sees_this_one(records: ChildRecords) -> None:
    from attune.families.testing import contact_for, let_in

    world = records.world
    other = testing.pupil(world.school, forename="Ruby", surname="Stranger")
    parent = let_in(contact_for(other, forename="Pat", surname="Stranger", email="pat@example.org"))
    client = sign_in_by_link(Client(), parent)
    # Their own family page answers (with their own child), never naming this one.
    own = frozenset([reverse("family:home")])
    failures = check(client, records, urls(records, 886), own)
    assert not failures, failures
    assert client.get(reverse("family:child", kwargs={"pupil_id": other.pk})).status_code == 200


def test_a_parent_marked_no_contact_finds_nothing(records: ChildRecords) -> None:
    from attune.people.models import PupilContact
    from attune.tenancy import school_scope

    assert records.family is not None
    client = sign_in_by_link(Client(), records.family)
    assert (
        client.get(reverse("family:child", kwargs={"pupil_id": records.child.pk})).status_code
        == 200
    )
    with school_scope(records.world.school):
        PupilContact.objects.filter(pupil=records.child).update(no_contact_by_school=True)
    failures = check(client, records, urls(records, 886))
    assert not failures, failures


@pytest.mark.parametrize("role", list(Role))
def test_school_staff_find_nothing_outside_their_school(records: ChildRecords, role: Role) -> None:
    client = sign_in_fully(Client(), user_in(records.world, role))
    assert not check(client, records, urls(records, 886))


def test_nobody_signed_in_finds_nothing(records: ChildRecords) -> None:
    assert not check(Client(), records, urls(records, 886))


def test_the_walk_covers_every_page_outside_a_school(records: ChildRecords) -> None:
    names = {name for name, _ in urls(records, 886)}
    assert {"virtualschool:our_child", "partner:pep", "register:week", "family:child"} <= names
    assert len(names) >= 20
