"""In a real browser: ``js/tables.js`` boxes each wide table and names the box as the table.

The page is written here rather than served, so each way a table can be named is tried alone.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from attune.tests.test_browser import PHONE, browser, phone

pytestmark = pytest.mark.browser

__all__ = ["browser", "phone"]

SCRIPT = Path(__file__).resolve().parents[1] / "static" / "js" / "tables.js"
VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'
WIDE_ROW = "<tr>" + "".join(f"<td>Column number {n}</td>" for n in range(12)) + "</tr>"
PAGE = f"""<!doctype html><html lang="en"><head>{VIEWPORT}<title>Tables</title>
<style>.table-scroll {{ overflow-x: auto; }}</style></head><body><main>
<h1>Attendance</h1>
<table class="table" id="captioned"><caption>Every pupil</caption>{WIDE_ROW}</table>
<table class="table" id="labelled" aria-label="Marks this week">{WIDE_ROW}</table>
<section><h2>Reviews due</h2><p>Soonest first.</p>
  <div><table class="table" id="under-heading">{WIDE_ROW}</table></div></section>
<table class="table" id="narrow"><caption>Two columns</caption><tr><td>a</td><td>b</td></tr></table>
</main></body></html>"""


def test_each_wide_table_scrolls_in_a_box_named_as_the_table(phone: Page) -> None:
    phone.set_content(PAGE)
    phone.add_script_tag(path=str(SCRIPT))
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    expect(phone.get_by_role("region", name="Every pupil")).to_have_count(1)
    expect(phone.get_by_role("region", name="Marks this week")).to_have_count(1)
    # No caption and no name of its own: the nearest heading before it names the box.
    expect(phone.get_by_role("region", name="Reviews due")).to_have_count(1)
    expect(phone.get_by_role("region")).to_have_count(3)
    for table in ("captioned", "labelled", "under-heading"):
        expect(phone.locator(f".table-scroll:has(#{table})")).to_have_attribute("tabindex", "0")

    narrow = phone.locator(".table-scroll:has(#narrow)")
    expect(narrow).to_have_count(1)
    expect(narrow).not_to_have_attribute("tabindex", "0")


def test_a_table_shown_after_loading_becomes_a_named_stop(phone: Page) -> None:
    """A table on a hidden tab measures nothing until it is shown; showing it is enough."""
    phone.set_content(
        f"""<!doctype html><html lang="en"><head>{VIEWPORT}<title>Tabs</title>
        <style>.table-scroll {{ overflow-x: auto; }}</style></head><body><main>
        <div id="tab" hidden>
        <table class="table" id="later"><caption>Older marks</caption>{WIDE_ROW}</table>
        </div></main></body></html>"""
    )
    phone.add_script_tag(path=str(SCRIPT))
    box = phone.locator(".table-scroll:has(#later)")
    expect(box).to_have_count(1)
    expect(box).not_to_have_attribute("tabindex", "0")
    phone.evaluate("document.getElementById('tab').hidden = false")
    expect(box).to_have_attribute("tabindex", "0")
    expect(phone.get_by_role("region", name="Older marks")).to_have_count(1)
