"""In a real browser, with axe-core on each page: the headteacher's data and rights pages (the
overview, a child's data, a request and its decision, the filtered requests list), then a
designated safeguarding lead breaking the glass, and the attachment lead reading the report."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from attune import testing
from attune.privacy.models import DataRequest
from attune.tenancy import school_scope
from attune.tests.test_browser import assert_accessible, browser, page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["browser", "page"]  # fixtures, imported so pytest finds them here


def test_privacy_pages_and_break_glass(live_server: Any, page: Page) -> None:
    world = testing.school_world()
    base = live_server.url
    urn = world.school.urn
    child = world.child
    with school_scope(world.school):
        item = DataRequest.objects.create(
            school=world.school,
            pupil_id=child.pk,
            pupil_label=child.display_name,
            kind="correct",
            record_kind="people.pupil",
            record_id=str(child.pk),
            field_name="legal_surname",
            new_value="Fletcher-Jones",
            reason="Her mother sent the deed poll.",
            raised_by=world.lead,
            raised_at=timezone.now(),
        )

    sign_in(page, base, world.head)
    page.goto(f"{base}/s/{urn}/privacy/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Data, retention and rights")
    assert_accessible(page)

    page.goto(f"{base}/s/{urn}/privacy/children/{child.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Maya")
    assert_accessible(page)

    page.goto(f"{base}/s/{urn}/privacy/requests/{item.pk}/")
    assert_accessible(page)
    page.get_by_role("button", name="Record the decision").click()  # nothing chosen yet
    expect(page.locator(".error").first).to_be_visible()
    assert_accessible(page)

    page.goto(f"{base}/s/{urn}/privacy/requests/")
    page.get_by_label("Status").select_option(label="Waiting for a decision")
    page.get_by_label("Child's name").fill("maya")
    page.get_by_role("button", name="Show requests").click()
    expect(page.get_by_role("table")).to_contain_text("Maya Fletcher")
    assert_accessible(page)
    page.get_by_label("Child's name").fill("nobody")
    page.get_by_role("button", name="Show requests").click()
    expect(page.locator("main")).to_contain_text("No requests match")
    assert_accessible(page)

    testing.make_dsl(world.key_adult_user)
    page.context.clear_cookies()
    sign_in(page, base, world.key_adult_user)
    page.goto(f"{base}/s/{urn}/privacy/children/{child.pk}/break-glass/")
    assert_accessible(page)
    page.get_by_role("button", name="Open the record").click()
    expect(page.locator(".error").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Why do you need this child's record?").fill(
        "The police called about Maya this morning."
    )
    page.get_by_role("button", name="Open the record").click()
    expect(page.get_by_role("heading", level=2).first).to_contain_text("You can read")
    assert_accessible(page)
    page.get_by_role("link", name="Chronology").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Maya")

    page.context.clear_cookies()
    # The attachment lead reads the report (not the head again: a code is accepted only once).
    sign_in(page, base, world.lead)
    page.goto(f"{base}/s/{urn}/privacy/break-glass/")
    expect(page.get_by_role("table")).to_contain_text("The police called about Maya")
    expect(page.get_by_role("table")).to_contain_text("1 page opened")
    assert_accessible(page)
