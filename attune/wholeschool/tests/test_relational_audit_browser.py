"""In a real browser, keyboard only, on a tablet-size window: the attachment lead completes a
Relational Approaches Audit, compares it with last year's, and turns two red items into actions.
axe-core checks every page on the way.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from attune import testing
from attune.tenancy import school_scope
from attune.tests.test_browser import assert_accessible, browser, page, sign_in
from attune.wholeschool.domain.audit_template import default_template
from attune.wholeschool.models import RelationalAuditAction, RelationalAuditRating
from attune.wholeschool.services import (
    Answer,
    relational_audit_answers_save,
    relational_audit_complete,
    relational_audit_start,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["browser", "page"]  # fixtures reused from the main browser test

ITEMS = default_template().item_ids()
RED_NOW = {"safe.ethos.4", "safe.ethos.5"}


def focused(page: Page) -> dict[str, str]:
    result: dict[str, str] = page.evaluate(
        "() => ({tag: document.activeElement.tagName, type: document.activeElement.type || '',"
        " name: document.activeElement.name || ''})"
    )
    return result


def rate_with_keyboard(page: Page) -> None:
    """Tab through the form; in each radio group Space picks Red, arrows move to Amber/Green."""
    rated: set[str] = set()
    for _ in range(400):
        page.keyboard.press("Tab")
        now = focused(page)
        if now["type"] == "radio" and now["name"] not in rated:
            item_id = now["name"].removeprefix("r-").replace("-", ".")
            if item_id in RED_NOW:
                page.keyboard.press("Space")  # the first option, Red
            else:
                page.keyboard.press("ArrowRight")  # Red, then on to Amber
                page.keyboard.press("ArrowRight")  # and Green
            rated.add(now["name"])
        if len(rated) == len(ITEMS):
            return
    raise AssertionError(f"only reached {len(rated)} rating groups by keyboard")


def test_lead_completes_compares_and_plans_by_keyboard(live_server: Any, page: Page) -> None:
    world = testing.school_world()
    with school_scope(world.school):
        last_year = relational_audit_start(
            actor=world.lead, school=world.school, today=date(2025, 1, 6)
        )
        relational_audit_answers_save(
            actor=world.lead, run=last_year, answers={i: Answer("red") for i in ITEMS}
        )
        relational_audit_complete(actor=world.lead, run=last_year, today=date(2025, 1, 6))
    base = live_server.url
    sign_in(page, base, world.lead)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hollybrook")

    page.goto(f"{base}/s/{world.school.urn}/whole-school/audits/")
    assert_accessible(page)
    page.get_by_role("button", name="Start a new audit").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Relational Approaches Audit")
    assert_accessible(page)

    # A section at a time: its statements only, the count moving as each is rated, and the
    # chosen rating keeping its colour.
    expect(page.locator("fieldset.rag")).to_have_count(8)
    green = page.locator("label.rag-green").first
    green.click()
    expect(page.get_by_test_id("rated-count")).to_have_text("1 of 40")
    expect(page.locator("#count-safe-ethos")).to_have_text("1 of 8")
    expect(green).to_have_css("background-color", "rgb(30, 107, 51)")
    assert_accessible(page)
    page.get_by_role("button", name="Next: whole-school practice").click()
    expect(page.get_by_role("heading", level=2, name="Whole-school practice")).to_be_visible()
    page.get_by_role("link", name="Every section on one page").click()
    expect(page.locator("fieldset.rag")).to_have_count(40)

    page.get_by_role("link", name="Skip to main content").focus()
    rate_with_keyboard(page)
    # The last change is saved as you go (HTMX) before any button is pressed.
    # Generous wait: the autosave is a real request, and a busy CI machine can be slow.
    expect(page.locator("#saved-relationships-individual-6")).to_contain_text(
        "Saved at", timeout=20_000
    )
    with school_scope(world.school):
        assert RelationalAuditRating.objects.exclude(run=last_year).exclude(rating="").count() == 40
    page.get_by_label(
        "Evidence for feeling safe in school, whole-school values and ethos, statement 4"
    ).focus()
    page.keyboard.type("Staff say they hear news last.")
    assert_accessible(page)

    page.get_by_role("button", name="Complete the audit").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Audit results")
    assert_accessible(page)

    page.get_by_label("Audit to compare with").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    moved = page.get_by_test_id("moved")
    expect(moved).to_contain_text("Improved")
    expect(moved.locator("li")).to_have_count(38)
    assert_accessible(page)

    page.get_by_role("link", name="Action plan").first.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Action plan")
    assert_accessible(page)
    page.get_by_label("Red: Staff right across").focus()
    page.keyboard.press("Space")
    page.get_by_label("Red: When a child or an adult raises").focus()
    page.keyboard.press("Space")
    page.get_by_label("What will be done").focus()
    page.keyboard.type("Half-termly staff forum with SLT")
    page.get_by_label("Who will lead it").focus()
    page.keyboard.type("Priya")
    page.get_by_label("Due by").focus()
    page.keyboard.type("12312030")  # the browser's date field, en-US order here
    page.get_by_role("button", name="Add to the plan").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.locator(".error-summary").count() == 0, page.locator(".error-summary").inner_text()
    expect(page.get_by_test_id("actions").locator("tbody tr")).to_have_count(2)
    assert_accessible(page)
    with school_scope(world.school):
        made = list(RelationalAuditAction.objects.order_by("item_id"))
    assert [(a.item_id, a.owner_id, a.due_on) for a in made] == [
        ("safe.ethos.4", world.key_adult.pk, date(2030, 12, 31)),
        ("safe.ethos.5", world.key_adult.pk, date(2030, 12, 31)),
    ]
