"""The chronology: every event about a child, in time order, filterable, with fixed queries."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from typing import Any
from urllib.parse import parse_qs

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from attune import testing
from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.incidents.testing import record_incident
from attune.interventions.models import Intervention
from attune.interventions.services import AllocationDetails, allocation_add, catalogue_start
from attune.plans import testing as plan_testing
from attune.plans import views as plan_views
from attune.plans.selectors import chronology_for
from attune.tenancy import school_scope
from attune.testing import SchoolWorld, SignedIn

pytestmark = pytest.mark.django_db

TEAM_NOTES = Q(sensitivity__in=["team"])


def url(world: SchoolWorld) -> str:
    return reverse("plans:chronology", kwargs={"urn": world.school.urn, "pupil_id": world.child.pk})


def build(world: SchoolWorld, entries: int) -> int:
    adults = [world.key_adult, world.other_adult, *(testing.staff(world.school) for _ in range(4))]
    return plan_testing.history(world.child, adults, entries=entries, today=timezone.localdate())


def test_every_kind_of_event_in_time_order(world: SchoolWorld, signed_in: SignedIn) -> None:
    written = build(world, 300)
    client = signed_in(world.lead)

    response = client.get(url(world), {"page": "all"})  # more than a page: every entry

    assert response.status_code == 200
    entries = list(response.context["shown"])
    assert len(entries) == response.context["total"] == written == 300
    assert [e.on for e in entries] == sorted((e.on for e in entries), reverse=True)
    assert {e.kind for e in entries} == {
        "key_adult",
        "team",
        "plan",
        "review",
        "meeting",
        "contact",
        "checkin",
        "attendance",
        "you_said",
    }
    page = response.text
    assert "Priya Shah became key adult" in page
    assert (
        "joined the close team" in page
        and "Worker 2 (CAMHS practitioner, County services) joined the team" in page
    )
    assert "reviewed (version 2)" in page
    assert 'media="print"' in page


def test_filter_by_kind_and_dates(world: SchoolWorld, signed_in: SignedIn) -> None:
    build(world, 300)
    client = signed_in(world.lead)
    since = timezone.localdate() - timedelta(days=365)

    team = client.get(url(world), {"kind": ["team"]}).context["shown"]
    recent = client.get(url(world), {"since": since.isoformat()}).context["shown"]
    both = client.get(url(world), {"kind": ["team", "key_adult"], "since": since.isoformat()})

    assert team and {e.kind for e in team} == {"team"}
    assert recent and all(e.on >= since for e in recent)
    shown = both.context["shown"]
    assert {e.kind for e in shown} <= {"team", "key_adult"} and all(e.on >= since for e in shown)
    assert 'value="team"' in both.text and "checked" in both.text


def test_a_backwards_date_range_is_explained(world: SchoolWorld, signed_in: SignedIn) -> None:
    response = signed_in(world.lead).get(url(world), {"since": "2026-05-01", "until": "2026-01-01"})

    assert response.status_code == 200
    assert "The end date must be on or after the start date." in response.text


def test_a_page_takes_the_same_queries_whatever_the_length_of_the_history(
    world: SchoolWorld, signed_in: SignedIn, django_assert_max_num_queries: Any
) -> None:
    client = signed_in(world.lead)
    client.get(url(world))  # the first read of the day starts its chain of events
    with django_assert_max_num_queries(QUERIES):
        client.get(url(world))
    build(world, 300)
    with CaptureQueriesContext(connection) as shorter:
        client.get(url(world))
    longer_child = testing.pupil(world.school)
    adults = [world.key_adult, world.other_adult]
    plan_testing.history(longer_child, adults, entries=1_200, today=timezone.localdate())
    kwargs = {"urn": world.school.urn, "pupil_id": longer_child.pk}
    other = reverse("plans:chronology", kwargs=kwargs)
    with CaptureQueriesContext(connection) as longer:
        response = client.get(other)
    with CaptureQueriesContext(connection) as later:
        client.get(other, {"page": 4})

    assert response.context["total"] == 1_200 and len(response.context["shown"]) == 200
    assert len(shorter) == len(later) == len(longer) <= QUERIES
    with django_assert_max_num_queries(QUERIES - 13):  # one kind asked for: one source read
        client.get(other, {"kind": "review"})


# Session, user, second factor, membership, the pupil and the reader's ties to them; the
# entries counted and how far back the page reaches (one query for both, runs of absence
# included); then one query per source: key adults, close team, wider team,
# plans, reviews, meetings, contacts, check-ins, register marks (and the session before the
# reach), mark changes, "you said" items, incidents and interventions; then the read, logged
# after the page (one savepoint and its release, the chain head read and moved, the event).
QUERIES = 26


def test_other_school_and_roles(
    world: SchoolWorld, other_world: SchoolWorld, signed_in: SignedIn
) -> None:
    assert signed_in(other_world.lead).get(url(world)).status_code == 404
    assert signed_in(world.teacher).get(url(world)).status_code == 403
    assert signed_in(world.key_adult_user).get(url(world)).status_code == 403  # not her key child


def test_incidents_and_interventions_join_the_chronology_only_for_those_who_may_see_them(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    now = timezone.now()
    record_incident(
        world,
        occurred_at=now - timedelta(days=3),
        place="the dining hall",
        before="A loud fire drill.",
        regulated_by=world.key_adult,
        how_regulated="Quiet room, breathing together.",
        minutes_to_calm=14,
    )
    with school_scope(world.school):
        catalogue_start(actor=world.lead, school=world.school)
        elsa = Intervention.objects.get(name="ELSA")
        allocation_add(
            actor=world.lead,
            pupil=world.child,
            intervention=elsa,
            measure=None,
            details=AllocationDetails(
                staff=world.key_adult,
                started_on=now.date() - timedelta(days=20),
                ended_on=None,
                frequency="Weekly",
                baseline=None,
                baseline_on=None,
                follow_up=None,
                follow_up_on=None,
            ),
            today=now.date(),
        )

    response = signed_in(world.lead).get(url(world))

    kinds = {e.kind for e in response.context["shown"]}
    assert {"incident", "intervention"} <= kinds
    assert (
        "Incident in the dining hall" in response.text and "Calm after 14 minutes." in response.text
    )
    assert "Started ELSA" in response.text
    with school_scope(world.school):
        quiet = chronology_for(world.child, kinds=None, since=None, until=None, notes=TEAM_NOTES)
    assert not {"incident", "intervention"} & {e.kind for e in quiet}


def test_a_long_chronology_comes_in_pages_each_view_logged_once(
    world: SchoolWorld, signed_in: SignedIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plan_views, "ENTRIES_PER_PAGE", 50)
    build(world, 120)
    client = signed_in(world.lead)
    reads = AuditEvent.objects.filter(action=Action.RECORD_VIEWED, pupil_id=world.child.pk)
    before = reads.count()

    every = list(client.get(url(world), {"page": "all", "since": "2000-01-01"}).context["shown"])
    first = client.get(url(world), {"since": "2000-01-01"})
    assert list(first.context["shown"]) == every[:50]
    nav = first.text.split('data-testid="chronology-pages"')[1].split("</nav>")[0]
    assert "Newer entries" not in nav and 'rel="next"' in nav
    older = unescape(re.search(r'href="\?([^"]*)" rel="next"', nav).group(1))  # type: ignore[union-attr]
    assert parse_qs(older) == {"since": ["2000-01-01"], "page": ["2"]}

    second = client.get(f"{url(world)}?{older}")
    assert list(second.context["shown"]) == every[50:100]
    assert 'rel="prev"' in second.text
    whole = client.get(url(world), {"page": "all"})
    assert len(whole.context["shown"]) == whole.context["total"] == len(every)
    assert 'data-testid="chronology-pages"' not in whole.text
    assert reads.count() == before + 4  # one read a page viewed
