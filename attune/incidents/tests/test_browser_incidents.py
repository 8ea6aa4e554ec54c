"""In a real browser: a teacher records an incident (fixing a mistake on the way), the lead reads
the school's trend, then starts the intervention catalogue and records a child's scores."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from attune import testing
from attune.tests.test_browser import assert_accessible, browser, page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["browser", "page"]  # fixtures, imported so pytest finds them here


def test_record_an_incident_then_read_trends_and_intervention_impact(
    live_server: Any, page: Page
) -> None:
    world = testing.school_world()
    base = live_server.url
    urn = world.school.urn
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()

    sign_in(page, base, world.teacher)
    page.goto(f"{base}/s/{urn}/incidents/")
    assert_accessible(page)
    page.get_by_label("Child").select_option(label="Maya Fletcher")
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record an incident for Maya")
    assert_accessible(page)
    page.get_by_label("Date").fill(yesterday)
    page.get_by_label("Time").fill("10:40")
    page.get_by_label("Where").fill("the dinner hall")
    page.get_by_label("What happened before").fill("Very loud hall; her seat was taken.")
    page.get_by_label("How they helped the child to calm (regulate)").fill(
        "Walked to the garden together, few words."
    )
    page.get_by_label("Minutes until the child was calm").fill("-5")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".error-summary")).to_contain_text("cannot be negative")
    assert_accessible(page)
    page.get_by_label("Minutes until the child was calm").fill("15")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("minutes")).to_have_text("15")
    assert_accessible(page)

    page.context.clear_cookies()  # sign out, then in again as the lead
    sign_in(page, base, world.lead)
    page.goto(f"{base}/s/{urn}/incidents/?by=month")
    expect(page.get_by_role("table").first).to_contain_text("Median minutes until calm")
    expect(page.locator("main")).to_contain_text("Maya Fletcher")
    assert_accessible(page)

    page.goto(f"{base}/s/{urn}/interventions/")
    page.get_by_role("button", name="Add the usual interventions").click()
    expect(page.locator("main")).to_contain_text("Sensory circuits")
    assert_accessible(page)
    page.goto(f"{base}/s/{urn}/interventions/pupils/{world.child.pk}/new/")
    page.get_by_label("Intervention").select_option(label="Theraplay")
    page.get_by_label("Run by").select_option(index=1)
    page.get_by_label("Start date").fill((timezone.localdate() - timedelta(days=60)).isoformat())
    page.get_by_label("Baseline score").fill("24")
    page.get_by_label("Date of the baseline").fill(
        (timezone.localdate() - timedelta(days=61)).isoformat()
    )
    page.get_by_label("Follow-up score").fill("18")
    page.get_by_label("Date of the follow-up").fill(yesterday)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("change")).to_have_text("6 points better")
    assert_accessible(page)
