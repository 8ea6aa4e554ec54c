"""Every read of a child's record is logged: a walk over every URL that takes a child or one of
a child's records.

For each such URL pattern (found by walking the resolver, so a new page is covered the day it
lands) the walk fills in the child's real records, opens it as the people who may (a
headteacher marked as the DSL, the attachment lead, the child's key adult, and for the Virtual
School's pages one of its officers, and for the family page the child's mum signed in by
link) and fails if any answer that shows the page (2xx) wrote no read event for that child.
A URL that none of them can open by GET must be a form that only takes a POST (405, or named
in ``WRITES_ONLY``), never an unexplained refusal.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from attune.accounts.models import User
from attune.accounts.testing import sign_in_by_link, sign_in_fully
from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.testing import SchoolWorld
from attune.tests import child_records
from attune.tests.child_records import ChildRecords

pytestmark = pytest.mark.django_db

SignedIn = Callable[[User], Client]
READS = (Action.RECORD_VIEWED.value, Action.BREAK_GLASS_READ.value)
# Forms that only take a POST (a GET is refused or sent on): they show nothing to log.
WRITES_ONLY = {
    "relationships:trusted_adult",
    "relationships:team_member_end",
    "plans:action_done",
    "plans:you_said_sign_off",
}
# Pages only for a child in the early years (the child walked here is not): the family's note
# from home to the development record, tested in attune/families/tests.
EARLY_YEARS_ONLY = {"family:home_note"}
# URL arguments that name a child or one of a child's records.
CHILD_ARGUMENTS = {
    "pupil_id",
    "relationship_id",
    "member_id",
    "meeting_id",
    "plan_id",
    "item_id",
    "pep_id",
    "target_id",
    "incident_id",
    "allocation_id",
    "concern_id",
    "visit_id",
    "request_id",
    # The child on their authority's own list, and what hangs from it.
    "child_id",
    "vs_pep_id",
    "partner_id",
    "funding_id",
    # A note that went home, a family's reply to it, and an absence a family told us about.
    "noticing_id",
    "reply_id",
    "report_id",
}
# The pages the issue that asked for this walk named as logging no read: all must be reached.
NAMED = {
    "plans:chronology",
    "plans:handover",
    "plans:contacts",
    "plans:pupil_plans",
    "plans:meeting",
    "checkins:plan",
    "relationships:team",
    "privacy:child",
    "attendance:concern",
}


def _patterns() -> Iterator[tuple[str, list[tuple[str, str]]]]:
    def walk(
        patterns: list[URLPattern | URLResolver], namespace: str, route: str
    ) -> Iterator[tuple[str, list[tuple[str, str]]]]:
        for pattern in patterns:
            here = route + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner, here)
            elif pattern.name:
                yield f"{namespace}{pattern.name}", re.findall(r"<(\w+):(\w+)>", here)

    yield from walk(get_resolver().url_patterns, "", "")


def child_urls(records: ChildRecords) -> list[tuple[str, list[str]]]:
    """(name, urls) for every pattern taking a child or a child's record, filled with this
    child's records (every combination where an argument has several)."""
    found = []
    for name, arguments in _patterns():
        names = [argument for _, argument in arguments]
        if not CHILD_ARGUMENTS & set(names):
            continue
        choices: list[list[object]] = []
        for argument in names:
            if argument == "urn" or argument == "school_urn":
                choices.append([records.world.school.urn])
            elif argument == "la_code" and records.world.school.local_authority:
                choices.append([records.world.school.local_authority.code])
            else:
                choices.append(records.ids.get(argument, []))
        urls = [
            reverse(name, kwargs=dict(zip(names, combination, strict=True)))
            for combination in itertools.product(*choices)
        ]
        if urls:
            found.append((name, urls))
    return found


def reads_of(records: ChildRecords) -> int:
    """Reads of the child: of the school's record, or of the authority's record of them."""
    ids = [records.child.pk, *([records.twin.pk] if records.twin is not None else [])]
    return AuditEvent.objects.filter(pupil_id__in=ids, action__in=READS).count()


@pytest.fixture
def records(world: SchoolWorld) -> ChildRecords:
    return child_records.build(world)


def as_user(user: User) -> Client:
    """A client of its own, signed in fully as ``user`` (several side by side)."""
    return sign_in_fully(Client(), user)


def test_every_page_that_shows_a_childs_record_logs_the_read(records: ChildRecords) -> None:
    from attune.virtualschool.tests.conftest import officer

    world = records.world
    readers = [
        as_user(child_records.dsl_head(world)),
        as_user(world.lead),
        as_user(records.key_adult),
    ]
    assert world.school.local_authority is not None
    vs_officer = as_user(officer(world.school.local_authority))
    assert records.partner is not None
    partner = sign_in_by_link(Client(), records.partner)
    assert records.family is not None
    family = sign_in_by_link(Client(), records.family)
    unlogged, unreached, reached = [], [], set()
    walked = child_urls(records)
    for name, urls in walked:
        clients = (
            [vs_officer]
            if name.startswith("virtualschool:")
            else [partner]
            if name.startswith("partner:")
            else [family]
            if name.startswith("family:")
            else readers
        )
        statuses = set()
        for url, reader in itertools.product(urls, clients):
            before = reads_of(records)
            response = reader.get(url)
            statuses.add(response.status_code)
            if 200 <= response.status_code < 300:
                reached.add(name)
                if reads_of(records) == before:
                    unlogged.append(url)
        expected = name in WRITES_ONLY or name in EARLY_YEARS_ONLY
        if name not in reached and not expected and not statuses <= {302, 405}:
            unreached.append((name, sorted(statuses)))
    print(f"\nread-log walk: {len(walked)} URL patterns, {len(reached)} opened by GET")
    assert not unlogged, f"pages that showed the child and logged no read: {unlogged}"
    assert not unreached, f"pages none of the child's readers could open: {unreached}"
    assert reached >= NAMED, f"not walked: {sorted(NAMED - reached)}"
    assert {"virtualschool:child", "virtualschool:our_child", "partner:pep"} <= reached
    assert {"family:child", "family:reply", "family:absence", "families:confirm"} <= reached


def test_a_refused_page_logs_no_read(records: ChildRecords, signed_in: SignedIn) -> None:
    """Someone who may not open the child's chronology is refused and leaves no trace."""
    teacher = signed_in(records.world.teacher)
    before = reads_of(records)
    url = reverse(
        "plans:chronology",
        kwargs={"urn": records.world.school.urn, "pupil_id": records.child.pk},
    )
    assert teacher.get(url).status_code in (403, 404)
    assert reads_of(records) == before
