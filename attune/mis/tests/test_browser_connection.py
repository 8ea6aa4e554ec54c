"""In a real browser, with axe-core on each page: the administrator finds the MIS connection
from the whole-school page, enters the school's Wonde id, runs a sync against the Wonde
stand-in and sees what came in, then queues "sync now"."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from attune import testing
from attune.accounts.roles import Role
from attune.mis.sync.run import school_sync
from attune.mis.testing import TOKEN, FakeWonde, Record, student
from attune.people.domain.upn import make_upn
from attune.tests.test_browser import assert_accessible, browser, page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["browser", "page"]  # fixtures, imported so pytest finds them here


def test_the_administrator_connects_the_school_and_sees_what_came_in(
    live_server: Any, page: Page, settings: Any
) -> None:
    settings.ATTUNE_WONDE_TOKEN = TOKEN
    world = testing.school_world()
    admin = testing.user(world.school, Role.ADMINISTRATOR)
    base, urn = live_server.url, world.school.urn

    sign_in(page, base, admin)
    page.goto(f"{base}/s/{urn}/whole-school/")
    page.get_by_role("link", name="Connection to your MIS").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Connection to your MIS")
    expect(page.get_by_test_id("mis-status")).to_contain_text("Not connected")
    assert_accessible(page)

    page.get_by_label("Wonde school id").fill("A19-30")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".error").first).to_contain_text("letters and digits only")
    assert_accessible(page)
    page.get_by_label("Wonde school id").fill("A1930499544")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("mis-status")).to_contain_text("Connected, not synced yet")

    with FakeWonde() as wonde:
        school = wonde.add_school("A1930499544", urn)
        school.students["A1"] = Record(student("A1", upn=make_upn(886, 3001, 19, 1)))
        school.students["A2"] = Record(student("A2", upn=None))
        world.school.refresh_from_db()
        school_sync(school=world.school, kinds=["pupils"], base_url=wonde.base_url)
    page.reload()
    expect(page.get_by_test_id("mis-kinds")).to_contain_text("1 new pupil")
    page.get_by_text("1 to check").click()
    expect(page.get_by_test_id("mis-kinds")).to_contain_text("the MIS gave no UPN")
    assert_accessible(page)

    page.get_by_role("button", name="Sync now").click()
    expect(page.get_by_test_id("mis-requested")).to_be_visible()
    assert_accessible(page)
