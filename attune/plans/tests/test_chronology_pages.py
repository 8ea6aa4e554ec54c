"""A page of the chronology reads only as far back as it needs, and is exactly that page of
the whole chronology: same entries, same order (ties on a day included), nothing hidden."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from attune import testing
from attune.access.rules import Level
from attune.attendance.models import AttendanceImport, MarkChange
from attune.plans import testing as plan_testing
from attune.plans import views as plan_views
from attune.plans.models import Meeting
from attune.plans.selectors import (
    chronology_for,
    chronology_kinds,
    chronology_place,
    chronology_total,
)
from attune.tenancy import school_scope
from attune.testing import SchoolWorld, SignedIn

pytestmark = pytest.mark.django_db

TEAM_NOTES = Q(sensitivity__in=[Level.EVERYONE, Level.TEAM])


def url(world: SchoolWorld) -> str:
    return reverse("plans:chronology", kwargs={"urn": world.school.urn, "pupil_id": world.child.pk})


def build(world: SchoolWorld, entries: int) -> int:
    adults = [world.key_adult, world.other_adult, *(testing.staff(world.school) for _ in range(4))]
    return plan_testing.history(world.child, adults, entries=entries, today=timezone.localdate())


def test_every_page_is_its_slice_of_the_whole_chronology(
    world: SchoolWorld, signed_in: SignedIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plan_views, "ENTRIES_PER_PAGE", 40)
    build(world, 330)  # meetings and contacts share days, as do reviews and plans
    client = signed_in(world.lead)
    every = list(client.get(url(world), {"page": "all"}).context["shown"])
    days = [e.on for e in every]
    assert len(set(days)) < len(days)  # ties to break

    for number in range(1, 10):
        page = client.get(url(world), {"page": number}).context
        assert list(page["shown"]) == every[40 * (number - 1) : 40 * number], number
        assert page["total"] == len(every)
    past_the_end = client.get(url(world), {"page": 99}).context["shown"]
    assert list(past_the_end) == every[320:]
    far_past = client.get(url(world), {"page": "9" * 30}).context["shown"]  # no offset holds it
    assert list(far_past) == every[320:]
    for nonsense in ("0", "-3", "two", ""):
        assert client.get(url(world), {"page": nonsense}).status_code == 200, nonsense


def test_reading_only_the_newest_gives_the_start_of_the_whole_list(world: SchoolWorld) -> None:
    """Whatever the reach: runs of absence, weeks of check-ins and marks changed by one
    import that straddle it are neither cut short nor dated wrongly."""
    build(world, 330)
    today = timezone.localdate()
    with school_scope(world.school):
        everything = chronology_for(
            world.child, kinds=None, since=None, until=None, notes=TEAM_NOTES
        )
        runs = [e for e in everything if e.title.startswith("Absent from")]
        assert runs and any(e.kind == "checkin" for e in everything)
        for run in runs[:2]:  # a meeting in the middle of a run, so a page can reach to there
            plan_testing.meeting(world, Level.TEAM, held_on=run.on + timedelta(days=1))
        everything = chronology_for(
            world.child, kinds=None, since=None, until=None, notes=TEAM_NOTES
        )
        for newest in range(1, len(everything) + 2):
            start = chronology_for(
                world.child, kinds=None, since=None, until=None, notes=TEAM_NOTES, newest=newest
            )
            assert len(start) >= min(newest, len(everything)), newest
            assert start == everything[: len(start)], newest
        since = today - timedelta(days=400)
        recent = chronology_for(world.child, kinds=None, since=since, until=None, notes=TEAM_NOTES)
        first = chronology_for(
            world.child, kinds=None, since=since, until=None, notes=TEAM_NOTES, newest=30
        )
        assert 30 <= len(first) < len(recent) and first == recent[: len(first)]
        kinds = chronology_kinds(None, incidents=False, interventions=False)
        counted = chronology_total(
            world.child, kinds=kinds, since=None, until=None, notes=TEAM_NOTES
        )
        assert counted == len(everything)
        counted = chronology_total(
            world.child, kinds=kinds, since=since, until=None, notes=TEAM_NOTES
        )
        assert counted == len(recent)


def test_a_later_page_reads_only_its_own_dates_and_holds_its_slice(world: SchoolWorld) -> None:
    """A page's ceiling can fall inside a run of absence, a week of check-ins or an import
    that changed marks over two days: each is still read whole and dated as in the full list,
    and the page is exactly its slice, whichever entry it starts at."""
    build(world, 330)
    with school_scope(world.school):
        everything = chronology_for(
            world.child, kinds=None, since=None, until=None, notes=TEAM_NOTES
        )
        grouped = [e for e in everything if e.kind in ("attendance", "checkin")]
        runs = [e for e in grouped if e.title.startswith("Absent from")]
        weeks = [e for e in grouped if e.kind == "checkin"]
        source = AttendanceImport.objects.create(
            school=world.school, kind="csv", file_name="late.csv", imported_at=timezone.now()
        )
        two_days = [runs[1].on, runs[1].on + timedelta(days=2)]
        MarkChange.objects.bulk_create(
            MarkChange(
                school=world.school,
                pupil=world.child,
                date=on,
                session="PM",
                old_code="O",
                new_code="I",
                changed_at=timezone.make_aware(datetime.combine(on, time(12))),
                source=source,
            )
            for on in two_days
        )
        # Entries inside each, so a page can start there.
        for on in (runs[0].on + timedelta(days=1), weeks[1].on + timedelta(days=2), *two_days):
            plan_testing.meeting(world, Level.TEAM, held_on=on + timedelta(days=1))
        everything = chronology_for(
            world.child, kinds=None, since=None, until=None, notes=TEAM_NOTES
        )
        kinds = chronology_kinds(None, incidents=False, interventions=False)
        straddled = [runs[0].on, weeks[1].on, *two_days]
        near = {i for i, e in enumerate(everything) for on in straddled if abs(e.on - on).days < 4}
        for skip in sorted({n for i in near for n in (i - 1, i, i + 1) if n >= 1}):
            place = chronology_place(
                world.child,
                kinds=kinds,
                since=None,
                until=None,
                notes=TEAM_NOTES,
                newest=skip + 3,
                skip=skip,
            )
            assert place.total == len(everything) and place.ceiling is not None, skip
            dated = chronology_for(
                world.child,
                kinds=None,
                since=None,
                until=None,
                notes=TEAM_NOTES,
                reached=place.reach,
                ceiling=place.ceiling,
            )
            first = skip - place.newer
            assert first >= 0 and dated[first : first + 3] == everything[skip : skip + 3], skip
            assert len(dated) < len(everything) / 2, skip  # only the page's own dates


def test_a_page_is_full_and_holds_nothing_for_the_dsl_only(
    world: SchoolWorld, signed_in: SignedIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plan_views, "ENTRIES_PER_PAGE", 50)
    build(world, 300)
    today = timezone.localdate()
    with school_scope(world.school):
        Meeting.objects.bulk_create(  # the newest sixty entries, all for the DSL only
            Meeting(
                school=world.school,
                pupil=world.child,
                kind="tac",
                held_on=today - timedelta(days=n // 3),
                attendees="DSL",
                decisions="Strategy meeting with police.",
                sensitivity=Level.DSL,
            )
            for n in range(60)
        )
    lead = signed_in(world.lead)  # not the DSL

    first = lead.get(url(world))
    every = list(lead.get(url(world), {"page": "all"}).context["shown"])

    assert first.context["total"] == len(every) == 300
    assert list(first.context["shown"]) == every[:50]
    assert "police" not in first.text
    testing.make_dsl(world.head)
    head = signed_in(world.head).get(url(world))
    assert head.context["total"] == 360 and "police" in head.text


def test_each_kind_alone_is_counted_and_paged_as_it_is_read(
    world: SchoolWorld, signed_in: SignedIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One query counts the entries and finds a page's reach: it holds for a kind with no
    dated rows of its own (check-ins, attendance) as for the rest."""
    monkeypatch.setattr(plan_views, "ENTRIES_PER_PAGE", 30)
    build(world, 200)
    client = signed_in(world.lead)
    kinds = chronology_kinds(None, incidents=True, interventions=True)
    for kind in sorted(kinds):
        every = list(client.get(url(world), {"kind": kind, "page": "all"}).context["shown"])
        assert {e.kind for e in every} <= {kind}, kind
        second = client.get(url(world), {"kind": kind, "page": "2"}).context
        assert second["total"] == len(every), kind
        assert list(second["shown"]) == every[30:60] or (len(every) <= 30), kind
