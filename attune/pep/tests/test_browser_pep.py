"""In a real browser: the designated teacher plans a child's PEP, records the meeting with the
child's words, sets a funded target, signs it off, reviews the target and downloads the PDF."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from attune import testing
from attune.accounts.roles import Role
from attune.people.models import JobRole
from attune.pep.domain.cycle import term_for
from attune.pep.tests.helpers import in_term, today
from attune.tests.test_browser import assert_accessible, browser, page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["browser", "page"]  # fixtures, imported so pytest finds them here


def test_a_designated_teacher_runs_a_pep_from_plan_to_review(live_server: Any, page: Page) -> None:
    world = testing.school_world()
    teacher = testing.staff(
        world.school, first_name="Ruth", last_name="Ellis", job_role=JobRole.SENCO
    )
    lead = testing.user(world.school, Role.ATTACHMENT_LEAD, person=teacher)
    term = term_for(today())
    base = live_server.url
    sign_in(page, base, lead)

    page.goto(f"{base}/s/{world.school.urn}/pep/")
    expect(page.locator("main")).to_contain_text("Leo Brennan")
    assert_accessible(page)
    page.get_by_role("link", name="Leo Brennan").click()
    assert_accessible(page)
    page.get_by_role("link", name="Plan a PEP meeting").click()
    assert_accessible(page)
    page.get_by_label("Meeting date").fill(in_term(term).isoformat())
    page.get_by_label("name, if not listed").fill("Sam Adeyemi")
    page.get_by_role("button", name="Plan the meeting").click()
    expect(page.locator("h1")).to_contain_text(f"{term.label} PEP for Leo Brennan")
    assert_accessible(page)

    page.get_by_role("link", name="Record the meeting").click()
    page.get_by_label("Who came").fill("Ruth Ellis, designated teacher\nJo Reed, foster carer")
    page.get_by_label("The child's views").fill("I want to be in the school play.")
    page.get_by_role("button", name="Save the meeting").click()
    assert_accessible(page)

    page.get_by_label("What the target is").fill("Drama club every Thursday")
    page.get_by_label("Who is responsible").select_option(label="Someone in school")
    page.get_by_label("Adult in school").select_option(label="Ruth Ellis (SENCo)")
    page.get_by_label("By when").fill(term.due_by.isoformat())
    page.get_by_label("Pupil Premium Plus").fill("75")
    page.get_by_role("button", name="Add the target").click()
    expect(page.locator("main")).to_contain_text("£75.00")

    page.get_by_role("link", name="Sign off").click()
    assert_accessible(page)
    page.get_by_role("button", name="Sign off the PEP").click()
    expect(page.locator("h1")).to_contain_text("Signed off")

    page.get_by_role("link", name="Review “Drama club every Thursday”").click()
    assert_accessible(page)
    page.get_by_label("Partly met").check()
    page.get_by_label("Note").fill("Went to most sessions.")
    page.get_by_role("button", name="Save the review").click()
    expect(page.locator("main")).to_contain_text("Went to most sessions.")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as PDF").click()
    assert download.value.suggested_filename.startswith("pep-leo-brennan-")
