"""Sensitive text never leaves its level: the marker crawl.

A child is given a record of every kind (``child_records``), and every field whose readers are
limited (notes for the team or the DSL only, plans, PEPs, incidents, check-in notes ...) holds
a marker word. The audit record is written as the services write it. Then every page, export
(CSV, PDF, JSON) and API answer is fetched as every role, and each marker found must be one the
rules say that reader may read (``attune.access.rules``). As a check on the crawl itself, every
marker must be found somewhere by someone cleared for it.
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from attune import testing
from attune.access import rules
from attune.access.rules import Family, Partner, Standing, Tie
from attune.access.standing import standing_of
from attune.accounts.models import User
from attune.accounts.roles import Role
from attune.accounts.testing import sign_in_by_link, sign_in_fully
from attune.tenancy import school_scope
from attune.tests import child_records
from attune.tests.child_records import ChildRecords, Marker
from attune.tests.test_read_log import _patterns

pytestmark = pytest.mark.django_db

READERS = [
    "dsl_head",
    "head",
    "lead",
    "key_adult",
    "other_key_adult",
    "teacher",
    "teacher_tied",
    "office",
    "virtual_school_member",
    "administrator",
    "authority_officer",
    "pep_partner",
    "family",
]
MARK = re.compile(rb"MKR\d{4}X")


@dataclass
class Reader:
    name: str
    user: User
    standing: Standing


def reader(records: ChildRecords, name: str) -> Reader:
    """One of the people the crawl reads as, with their standing towards the child."""
    world = records.world
    school = world.school
    if name == "authority_officer":
        from attune.virtualschool.tests.conftest import officer

        assert school.local_authority is not None
        user = officer(school.local_authority)
        # The child is shared by the school and on the officer's own authority's list.
        ties = frozenset({Tie.SHARED_COHORT, Tie.LOOKED_AFTER_BY})
        return Reader(name, user, Standing(Role.VIRTUAL_SCHOOL, ties=ties))
    if name == "family":
        assert records.family is not None
        return Reader(name, records.family, Standing(Family.PARENT, ties=frozenset({Tie.FAMILY})))
    if name == "pep_partner":
        assert records.partner is not None
        return Reader(
            name, records.partner, Standing(Partner.CARER, ties=frozenset({Tie.PEP_PARTNER}))
        )
    users = {
        "dsl_head": lambda: child_records.dsl_head(world),
        "head": lambda: world.head,
        "lead": lambda: world.lead,
        "key_adult": lambda: records.key_adult,
        "other_key_adult": lambda: testing.user(
            school, Role.KEY_ADULT, person=testing.staff(school)
        ),
        "teacher": lambda: world.teacher,
        # The child's co-worker, in their close team and designated teacher on their PEP.
        "teacher_tied": lambda: testing.user(school, Role.TEACHER, person=world.other_adult),
        "office": lambda: world.office,
        "virtual_school_member": lambda: testing.user(school, Role.VIRTUAL_SCHOOL),
        "administrator": lambda: testing.user(school, Role.ADMINISTRATOR),
    }
    user = users[name]()
    with school_scope(school):
        standing = standing_of(user.memberships.get(school=school), records.child)
    assert standing is not None
    return Reader(name, user, standing)


def may_read(standing: Standing, marker: Marker) -> bool:
    if not any(rules.allows(standing, right) for right in marker.rights):
        return False
    return marker.level is None or rules.may_read_note(standing, marker.level)


def urls(
    records: ChildRecords, *, authority: bool, partner: bool = False, family: bool = False
) -> Iterator[str]:
    """Every page of the school (or, for an officer, of the Virtual School; for a partner, of
    the PEPs they write) that can be named with this child's records: pages about the child,
    and the school's own lists and exports."""
    world = records.world
    la = world.school.local_authority
    assert la is not None
    fixed: dict[str, list[object]] = {
        "urn": [world.school.urn],
        "school_urn": [world.school.urn],
        "la_code": [la.code],
    }
    for name, arguments in _patterns():
        names = [argument for _, argument in arguments]
        if partner != name.startswith("partner:") or family != name.startswith("family:"):
            continue
        if (
            not partner
            and not family
            and (
                authority != name.startswith("virtualschool:")
                or ("urn" not in names and not authority)
            )
        ):
            continue
        choices = [fixed.get(a) or records.ids.get(a) or [] for a in names]
        if not all(choices):
            continue  # takes something that is not this child's (a course, a room ...)
        for combination in itertools.product(*choices):
            yield reverse(name, kwargs=dict(zip(names, combination, strict=True)))


def body(response: object) -> bytes:
    """What a reader receives, with a PDF's compressed page streams opened up."""
    content = (
        b"".join(response.streaming_content)  # type: ignore[attr-defined]
        if getattr(response, "streaming", False)
        else response.content  # type: ignore[attr-defined]
    )
    if content.startswith(b"%PDF"):
        opened = [content]
        for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, flags=re.S):
            try:
                opened.append(zlib.decompress(stream))
            except zlib.error:
                continue
        content = b"\n".join(opened)
    return content


@pytest.fixture
def records(world: testing.SchoolWorld) -> ChildRecords:
    return child_records.build(world)


@pytest.mark.parametrize("name", READERS)
def test_no_reader_finds_a_marker_above_their_level(records: ChildRecords, name: str) -> None:
    who = reader(records, name)
    partner = name == "pep_partner"
    family = name == "family"
    client = (sign_in_by_link if partner or family else sign_in_fully)(Client(), who.user)
    by_text = {m.text: m for m in records.markers}
    leaks: list[tuple[str, str, str]] = []
    pages = list(
        urls(records, authority=name == "authority_officer", partner=partner, family=family)
    )
    if name == "authority_officer":
        pages += ["/api/v1/docs", "/api/v1/openapi.json"]
    for url in pages:
        response = client.get(url)
        for found in set(MARK.findall(body(response))):
            marker = by_text[found.decode()]
            if not may_read(who.standing, marker):
                leaks.append((url, f"{marker.model}.{marker.field}", marker.level or "-"))
    assert len(pages) > {"authority_officer": 3, "pep_partner": 3, "family": 2}.get(name, 80)
    assert not leaks, f"{name} found text above their level: {leaks}"


def test_every_marker_is_read_by_someone_cleared_for_it(records: ChildRecords) -> None:
    """The crawl is only as good as its markers: each must show somewhere to a cleared reader
    (the DSL headteacher is cleared for all of them)."""
    who = reader(records, "dsl_head")
    client = sign_in_fully(Client(), who.user)
    seen: set[bytes] = set()
    for url in urls(records, authority=False):
        seen |= set(MARK.findall(body(client.get(url))))
    # The PEPs written with partners are the authority's record: its officer reads them.
    authority = reader(records, "authority_officer")
    officer = sign_in_fully(Client(), authority.user)
    for url in urls(records, authority=True):
        seen |= set(MARK.findall(body(officer.get(url))))
    unseen = [f"{m.model}.{m.field}" for m in records.markers if m.text.encode() not in seen]
    assert all(may_read(who.standing, m) for m in records.markers)
    assert not unseen, f"markers no page ever shows: {unseen}"
