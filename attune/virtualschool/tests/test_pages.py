"""The Virtual School's pages and exports: who may see them, and what they show."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from attune import testing
from attune.attendance.models import SessionMark
from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.auditlog.verify import audit_chain_verify
from attune.people.models import Cohort, Pupil, School
from attune.tenancy import school_scope
from attune.testing import SchoolWorld, SignedIn
from attune.virtualschool.tests.conftest import Authorities

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("exact_counts")]


def county_url(la: int = 886) -> str:
    return reverse("virtualschool:county", kwargs={"la_code": la})


def school_url(school: School, la: int = 886) -> str:
    return reverse("virtualschool:school", kwargs={"la_code": la, "school_urn": school.urn})


def child_url(pupil: Pupil, la: int = 886) -> str:
    kwargs = {"la_code": la, "school_urn": pupil.school.urn, "pupil_id": pupil.pk}
    return reverse("virtualschool:child", kwargs=kwargs)


def rows(csv_text: str, caption: str) -> list[list[str]]:
    """The rows of one table in an export (headers first), up to the next blank line."""
    lines = list(csv.reader(io.StringIO(csv_text)))
    start = lines.index([caption]) + 1
    end = next(i for i in range(start, len(lines)) if not lines[i])
    return lines[start:end]


SCHOOLS_CAPTION = "Children in the Virtual School's cohorts, by school"


def looked_after(school: School, n: int) -> list[Pupil]:
    children = [testing.pupil(school) for _ in range(n)]
    for child in children:
        testing.cohort(child)
    return children


def test_an_officer_sees_the_county_with_small_numbers_hidden(
    world: SchoolWorld, las: Authorities, signed_in: SignedIn
) -> None:
    page = signed_in(las.kent_officer).get(county_url())

    assert page.status_code == 200
    assert "Hollybrook Primary School" in page.text
    assert "Riverside Academy" not in page.text  # Medway's school
    assert "≤5" in page.text  # Leo alone in the cohort: hidden


@pytest.mark.parametrize("fmt", ["", "csv", "pdf"])
def test_another_authority_gets_404_for_every_page_and_export(
    world: SchoolWorld, las: Authorities, signed_in: SignedIn, fmt: str
) -> None:
    client = signed_in(las.medway_head)
    query = f"?format={fmt}"
    for url in (county_url(), school_url(world.school), child_url(world.looked_after_child)):
        assert client.get(url + query).status_code == 404
    # Nor can Medway reach a Kent school through its own authority's address.
    assert client.get(school_url(world.school, la=887) + query).status_code == 404
    assert client.get(child_url(world.looked_after_child, la=887) + query).status_code == 404


def test_school_staff_and_unknown_authorities_get_404(
    world: SchoolWorld, las: Authorities, signed_in: SignedIn
) -> None:
    assert signed_in(world.head).get(county_url()).status_code == 404
    client = signed_in(las.kent_officer)
    assert client.get(county_url(999)).status_code == 404
    assert client.get("/la/not-a-number/").status_code == 404


def test_signed_out_people_are_sent_to_sign_in(las: Authorities, client: Client) -> None:
    response = client.get(county_url())
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_an_officer_must_pass_two_factor(las: Authorities, client: Client) -> None:
    # Deliberately a half sign-in (password only), which ``signed_in`` never leaves behind.
    client.force_login(las.kent_officer)
    response = client.get(county_url())
    assert response.status_code == 302
    assert reverse("accounts:two_factor") in response["Location"]


def reads() -> list[tuple[int | None, object, int | None, str]]:
    """Every read the audit record holds: school, child, reader and page."""
    events = AuditEvent.objects.filter(action=Action.RECORD_VIEWED).order_by("id")
    return [(e.school_id, e.pupil_id, e.actor_id, e.changes["page"]) for e in events]


def test_the_child_page_is_read_only_and_logged_with_the_school(
    world: SchoolWorld, las: Authorities, signed_in: SignedIn
) -> None:
    client = signed_in(las.kent_officer)
    leo = world.looked_after_child

    county = client.get(county_url())
    school_page = client.get(school_url(world.school))
    page = client.get(child_url(leo))

    assert county.status_code == 200
    assert child_url(leo) in school_page.text
    assert page.status_code == 200
    assert "Leo Brennan" in page.text
    assert "Key adult" in page.text
    # The county shows no child; the school's list and the child's page are each a read of
    # Leo's record, on his school's chain.
    officer = las.kent_officer.pk
    assert reads() == [
        (world.school.pk, leo.pk, officer, school_url(world.school)),
        (world.school.pk, leo.pk, officer, child_url(leo)),
    ]
    assert audit_chain_verify(world.school) is None


def test_every_export_of_a_school_with_children_is_a_read_of_each(
    world: SchoolWorld, las: Authorities, signed_in: SignedIn
) -> None:
    client = signed_in(las.kent_officer)
    for fmt in ("csv", "pdf"):
        assert client.get(school_url(world.school) + f"?format={fmt}").status_code == 200
        assert client.get(child_url(world.looked_after_child) + f"?format={fmt}").status_code == 200
    assert {child for _, child, _, _ in reads()} == {world.looked_after_child.pk}
    assert len(reads()) == 4


def test_a_child_outside_the_cohorts_is_404(
    world: SchoolWorld, las: Authorities, signed_in: SignedIn
) -> None:
    assert signed_in(las.kent_officer).get(child_url(world.child)).status_code == 404
    assert reads() == []


def test_a_school_sharing_nothing_logs_no_read(
    world: SchoolWorld, las: Authorities, signed_in: SignedIn
) -> None:
    testing.share_with_virtual_school(world.school, cohorts=())
    client = signed_in(las.kent_officer)
    assert client.get(school_url(world.school)).status_code == 200
    assert client.get(child_url(world.looked_after_child)).status_code == 404
    assert reads() == []


def test_a_child_of_another_school_is_not_found_through_this_one(
    world: SchoolWorld, las: Authorities, signed_in: SignedIn
) -> None:
    # Two Kent schools: Leo is Hollybrook's, so Oak's address with his id finds nobody.
    oak = testing.school("100021", "Oak Tree Primary")
    testing.share_with_virtual_school(oak)
    kwargs = {"la_code": 886, "school_urn": oak.urn, "pupil_id": world.looked_after_child.pk}
    response = signed_in(las.kent_officer).get(reverse("virtualschool:child", kwargs=kwargs))
    assert response.status_code == 404
    assert reads() == []


def test_a_school_sharing_nothing_shows_only_suppressed_totals(
    world: SchoolWorld, las: Authorities, signed_in: SignedIn
) -> None:
    testing.share_with_virtual_school(world.school, cohorts=())
    client = signed_in(las.kent_officer)

    page = client.get(school_url(world.school))
    export = client.get(school_url(world.school) + "?format=csv").content.decode()

    assert page.status_code == 200
    assert not testing.names_in(page.text + export, "Leo")
    assert "Children the school shares" not in page.text
    assert "not agreed to share child-level detail" in page.text
    assert client.get(child_url(world.looked_after_child)).status_code == 404
    [_, row] = rows(export, "Children in the Virtual School's cohorts")
    assert row[1] == "≤5"


def test_sharing_only_one_cohort_hides_children_in_the_others(
    world: SchoolWorld, las: Authorities, signed_in: SignedIn
) -> None:
    testing.share_with_virtual_school(world.school, cohorts=(Cohort.CHILD_IN_NEED,))
    in_need = testing.pupil(world.school, forename="Ava")
    testing.cohort(in_need, Cohort.CHILD_IN_NEED)
    client = signed_in(las.kent_officer)

    assert client.get(child_url(in_need)).status_code == 200
    assert client.get(child_url(world.looked_after_child)).status_code == 404
    assert "Ava" in client.get(school_url(world.school)).text


def test_secondary_suppression_cannot_be_undone_from_the_totals(
    world: SchoolWorld, las: Authorities, signed_in: SignedIn
) -> None:
    # Kent: Hollybrook has 1 looked-after child (Leo); two more schools have 6 and 7. None
    # shares children, so the officer has only the totals to work from.
    testing.share_with_virtual_school(world.school, cohorts=())
    for urn, name, n in (("100021", "Oak Tree Primary", 6), ("100022", "Elm Academy", 7)):
        looked_after(testing.school(urn, name), n)
    client = signed_in(las.kent_officer)

    export = client.get(county_url() + "?format=csv").content.decode()
    page = client.get(county_url()).text

    table = rows(export, SCHOOLS_CAPTION)
    body, total = table[1:-1], table[-1]
    assert total[0] == "All schools"
    for column in range(1, len(table[0])):
        cells = [r[column] for r in body] + [total[column]]
        hidden = [c for c in cells if c in ("≤5", "*")]
        assert len(hidden) != 1, f"column {table[0][column]} gives a hidden figure away"
        shown = [int(c) for c in cells[:-1] if c not in ("≤5", "*")]
        if hidden and total[column] not in ("≤5", "*"):
            # Subtracting the shown schools from the total leaves more than one school.
            assert sum(1 for c in cells[:-1] if c in ("≤5", "*")) >= 2
            assert int(total[column]) - sum(shown) >= 0
    cohort_column = [r[1] for r in body]
    assert cohort_column.count("≤5") == 1 and cohort_column.count("*") == 1
    assert total[1] == "14"  # 1 + 6 + 7, with two schools hidden
    for marker in ("≤5", "*"):
        assert marker in page


def test_a_hidden_figure_cannot_be_found_with_the_children_a_school_shares(
    world: SchoolWorld, las: Authorities, signed_in: SignedIn
) -> None:
    # Hollybrook shares every cohort (1 child, Leo); Oak (3) hides; Elm (7) and Ash (8) do not
    # share. Were Elm hidden only because of Hollybrook, Leo's name would give Oak away.
    for urn, name, n in (("100021", "Oak", 3), ("100022", "Elm", 7), ("100023", "Ash", 8)):
        looked_after(testing.school(urn, name), n)
    client = signed_in(las.kent_officer)

    table = rows(client.get(county_url() + "?format=csv").content.decode(), SCHOOLS_CAPTION)
    shared = rows(
        client.get(school_url(world.school) + "?format=csv").content.decode(),
        "Children the school shares",
    )

    by_school = {r[0]: r[1] for r in table[1:]}
    known = len(shared) - 1  # the officer counts Leo on Hollybrook's page
    unknown = [name for name in ("Oak", "Elm", "Ash") if by_school[name] in ("≤5", "*")]
    assert by_school["Oak"] == "≤5"
    assert len(unknown) >= 2, "one hidden school could be worked out from the total"
    if by_school["All schools"] not in ("≤5", "*"):
        shown = sum(int(by_school[n]) for n in ("Oak", "Elm", "Ash") if n not in unknown)
        assert int(by_school["All schools"]) - known - shown == 3 + 7  # still two unknowns


def test_suspensions_count_children_with_code_e_in_the_range(
    world: SchoolWorld, las: Authorities, signed_in: SignedIn
) -> None:
    children = looked_after(world.school, 6)  # 1 to 5 would be hidden
    day = timezone.localdate() - timedelta(days=1)
    with school_scope(world.school):
        SessionMark.objects.bulk_create(
            SessionMark(
                school=world.school, pupil=p, date=day, session=s, code="E", original_code="E"
            )
            for p in children
            for s in ("AM", "PM")
        )
    client = signed_in(las.kent_officer)

    export = client.get(county_url() + "?format=csv").content.decode()
    before = client.get(
        county_url() + f"?date_from=2020-01-01&date_to={day - timedelta(days=1)}&format=csv"
    ).content.decode()

    header, hollybrook, _ = rows(export, SCHOOLS_CAPTION)
    assert hollybrook[header.index("Suspended or excluded")] == "6"
    assert hollybrook[header.index("Children in the cohorts")] == "7"
    _, earlier, _ = rows(before, SCHOOLS_CAPTION)
    assert earlier[header.index("Suspended or excluded")] == "0"


def test_a_wrong_date_range_is_explained_and_the_default_shown(
    las: Authorities, signed_in: SignedIn
) -> None:
    page = signed_in(las.kent_officer).get(
        county_url() + "?date_from=2026-05-01&date_to=2026-04-01"
    )
    assert page.status_code == 200
    assert "The end date must be on or after the start date." in page.text
    assert "1 September" in page.text


def test_the_pdf_export_is_a_pdf(world: SchoolWorld, las: Authorities, signed_in: SignedIn) -> None:
    client = signed_in(las.kent_officer)
    for url in (county_url(), school_url(world.school), child_url(world.looked_after_child)):
        response = client.get(url + "?format=pdf")
        assert response.status_code == 200
        assert response.content.startswith(b"%PDF")


def test_the_county_page_takes_the_same_queries_for_more_schools(
    world: SchoolWorld,
    las: Authorities,
    signed_in: SignedIn,
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    client = signed_in(las.kent_officer)

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as done:
            assert client.get(url).status_code == 200
        return len(done)

    county = queries(county_url())
    queries(school_url(world.school))  # the school's first read starts its audit chain
    school = queries(school_url(world.school))
    for i in range(6):
        looked_after(testing.school(f"10010{i}", f"School {i}"), 3)
    looked_after(world.school, 8)

    assert queries(county_url()) == county
    assert queries(school_url(world.school)) == school
    with django_assert_max_num_queries(COUNTY_QUERIES):
        client.get(county_url())
    with django_assert_max_num_queries(COUNTY_QUERIES + 4 + SCHOOL_READS):
        client.get(school_url(world.school))


# Sign-in (3), the authority membership, schools, sharing (read once for both tables), the
# newest import (the kept figures' key), the counts, and cohort_figures (two on SQLite; a
# savepoint, SET LOCAL and the query on PostgreSQL, after up to two index reads that check
# whether the range can be read as whole school years) at the time of writing; then one for
# the PEP table's counts. Kept figures skip the counts and cohort_figures.
COUNTY_QUERIES = 14
# The school page lists the children it shares: one query for the sharing tie the rules read,
# and the reads written in one step however many children (on SQLite in a test: two
# savepoints and their releases, the chain head locked, the events inserted, the head moved).
SCHOOL_READS = 8


def test_default_range_is_this_school_year_so_far() -> None:
    from attune.virtualschool.selectors import school_year_so_far

    assert school_year_so_far(date(2026, 11, 23)).date_from == date(2026, 9, 1)
    assert school_year_so_far(date(2027, 3, 2)).date_from == date(2026, 9, 1)


@pytest.mark.parametrize(
    ("query", "why"),
    [
        ("date_from=0001-01-01&date_to=2026-09-30", "before 1990"),
        ("date_from=2026-09-01&date_to=2999-12-31", "more than a year from today"),
        ("date_from=nonsense&date_to=2026-09-30", "Enter a valid date"),
    ],
)
def test_a_date_outside_1990_to_a_year_ahead_gets_a_400_saying_why(
    las: Authorities, world: SchoolWorld, signed_in: SignedIn, query: str, why: str
) -> None:
    client = signed_in(las.kent_officer)
    for url in (county_url(), school_url(world.school)):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 400, url
        assert why in response.content.decode()
