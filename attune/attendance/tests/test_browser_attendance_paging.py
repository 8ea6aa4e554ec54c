"""In a real browser: moving through the school attendance page's pages, with axe."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from attune import testing
from attune.attendance import views
from attune.attendance.tests.test_views_school import give_marks
from attune.tests.test_browser import assert_accessible, browser, page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["browser", "page"]  # fixtures shared with the main browser test


def test_the_lead_pages_through_the_pupils_by_keyboard(
    live_server: Any, page: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "PUPILS_PER_PAGE", 1)  # the live server runs in this process
    world = testing.school_world()
    give_marks(world.child, 6)  # Maya Fletcher, severely absent
    give_marks(world.looked_after_child, 2)  # Leo Brennan, persistently absent
    testing.pupil(world.school, forename="Sam", surname="Adams")

    sign_in(page, live_server.url, world.lead)
    page.goto(f"{live_server.url}/s/{world.school.urn}/attendance/?sort=name")
    pages = page.get_by_role("navigation", name="Pages of pupils")
    pupils = page.get_by_test_id("pupils-table")
    expect(pupils.locator("tbody tr")).to_have_count(1)
    expect(pupils).to_contain_text("Sam Adams")
    expect(pages.locator('[aria-current="page"]')).to_have_text("Page 1")
    expect(page.get_by_test_id("pupil-count")).to_have_text("3")
    expect(page.get_by_role("heading", name="Persistently absent (2)")).to_be_visible()
    assert_accessible(page)

    pages.get_by_role("link", name="Next page").focus()
    page.keyboard.press("Enter")
    expect(pupils).to_contain_text("Leo Brennan")
    expect(pages.locator('[aria-current="page"]')).to_have_text("Page 2")
    assert "sort=name" in page.url and "page=2" in page.url
    assert_accessible(page)
