"""The plans page as a whole: what the browser is given."""

from __future__ import annotations

import pytest
from django.urls import reverse

from attune.testing import SchoolWorld, SignedIn

pytestmark = pytest.mark.django_db


def test_the_plans_page_title_is_only_its_title(world: SchoolWorld, signed_in: SignedIn) -> None:
    page = signed_in(world.lead).get(
        reverse("plans:pupil_plans", kwargs={"urn": world.school.urn, "pupil_id": world.child.pk})
    )
    title = page.text.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "Plans and meetings for Maya" in title and "<" not in title
    assert page.text.count('id="you-said-heading"') == 1
