"""In a real browser: the lead sets up courses, records a session and a supervision; axe-clean."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from attune import testing
from attune.relationships.models import KeyAdultRelationship
from attune.tenancy import school_scope
from attune.tests.test_browser import assert_accessible, browser, page, sign_in  # noqa: F401
from attune.training.models import Attendance, Supervision

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_lead_records_training_and_supervision(live_server: Any, page: Page) -> None:  # noqa: F811
    world = testing.school_world()
    with school_scope(world.school):
        KeyAdultRelationship.objects.create(
            school=world.school,
            pupil=world.child,
            key_adult=world.key_adult,
            started_on=timezone.localdate() - timedelta(weeks=9),
            reason="In class every morning.",
        )
    base = f"{live_server.url}/s/{world.school.urn}/training"
    sign_in(page, live_server.url, world.lead)

    page.goto(f"{base}/courses/")
    assert_accessible(page)
    page.get_by_role("button", name="Add the suggested courses").click()
    expect(page.get_by_text("Added 7 suggested courses")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Record attendance").click()
    page.get_by_role("button", name="Record attendance").click()  # nothing chosen yet
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    assert_accessible(page)
    page.get_by_label("Course").select_option(label="Emotion coaching")
    page.get_by_label("Who ran it").fill("Educational psychology service")
    page.get_by_label("Priya Shah (Teaching assistant)").check()
    page.get_by_label("Tom Okafor (Teaching assistant)").press("Space")
    page.get_by_role("button", name="Record attendance").click()
    expect(page.get_by_text("Recorded Emotion coaching for 2 people.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Training overview").click()
    expect(page.locator("main")).to_contain_text("Key adults: 1 of 1")
    assert_accessible(page)

    page.get_by_role("link", name="Supervision").click()
    expect(page.locator("main")).to_contain_text("No formal supervision recorded")
    assert_accessible(page)
    page.get_by_role("link", name="Record supervision for Priya Shah").press("Enter")
    page.get_by_label("Supervisor").select_option(
        label=f"Tom Okafor ({world.other_adult.get_job_role_display()})"
    )
    page.get_by_label("The adult's own wellbeing").check()
    page.get_by_label("Notes").fill("Mornings feel calmer since the new routine.")
    page.get_by_label("Support agreed").fill("Ten protected minutes a day.")
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Recorded supervision with Priya Shah.")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("No formal supervision recorded")
    assert_accessible(page)
    page.get_by_role("link", name="with Priya Shah").first.click()
    expect(page.get_by_test_id("notes")).to_contain_text("Mornings feel calmer")
    assert_accessible(page)

    with school_scope(world.school):
        assert Attendance.objects.count() == 2
        assert Supervision.objects.get().supervisor_id == world.other_adult.pk
