"""In a real browser: each role's home shows what needs them first, leads to the act, and
passes axe; the office opens a child from the attendance list."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from attune import testing
from attune.accounts.roles import Role
from attune.attendance.tests.test_views_school import give_marks
from attune.earlyyears.models import ChildVisit
from attune.earlyyears.tests.conftest import Setting, setting
from attune.tenancy import school_scope
from attune.tests.test_browser import (
    PHONE,
    assert_accessible,
    browser,
    page,
    phone,
    sign_in,
    tablet,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Fixtures shared with the main browser test and the early years tests.
__all__ = ["browser", "page", "phone", "setting", "tablet"]


def test_the_lead_s_home_leads_to_choosing_a_key_adult(live_server: Any, page: Page) -> None:
    world = testing.school_world()
    sign_in(page, live_server.url, world.lead)
    needs = page.get_by_role("region", name="Needs you today")
    expect(needs).to_contain_text("children waiting for a key adult")
    assert_accessible(page)
    needs.get_by_role("link", name="Maya").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("key adult")
    assert_accessible(page)


def test_the_head_s_home_draws_each_chart_with_its_table(live_server: Any, page: Page) -> None:
    world = testing.school_world()
    give_marks(world.child, 6)
    sign_in(page, live_server.url, world.head)
    expect(page.get_by_role("table", name="Children who need a key adult")).to_be_visible()
    expect(page.locator("canvas")).to_have_count(6)
    page.wait_for_function("() => window.Chart && Chart.getChart(document.querySelector('canvas'))")
    assert_accessible(page)


def test_the_office_opens_a_child_from_the_attendance_list(live_server: Any, page: Page) -> None:
    world = testing.school_world()
    give_marks(world.child, 6)
    give_marks(world.looked_after_child, 2)
    sign_in(page, live_server.url, world.office)
    expect(page.get_by_role("region", name="Needs you today")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Attendance", exact=True).click()
    pupils = page.get_by_test_id("pupils-table")
    for name in ("Maya Fletcher", "Leo Brennan"):
        pupils.get_by_role("link", name=name).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"{name}: attendance")
        expect(page.locator("main")).not_to_contain_text("What lies behind the absence")
        assert_accessible(page)
        page.go_back()


def test_the_virtual_school_s_home_names_its_children_needing_a_pep(
    live_server: Any, page: Page
) -> None:
    world = testing.school_world()
    officer = testing.user(world.school, Role.VIRTUAL_SCHOOL)
    sign_in(page, live_server.url, officer)
    expect(page.get_by_role("region", name="Needs you today")).to_contain_text("Leo Brennan")
    assert_accessible(page)


def test_on_a_phone_the_key_adult_s_home_opens_today_and_the_menu_unfolds(
    live_server: Any, phone: Page
) -> None:
    world = testing.school_world()
    sign_in(phone, live_server.url, world.key_adult_user)
    menu = phone.get_by_role("button", name="Menu")
    expect(menu).to_have_attribute("aria-expanded", "false")
    assert_accessible(phone)
    menu.tap()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(phone.get_by_role("link", name="Children")).to_be_visible()
    assert_accessible(phone)
    phone.get_by_role("link", name="Today", exact=True).tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Today")


def test_the_nursery_manager_sees_a_breach_and_signs_a_child_in_with_one_tap(
    live_server: Any, tablet: Page, setting: Setting
) -> None:
    """The manager's home leads with each room's ratio, a breach in red; the room's name opens
    the register, where one tap signs a child in."""
    world = setting.world
    now = timezone.localtime()
    with school_scope(world.school):
        ChildVisit.objects.create(
            school=world.school,
            pupil=world.child,
            room=setting.room,
            on=now.date(),
            signed_in_at=(now - timedelta(minutes=5)).time(),
            brought_by="Mum",
        )
    sign_in(tablet, live_server.url, world.lead)
    breach = tablet.locator(".home-room-breach")
    expect(breach).to_contain_text("Robins")
    expect(breach).to_contain_text("Out of ratio")
    assert_accessible(tablet)

    breach.get_by_role("link", name="Robins").click()
    expect(tablet.get_by_role("heading", level=1)).to_contain_text("Register for")
    tablet.get_by_role("button", name="Sign in Leo Brennan").tap()
    expect(tablet.locator("#register-status")).to_contain_text("signed in at")
    assert_accessible(tablet)


def test_on_a_phone_a_wide_table_scrolls_in_its_own_named_box(
    live_server: Any, phone: Page
) -> None:
    """The attendance list is wider than a phone: the page keeps the phone's width, and the
    table's box is a region named by its caption that the keyboard reaches and scrolls."""
    world = testing.school_world()
    give_marks(world.child, 6)
    sign_in(phone, live_server.url, world.office)
    phone.goto(f"{live_server.url}/s/{world.school.urn}/attendance/")
    pupils = phone.get_by_test_id("pupils-table")
    expect(pupils).to_be_visible()
    box = phone.locator(".table-scroll", has=pupils)
    expect(box).to_have_attribute("role", "region")
    expect(box).to_have_attribute("tabindex", "0")
    name = pupils.locator("caption").text_content() or ""
    expect(phone.get_by_role("region", name=name.strip())).to_have_count(1)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")
    assert_accessible(phone)

    box.focus()
    phone.keyboard.press("ArrowRight")
    phone.wait_for_function(
        "() => document.querySelector('.table-scroll:focus').scrollLeft > 0", timeout=2000
    )

    # On a screen wide enough the table fits, and its box is no longer a stop for Tab; on the
    # phone again, it is.
    phone.set_viewport_size({"width": 1400, "height": 900})
    expect(box).not_to_have_attribute("tabindex", "0")
    expect(box).not_to_have_attribute("role", "region")
    phone.set_viewport_size(PHONE)  # type: ignore[arg-type]
    expect(box).to_have_attribute("tabindex", "0")
