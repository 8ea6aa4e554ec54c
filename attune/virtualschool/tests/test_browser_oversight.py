"""In a real browser, with axe: the Virtual School's county, school and child pages, the
head's API tokens, and a school lead choosing what to share."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from attune import testing
from attune.tests.test_browser import assert_accessible, browser, page, sign_in
from attune.virtualschool.models import AuthorityRole
from attune.virtualschool.tests.conftest import officer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["browser", "page"]  # fixtures, imported so pytest finds them here


def test_an_officer_drills_down_to_a_shared_child(live_server: Any, page: Page) -> None:
    world = testing.school_world()
    head = officer(testing.local_authority(), AuthorityRole.HEAD)
    base = live_server.url

    sign_in(page, base, head)
    page.goto(f"{base}/la/886/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kent Virtual School")
    assert_accessible(page)

    page.get_by_label("From").fill("2026-09-01")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("From 1 September 2026")).to_be_visible()

    expect(page.get_by_role("heading", name="Personal Education Plans (PEPs)")).to_be_visible()
    by_school = page.get_by_role("region", name="Children in the Virtual School's cohorts, by")
    by_school.get_by_role("link", name="Hollybrook Primary School").click()
    expect(page.get_by_role("heading", name="Children the school shares")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Leo Brennan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leo Brennan")
    expect(page.get_by_text("Overdue for ")).to_be_visible()  # this term's PEP
    assert_accessible(page)

    page.goto(f"{base}/la/886/api-tokens/")
    assert_accessible(page)
    page.get_by_label("Name").fill("Case system")
    page.get_by_role("button", name="Make token").click()
    expect(page.get_by_test_id("new-token")).to_contain_text("att_")
    assert_accessible(page)
    assert world.school.urn  # the world exists for the pages above


def test_a_lead_chooses_what_to_share(live_server: Any, page: Page) -> None:
    world = testing.school_world()
    base = live_server.url

    sign_in(page, base, world.lead)
    page.goto(f"{base}/s/{world.school.urn}/sharing/")
    assert_accessible(page)
    page.get_by_label("Kinship care").uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    expect(page.get_by_label("Kinship care")).not_to_be_checked()
    assert_accessible(page)
