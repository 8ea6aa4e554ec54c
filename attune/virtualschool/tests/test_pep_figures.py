"""Personal Education Plans on the Virtual School's pages: counts per school, suppressed."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from attune import testing
from attune.people.models import Cohort, Pupil, School
from attune.pep.domain.cycle import term_for
from attune.pep.models import Pep, PepStatus
from attune.tenancy import school_scope
from attune.testing import SchoolWorld, SignedIn
from attune.virtualschool import reports, selectors
from attune.virtualschool.pep_figures import pep_counts
from attune.virtualschool.services import api_token_create
from attune.virtualschool.tests.conftest import Authorities
from attune.virtualschool.tests.test_pages import child_url, county_url, rows, school_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("exact_counts")]

HIDDEN = ("≤5", "*")
HEADERS = [
    "School",
    "Looked-after children",
    "PEP held this term",
    "PEP due, not yet held",
    "PEP overdue",
]


def with_peps(school: School, *, held: int = 0, due: int = 0, overdue: int = 0) -> list[Pupil]:
    """Looked-after children whose PEP this term is held, due, or overdue (in care since 2024
    with no PEP last term). "Due" children came into care today, so none was expected before.
    """
    today = timezone.localdate()
    term = term_for(today)
    teacher = testing.staff(school)
    children = []
    for _ in range(held + overdue):
        child = testing.pupil(school)
        testing.cohort(child)
        children.append(child)
    for _ in range(due):
        child = testing.pupil(school)
        testing.cohort(child, since=today)
        children.append(child)
    with school_scope(school):
        for child in children[:held]:
            Pep.objects.create(
                school=school,
                pupil=child,
                school_year=term.year,
                term=term.season.value,
                meeting_on=today,
                status=PepStatus.HELD,
                designated_teacher=teacher,
            )
    return children


def csv_of(client: Client, url: str) -> str:
    response = client.get(url + "?format=csv")
    assert response.status_code == 200
    return response.content.decode()


def assert_no_lone_hidden(table: list[list[str]], *, skip: tuple[str, ...] = ()) -> None:
    """No row (whose first figure is the sum of the rest) and no column (which adds up to
    "All schools") has exactly one hidden figure; ``skip`` rows are countable by the officer,
    so they are left out, and a column counts only when its total is shown."""
    header, body, total = table[0], table[1:-1], table[-1]
    assert header == HEADERS and total[0] == "All schools"
    others = [r for r in body if r[0] not in skip]
    for row in [*others, total]:
        in_row = sum(1 for c in row[1:] if c in HIDDEN)
        assert in_row != 1, f"row {row[0]} gives a hidden figure away: {row}"
    for column in range(1, len(header)):
        cells = [r[column] for r in others]
        in_column = sum(1 for c in cells if c in HIDDEN)
        if total[column] not in HIDDEN:
            assert in_column != 1, f"column {header[column]} gives a hidden figure away"


def test_the_county_shows_each_schools_peps_and_the_total(
    world: SchoolWorld, las: Authorities, signed_in: SignedIn
) -> None:
    # Hollybrook: Leo (overdue) and 5 more overdue, 6 held, 6 due. Oak: 6, 7, 8. Elm: none.
    # (Counts from 1 to 5 are hidden, so every figure here is 6 or more, or 0.)
    testing.share_with_virtual_school(world.school, cohorts=())
    with_peps(world.school, held=6, due=6, overdue=5)
    oak = testing.school("100021", "Oak Tree Primary")
    with_peps(oak, held=6, due=7, overdue=8)
    testing.school("100022", "Elm Academy")
    in_need = testing.pupil(oak)  # not looked after: not counted
    testing.cohort(in_need, Cohort.CHILD_IN_NEED)
    client = signed_in(las.kent_officer)

    page = client.get(county_url())
    table = rows(csv_of(client, county_url()), reports.PEP_CAPTION)

    assert page.status_code == 200
    assert reports.PEP_CAPTION in page.text
    assert f"for the {term_for(timezone.localdate()).label} term" in page.text
    assert table == [
        HEADERS,
        ["Elm Academy", "0", "0", "0", "0"],
        ["Hollybrook Primary School", "18", "6", "6", "6"],
        ["Oak Tree Primary", "21", "6", "7", "8"],
        ["All schools", "39", "12", "13", "14"],
    ]
    # The school's page repeats its row; no child's name is on the county page.
    oak_rows = rows(csv_of(client, school_url(oak)), reports.PEP_SCHOOL_CAPTION)
    assert oak_rows == [HEADERS, ["Oak Tree Primary", "21", "6", "7", "8"]]
    assert not testing.names_in(page.text, "Leo")


def test_small_counts_are_hidden_and_cannot_be_worked_out_from_the_totals(
    world: SchoolWorld, las: Authorities, signed_in: SignedIn
) -> None:
    # Nobody shares children. Hollybrook's one overdue child (Leo) must stay hidden along its
    # row (held + due + overdue = looked after) and down its column (to "All schools").
    testing.share_with_virtual_school(world.school, cohorts=())
    with_peps(world.school, held=6, due=7)
    with_peps(testing.school("100021", "Oak"), held=6, due=6, overdue=7)
    with_peps(testing.school("100022", "Elm"), held=8, due=9, overdue=10)
    client = signed_in(las.kent_officer)

    county = rows(csv_of(client, county_url()), reports.PEP_CAPTION)
    school = rows(csv_of(client, school_url(world.school)), reports.PEP_SCHOOL_CAPTION)

    by_school = {r[0]: r for r in county[1:]}
    assert by_school["Hollybrook Primary School"][4] == "≤5"
    assert_no_lone_hidden(county)
    # Secondary suppression left the totals standing, so the real figures still add up.
    assert by_school["All schools"][1:] == ["60", "20", "22", "18"]
    assert school[1] == by_school["Hollybrook Primary School"]
    # And the real number never leaves the school: not as a figure, not in the API.
    token = api_token_create(actor=las.kent_head, authority=las.kent, name="Case system")[1]
    api = Client().get("/api/v1/county", headers={"Authorization": f"Bearer {token}"}).json()
    [pep] = [t for t in api["tables"] if t["caption"] == reports.PEP_CAPTION]
    [holly] = [r for r in pep["rows"] if r["key"] == world.school.urn]
    assert holly["cells"][3] == {"text": "≤5", "value": None, "hidden": "small"}
    assert [c["text"] for c in holly["cells"]] == by_school["Hollybrook Primary School"][1:]


def test_a_school_sharing_its_looked_after_children_cannot_give_another_away(
    world: SchoolWorld, las: Authorities, signed_in: SignedIn
) -> None:
    # Hollybrook shares its looked-after children: an officer can open Leo (overdue) and count
    # him. Oak's 3 overdue children must stay hidden among the schools that do not share.
    testing.share_with_virtual_school(world.school, cohorts=(Cohort.LOOKED_AFTER,))
    with_peps(testing.school("100021", "Oak"), held=6, overdue=3)
    with_peps(testing.school("100022", "Elm"), held=7, due=5, overdue=8)
    with_peps(testing.school("100023", "Ash"), held=9, due=6, overdue=10)
    client = signed_in(las.kent_officer)

    county = rows(csv_of(client, county_url()), reports.PEP_CAPTION)
    leo = client.get(child_url(world.looked_after_child))

    by_school = {r[0]: r for r in county[1:]}
    assert by_school["Oak"][4] == "≤5"
    assert by_school["Hollybrook Primary School"][1:] == ["≤5", "0", "0", "≤5"]
    assert_no_lone_hidden(county, skip=("Hollybrook Primary School",))
    assert "Personal Education Plan" in leo.text
    assert "Overdue for " in leo.text and "no meeting arranged" in leo.text


def test_the_child_page_shows_a_pep_only_where_looked_after_children_are_shared(
    world: SchoolWorld, las: Authorities, signed_in: SignedIn
) -> None:
    leo = world.looked_after_child
    testing.cohort(leo, Cohort.CHILD_IN_NEED)
    testing.share_with_virtual_school(world.school, cohorts=(Cohort.CHILD_IN_NEED,))
    client = signed_in(las.kent_officer)

    page = client.get(child_url(leo))

    assert page.status_code == 200
    assert "Personal Education Plan" not in page.text


def test_another_authority_sees_none_of_it(
    world: SchoolWorld, las: Authorities, signed_in: SignedIn
) -> None:
    with_peps(world.school, held=5, due=5)
    client = signed_in(las.medway_head)

    medway = client.get(county_url(887))
    table = rows(csv_of(client, county_url(887)), reports.PEP_CAPTION)

    assert client.get(county_url() + "?format=csv").status_code == 404
    assert client.get(school_url(world.school) + "?format=csv").status_code == 404
    assert "Hollybrook" not in medway.text
    # Only Riverside, Medway's school, with its one looked-after child hidden.
    assert [r[0] for r in table[1:]] == ["Riverside Academy", "All schools"]
    assert table[1][1] == "≤5"


def test_the_api_has_the_pep_table_for_the_county_and_a_school(
    world: SchoolWorld, las: Authorities
) -> None:
    with_peps(world.school, held=6, due=6, overdue=6)
    token = api_token_create(actor=las.kent_head, authority=las.kent, name="Case system")[1]
    client = Client(headers={"Authorization": f"Bearer {token}"})

    county = client.get("/api/v1/county").json()
    school = client.get(f"/api/v1/schools/{world.school.urn}").json()

    [table] = [t for t in county["tables"] if t["caption"] == reports.PEP_CAPTION]
    assert table["headers"] == HEADERS
    assert [c["value"] for c in table["total"]["cells"]] == [19, 6, 6, 7]
    [mine] = [t for t in school["tables"] if t["caption"] == reports.PEP_SCHOOL_CAPTION]
    assert [c["value"] for c in mine["rows"][0]["cells"]] == [19, 6, 6, 7]


def test_counts_for_every_school_take_one_query(
    world: SchoolWorld, las: Authorities, django_assert_max_num_queries: Any
) -> None:
    places = [testing.school(f"10010{i}", f"School {i}") for i in range(6)]
    for i, place in enumerate(places):
        with_peps(place, held=i, due=1, overdue=2)
    ids = [world.school.pk, *(p.pk for p in places)]

    with django_assert_max_num_queries(1):
        counts = pep_counts(ids, timezone.localdate())
    sharing = selectors.sharing_by_school(ids)
    with django_assert_max_num_queries(1):  # the counts; the sharing is read by the page
        table = reports.pep_table([world.school, *places], sharing, timezone.localdate())

    assert counts[places[3].pk] == {"looked_after": 6, "held": 3, "due": 1, "overdue": 2}
    assert counts[world.school.pk] == {"looked_after": 1, "held": 0, "due": 0, "overdue": 1}
    assert len(table.rows) == 7
