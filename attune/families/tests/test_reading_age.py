"""Every family page reads at about age nine: the Flesch-Kincaid grade of the visible text in
each page's main part is at most 4 (a reading age of nine to ten), measured by
``families/domain/readability.py``. The words a school or family typed in are part of the
measure too, as written in the test data (short, as such notes are)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from attune import testing
from attune.accounts.testing import sign_in_by_link
from attune.families.domain.readability import Readability, measure
from attune.families.testing import Family, contact_for, let_in
from attune.people.models import PupilContact
from attune.tenancy import school_scope
from attune.testing import SchoolWorld

pytestmark = pytest.mark.django_db

HIGHEST_GRADE = 4.0
BLOCKS = {"p", "h1", "h2", "h3", "li", "label", "button", "a", "td", "th", "div", "option"}


class _MainText(HTMLParser):
    """The text inside <main>, one line per block (heading, paragraph, label, button ...)."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.lines: list[str] = [""]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main":
            self.inside = True
        if tag in BLOCKS:
            self.lines.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self.inside = False
        if tag in BLOCKS:
            self.lines.append("")

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.lines[-1] += data


def page_measure(client: Client, url: str, data: dict[str, str] | None = None) -> Readability:
    response = client.post(url, data) if data is not None else client.get(url)
    assert response.status_code == 200, url
    parser = _MainText()
    parser.feed(response.content.decode())
    return measure([" ".join(line.split()) for line in parser.lines if line.strip()])


def test_every_family_page_reads_at_about_age_nine(world: SchoolWorld, family: Family) -> None:
    # A second child, so the list of children shows rather than sending on.
    brother = testing.pupil(world.school, forename="Ben", surname="Fletcher")
    contact = family.mum.contact
    with school_scope(world.school):
        PupilContact.objects.create(
            school=world.school,
            pupil=brother,
            contact=contact,
            parental_responsibility=True,
            started_on=family.mum.started_on,
        )
    client = sign_in_by_link(Client(), let_in(family.mum))
    child = {"pupil_id": world.child.pk}
    pages: dict[str, tuple[str, dict[str, str] | None]] = {
        "home": (reverse("family:home"), None),
        "child": (reverse("family:child", kwargs=child), None),
        "reply": (reverse("family:reply", kwargs=child | {"noticing_id": family.note.pk}), None),
        "absence": (reverse("family:absence", kwargs=child), None),
        "absence, not filled in": (reverse("family:absence", kwargs=child), {}),
        "you said": (reverse("family:you_said", kwargs=child), None),
        "you said, not filled in": (reverse("family:you_said", kwargs=child), {}),
        "hearing": (reverse("family:hearing", kwargs=child), None),
        "hearing, not filled in": (reverse("family:hearing", kwargs=child), {}),
        "reply, not filled in": (
            reverse("family:reply", kwargs=child | {"noticing_id": family.note.pk}),
            {},
        ),
    }
    grades = {name: page_measure(client, url, data) for name, (url, data) in pages.items()}
    too_hard = {
        name: round(found.grade, 1) for name, found in grades.items() if found.grade > HIGHEST_GRADE
    }
    assert all(found.words > 5 for found in grades.values()), grades
    assert not too_hard, f"family pages above grade {HIGHEST_GRADE}: {too_hard}"


def test_the_nursery_family_page_reads_at_about_age_nine() -> None:
    from attune.families.testing import note_home
    from attune.people.models import Phase, School

    world = testing.school_world("100077", "Little Acorns Nursery")
    School.objects.filter(pk=world.school.pk).update(phase=Phase.EARLY_YEARS)
    world.school.refresh_from_db()
    mum = contact_for(world.child, forename="Sam", surname="Fletcher", email="sam@example.org")
    note_home(world)
    client = sign_in_by_link(Client(), let_in(mum))
    child = {"pupil_id": world.child.pk}
    pages: list[tuple[str, dict[str, str] | None]] = [
        (reverse("family:child", kwargs=child), None),
        (reverse("family:home_note", kwargs=child), None),
        (reverse("family:home_note", kwargs=child), {}),
    ]
    for url, data in pages:
        found = page_measure(client, url, data)
        assert found.grade <= HIGHEST_GRADE, (url, round(found.grade, 1))
