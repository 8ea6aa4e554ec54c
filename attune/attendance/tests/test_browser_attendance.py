"""In a real browser: the school attendance page, its chart and the table beside it, with axe."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from attune import testing
from attune.attendance.tests.test_views_school import give_marks
from attune.tests.test_browser import assert_accessible, browser, page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["browser", "page"]  # fixtures shared with the main browser test


def test_the_lead_reads_the_school_attendance_page_and_its_chart(
    live_server: Any, page: Page
) -> None:
    world = testing.school_world()
    give_marks(world.child, 6)  # severely absent
    give_marks(world.looked_after_child, 2)  # persistently absent
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    base = f"{live_server.url}/s/{world.school.urn}/attendance"

    sign_in(page, live_server.url, world.lead)
    page.goto(f"{base}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Attendance")
    pupils = page.get_by_test_id("pupils-table")
    expect(pupils).to_contain_text("Maya Fletcher")
    expect(pupils).to_contain_text("40.0%")
    # The chart is drawn by the external script from the json_script data (no inline script),
    # and the same figures sit in a table for screen readers.
    page.wait_for_function("() => window.Chart && Chart.getChart(document.querySelector('canvas'))")
    bands = page.get_by_role("table", name="Pupils by attendance band")
    expect(bands.get_by_role("row", name="Under 50% (severe absence) 1")).to_be_visible()
    assert_accessible(page)

    # Sorting by a column heading, by keyboard.
    pupils.get_by_role("link", name="Attendance", exact=True).focus()
    page.keyboard.press("Enter")
    expect(pupils.locator("tbody tr").first).to_contain_text("Maya Fletcher")
    pupils.get_by_role("link", name="Attendance", exact=True).click()
    expect(pupils.locator("tbody tr").first).to_contain_text("Leo Brennan")

    # Only the severely absent.
    page.get_by_label("Show").select_option("sa")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_test_id("pupil-count")).to_have_text("1")
    assert_accessible(page)

    for path in ("cohorts/", "attention/", "upload/", "terms/"):
        page.goto(f"{base}/{path}")
        expect(page.locator("main")).to_be_visible()
        assert_accessible(page)
    page.goto(f"{base}/cohorts/")
    page.wait_for_function("() => window.Chart && Chart.getChart(document.querySelector('canvas'))")
    page.goto(f"{base}/attention/")
    expect(page.get_by_test_id("attention-list")).to_contain_text("Maya Fletcher")

    page.goto(f"{base}/pupils/{world.child.pk}/concerns/new/")
    assert_accessible(page)
    page.get_by_label("Emotionally based school avoidance").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("concern")).to_contain_text("Emotionally based school avoidance")

    assert not [p for p in problems if "Content Security Policy" in p], problems
