"""A room's children with their ages, as the register's room panel lists them."""

from __future__ import annotations

import uuid
from datetime import date

from django.template import Context, Template

from attune.earlyyears.templatetags.early_years import ages_on
from attune.people.models import Pupil

ON = date(2026, 12, 7)


def child(forename: str, born: date, preferred: str = "") -> Pupil:
    return Pupil(
        id=uuid.uuid4(),
        legal_forename=forename,
        preferred_name=preferred,
        legal_surname="Smith",
        date_of_birth=born,
    )


def test_each_child_by_the_name_they_go_by_with_their_age() -> None:
    children = [
        child("Margaret", date(2024, 9, 7), "Maya"),
        child("Sam", date(2026, 1, 8)),
        child("Jo", date(2023, 12, 7)),
    ]
    assert ages_on(children, ON) == "Maya 2 y 3 m, Sam 10 m, Jo 3 y 0 m"
    assert ages_on([], ON) == ""


def test_a_name_is_escaped_on_the_page() -> None:
    page = Template("{% load early_years %}{{ children|ages_on:on }}").render(
        Context({"children": [child("<b>Al</b> & Co", date(2025, 12, 1))], "on": ON})
    )
    assert page == "&lt;b&gt;Al&lt;/b&gt; &amp; Co 1 y 0 m"
