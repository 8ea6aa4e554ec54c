"""The school page's order, pages, lists and counts against the pure rules, pupil by pupil.

The page reads each pupil's sums from the kept counts and works out their flags once
(``school.PupilList``); here every figure is worked out again from the marks with
``calculations.summarise`` and compared, on pupils sitting on the lines: exactly 10% and
50% absent, just under, no possible session, no marks at all, and ties.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from attune import testing
from attune.attendance import views, week_counts
from attune.attendance.domain.calculations import AttendanceSummary, summarise, week_of
from attune.attendance.models import SessionMark
from attune.attendance.school import BANDS
from attune.attendance.tests.test_views_school import register, url
from attune.people.models import Pupil
from attune.tenancy import school_scope
from attune.testing import SchoolWorld, SignedIn

pytestmark = pytest.mark.django_db

# Twenty sessions each (ten days), absences (N) first. X is not a possible session.
REGISTERS = {
    ("Ada", "Able"): ["N"] * 2 + ["/"] * 18,  # exactly 10%: persistently absent
    ("Ben", "Best"): ["N"] * 1 + ["/"] * 19,  # 5%: not
    ("Cai", "Cole"): ["N"] * 10 + ["/"] * 10,  # exactly 50%: severely absent
    ("Dev", "Dunn"): ["N"] * 9 + ["/"] * 11,  # 45%: persistent, not severe
    ("Eve", "Eden"): ["X"] * 20,  # marks, but no possible session
    ("Fay", "Ford"): [],  # no marks at all
    ("Gus", "Gray"): ["N"] * 2 + ["/"] * 18,  # ties with Ada
    ("Hal", "Hunt"): ["N"] * 1 + ["X"] * 9 + ["/"] * 10,  # 1 of 11: 9.1%, not persistent
    ("Ivy", "Irwin"): ["I"] * 1 + ["N"] * 1 + ["L"] * 3 + ["/"] * 15,  # 10%, half authorised
}


SORT_NAMES: dict[str, str] = {}  # each pupil's name as shown, to their name as sorted


@pytest.fixture
def edges(world: SchoolWorld) -> dict[str, AttendanceSummary]:
    """Each pupil's summary from their marks, by name (the world's own have no marks)."""
    for (forename, surname), codes in REGISTERS.items():
        register(testing.pupil(world.school, forename=forename, surname=surname), codes)
    expected = {}
    with school_scope(world.school):
        for child in Pupil.objects.all():
            codes = REGISTERS.get((child.legal_forename, child.legal_surname), [])
            expected[child.display_name] = summarise(codes)
            SORT_NAMES[child.display_name] = (
                f"{child.legal_surname} {child.legal_forename}".casefold()
            )
    return expected


def pct_key(name: str, expected: dict[str, AttendanceSummary]) -> float:
    return expected[name].attendance_pct or 0.0


def test_the_figures_and_flags_are_the_pure_rules(
    edges: dict[str, AttendanceSummary], world: SchoolWorld, signed_in: SignedIn
) -> None:
    page = signed_in(world.lead).get(url(world, "school")).context["page"]

    shown = {p.name: p.summary for p in page.pupils}
    assert shown == edges
    persistent = {n for n, s in edges.items() if s.persistent_absence}
    severe = {n for n, s in edges.items() if s.severe_absence}
    assert persistent == {"Ada Able", "Cai Cole", "Dev Dunn", "Gus Gray", "Ivy Irwin"}
    assert severe == {"Cai Cole"}
    # Lowest attendance first; ties (Ada, Gus and Ivy: 90%) in name order.
    by_name = sorted(persistent, key=SORT_NAMES.__getitem__)
    assert [p.name for p in page.persistent] == sorted(by_name, key=lambda n: pct_key(n, edges))
    assert [p.name for p in page.severe] == ["Cai Cole"]
    counted = [s for s in edges.values() if s.possible]
    assert (page.cohort.pupils, page.cohort.pupils_with_possible_sessions) == (
        len(edges),
        len(counted),
    )
    assert (page.cohort.persistently_absent, page.cohort.severely_absent) == (5, 1)
    bands = dict(page.bands)
    assert bands[BANDS[4][0]] == 1 and bands[BANDS[3][0]] == 4
    assert sum(bands.values()) == len(counted)  # no figure, no band


@pytest.mark.parametrize("order", ["asc", "desc"])
@pytest.mark.parametrize("sort", ["name", "attendance", "possible", "unauthorised"])
def test_every_order_and_page_is_the_pure_order(
    edges: dict[str, AttendanceSummary],
    world: SchoolWorld,
    signed_in: SignedIn,
    monkeypatch: pytest.MonkeyPatch,
    sort: str,
    order: str,
) -> None:
    monkeypatch.setattr(views, "PUPILS_PER_PAGE", 3)
    client = signed_in(world.lead)
    by_name = sorted(edges, key=SORT_NAMES.__getitem__)
    keys: dict[str, Callable[[str], Any]] = {
        "name": SORT_NAMES.__getitem__,
        "attendance": lambda n: pct_key(n, edges),
        "possible": lambda n: edges[n].possible,
        "unauthorised": lambda n: edges[n].unauthorised_absence,
    }
    # Stable: ties stay in name order, whichever the direction.
    expected = sorted(by_name, key=keys[sort], reverse=order == "desc")
    if sort == "attendance":  # no figure last, whichever the direction
        expected = [n for n in expected if edges[n].possible] + [
            n for n in expected if not edges[n].possible
        ]
    drawn = []
    for number in (1, 2, 3, 4):
        page = client.get(url(world, "school"), {"sort": sort, "order": order, "page": number})
        drawn += [p.name for p in page.context["rows"]]
    assert drawn == expected


@pytest.mark.parametrize(("only", "flag"), [("pa", "persistent_absence"), ("sa", "severe_absence")])
def test_only_the_absent_counts_and_pages_them(
    edges: dict[str, AttendanceSummary],
    world: SchoolWorld,
    signed_in: SignedIn,
    only: str,
    flag: str,
) -> None:
    page = signed_in(world.lead).get(
        url(world, "school"), {"only": only, "sort": "attendance", "order": "asc"}
    )

    by_name = sorted((n for n, s in edges.items() if getattr(s, flag)), key=SORT_NAMES.__getitem__)
    expected = sorted(by_name, key=lambda n: pct_key(n, edges))
    assert [p.name for p in page.context["rows"]] == expected
    assert page.context["page"].cohort.pupils == len(expected)


def test_each_row_links_to_the_pupils_attendance(
    edges: dict[str, AttendanceSummary], world: SchoolWorld, signed_in: SignedIn
) -> None:
    page = signed_in(world.lead).get(url(world, "school"))

    for p in page.context["rows"]:
        link = reverse("attendance:pupil", kwargs={"urn": world.school.urn, "pupil_id": p.pupil_id})
        assert f'<a href="{link}">{p.name}</a>' in page.text


def test_a_range_ending_on_a_friday_reads_its_last_week_from_the_counts(
    world: SchoolWorld,
) -> None:
    monday = week_of(timezone.localdate()) - timedelta(days=7)  # last week's
    friday = monday + timedelta(days=4)
    register(world.child, ["N"] * 20)  # the last ten school days
    with school_scope(world.school):
        split = week_counts.reading_split(monday, friday, None)
        got = week_counts.pupil_summaries(date_from=monday, date_to=friday)
        marks = SessionMark.objects.filter(pupil=world.child, date__range=(monday, friday))
        assert split.edges == ()  # no marks read
        assert got[world.child.pk] == summarise(marks.values_list("code", flat=True))
        # A mark at the weekend keeps the Friday as the end: the Saturday is not in the range,
        # so the week is read less its weekend's marks, and the figures stay the same.
        SessionMark.objects.create(
            school=world.school,
            pupil=world.child,
            date=friday + timedelta(days=1),
            session="AM",
            code="N",
            original_code="N",
        )
        week_counts.refresh(world.school.pk, [(world.child.pk, friday + timedelta(days=1))])
        split = week_counts.reading_split(monday, friday, None)
        assert split.edges == ()
        assert split.less_edges == ((friday + timedelta(days=1), friday + timedelta(days=2)),)
        got = week_counts.pupil_summaries(date_from=monday, date_to=friday)
        assert got[world.child.pk] == summarise(marks.values_list("code", flat=True))
