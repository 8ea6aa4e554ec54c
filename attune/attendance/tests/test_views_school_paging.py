"""The school attendance page in pages: only the rows are paged, the figures cover everyone."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries

from attune import testing
from attune.attendance import views
from attune.attendance.tests.test_views_school import give_marks, url
from attune.testing import SchoolWorld, SignedIn

pytestmark = pytest.mark.django_db


@pytest.fixture
def five(world: SchoolWorld, monkeypatch: pytest.MonkeyPatch) -> SchoolWorld:
    """Five pupils, two to a page. Maya (severe) and Leo (persistent) sort last by name."""
    monkeypatch.setattr(views, "PUPILS_PER_PAGE", 2)
    give_marks(world.child, 6)  # Fletcher
    give_marks(world.looked_after_child, 2)  # Brennan
    for surname in ("Adams", "Ahmed", "Ali"):
        give_marks(testing.pupil(world.school, forename="Sam", surname=surname), 0)
    return world


def names(page: object) -> list[str]:
    return [p.name for p in page.context["rows"]]  # type: ignore[attr-defined]


def pager(html: str) -> str:
    return html.split('data-testid="pupil-pages"')[1].split("</nav>")[0]


def link_queries(html: str) -> list[dict[str, list[str]]]:
    return [parse_qs(urlsplit(unescape(h)).query) for h in re.findall(r'href="([^"]*)"', html)]


def test_page_two_shows_the_next_pupils(five: SchoolWorld, signed_in: SignedIn) -> None:
    client = signed_in(five.lead)
    first = client.get(url(five, "school"))
    second = client.get(url(five, "school"), {"page": "2"})
    third = client.get(url(five, "school"), {"page": "3"})

    assert names(first) == ["Sam Adams", "Sam Ahmed"]
    assert names(second) == ["Sam Ali", "Leo Brennan"]
    assert names(third) == ["Maya Fletcher"]
    table = second.text.split('data-testid="pupils-table"')[1].split("</table>")[0]
    assert "Leo Brennan" in table and "Sam Adams" not in table
    assert "Showing pupils 3 to 4 of 5" in second.text
    nav = pager(second.text)
    assert 'aria-label="Pages of pupils"' in second.text
    assert re.search(r'aria-current="page"><span class="visually-hidden">Page </span>2<', nav)
    assert nav.count('aria-current="page"') == 1
    assert 'rel="prev"' in nav and 'rel="next"' in nav


def test_the_figures_and_lists_cover_every_pupil_not_just_the_page(
    five: SchoolWorld, signed_in: SignedIn
) -> None:
    page = signed_in(five.lead).get(url(five, "school"))  # Maya and Leo are not on page 1

    assert "Maya Fletcher" not in names(page) and "Leo Brennan" not in names(page)
    assert 'data-testid="pupil-count">5<' in page.text
    summary = page.context["page"].cohort
    assert (summary.pupils, summary.persistently_absent, summary.severely_absent) == (5, 2, 1)
    assert dict(page.context["page"].bands)["Under 50% (severe absence)"] == 1
    assert dict(page.context["page"].bands)["97% or more"] == 3
    assert "Persistently absent (2)" in page.text and "Severely absent (1)" in page.text
    lists = page.text.split('id="pa-heading"')[1]
    assert "Maya Fletcher" in lists and "Leo Brennan" in lists


def test_filters_and_sort_are_kept_from_page_to_page(
    five: SchoolWorld, signed_in: SignedIn
) -> None:
    query = {"sort": "attendance", "order": "asc", "year_group": "4", "page": "2"}
    page = signed_in(five.lead).get(url(five, "school"), query)

    # Lowest attendance first: Maya, Leo, then the three with full attendance.
    assert len(names(page)) == 2 and all(name.startswith("Sam ") for name in names(page))
    assert [p.name for p in page.context["page"].pupils][:2] == ["Maya Fletcher", "Leo Brennan"]
    links = link_queries(pager(page.text))
    assert sorted(q["page"][0] for q in links) == ["1", "1", "2", "3", "3"]  # prev, 1-3, next
    for q in links:
        assert q["sort"] == ["attendance"] and q["order"] == ["asc"] and q["year_group"] == ["4"]
    # A column heading keeps the filters but starts the new order at the first page.
    head = page.text.split('data-testid="pupils-table"')[1].split("</thead>")[0]
    for q in link_queries(head):
        assert "page" not in q and q["year_group"] == ["4"]


def test_a_filter_is_applied_before_paging(five: SchoolWorld, signed_in: SignedIn) -> None:
    page = signed_in(five.lead).get(url(five, "school"), {"only": "pa"})

    assert names(page) == ["Leo Brennan", "Maya Fletcher"]
    assert 'data-testid="pupil-pages"' not in page.text  # one page: no page links
    assert 'data-testid="pupil-count">2<' in page.text


@pytest.mark.parametrize(("asked", "shown"), [("99", 3), ("0", 3), ("-1", 3), ("many", 1)])
def test_a_page_number_out_of_range_shows_a_page_not_an_error(
    five: SchoolWorld, signed_in: SignedIn, asked: str, shown: int
) -> None:
    page = signed_in(five.lead).get(url(five, "school"), {"page": asked})

    assert page.status_code == 200
    assert page.context["rows"].number == shown


def test_the_paged_page_costs_the_same_queries_however_many_pupils(
    world: SchoolWorld,
    signed_in: SignedIn,
    monkeypatch: pytest.MonkeyPatch,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    monkeypatch.setattr(views, "PUPILS_PER_PAGE", 5)
    for n in range(6):  # two pages
        give_marks(testing.pupil(world.school), n)
    client = signed_in(world.lead)
    client.get(url(world, "school"))  # the session and the sign-in's own reads, once

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(world, "school"), {"page": "2"}).status_code == 200
        return len(captured)

    small = queries()
    for n in range(20):  # six pages
        give_marks(testing.pupil(world.school), n % 8)
    with django_assert_max_num_queries(12):
        page = client.get(url(world, "school"), {"page": "2", "sort": "attendance"})
    assert len(page.context["rows"]) == 5 and len(page.context["page"].pupils) == 28
    assert queries() == small


def test_the_pa_and_sa_lists_show_the_lowest_few_and_link_to_them_all(
    five: SchoolWorld, signed_in: SignedIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "LISTED", 1)
    client = signed_in(five.lead)
    page = client.get(url(five, "school"), {"year_group": "4"})

    lists = page.text.split('id="pa-heading"')[1].split('id="sa-heading"')[0]
    assert "Persistently absent (2)" in page.text
    assert "Maya Fletcher" in lists and "Leo Brennan" not in lists  # the lowest first
    more = link_queries(lists.split('data-testid="list-more"')[1])
    assert more == [{"year_group": ["4"], "only": ["pa"], "sort": ["attendance"], "order": ["asc"]}]
    every = client.get(url(five, "school"), {k: v[0] for k, v in more[0].items()})
    assert names(every) == ["Maya Fletcher", "Leo Brennan"]
    assert 'data-testid="list-more"' not in page.text.split('id="sa-heading"')[1]
