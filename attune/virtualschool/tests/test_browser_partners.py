"""In a real browser: the head of the Virtual School finds Leo among the authority's own
children, starts this term's PEP and invites the designated teacher, the social worker and the
carer; each signs in by the link in their email (a real SMTP server on loopback) and writes
their part; the head approves the Pupil Premium Plus and rates the PEP. axe-core checks every
page on the way."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from attune.checkins.testing import Inbox, mail_of
from attune.pep.domain.cycle import term_for
from attune.tests.test_browser import assert_accessible, browser, page, sign_in
from attune.virtualschool.tests.conftest import OurChildren

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["browser", "page"]  # fixtures, imported so pytest finds them here


def link_for(inbox: Inbox, email: str) -> str:
    for envelope in reversed(inbox.messages):
        message, body = mail_of(envelope)
        if message["To"] == email:
            found = re.search(r"(http://\S+/accounts/link/[\w-]+/)", body)
            assert found, body
            return found.group(1)
    raise AssertionError(f"no email to {email}")


def as_partner(browser: Browser, inbox: Inbox, email: str) -> Page:
    """A browser of the partner's own, signed in by the link in their email."""
    tab = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
    tab.goto(link_for(inbox, email))
    assert_accessible(tab)
    tab.get_by_role("button", name="Sign in").click()
    expect(tab.locator("h1")).to_contain_text("PEP for Leo Brennan")
    assert_accessible(tab)
    return tab


def test_partners_write_a_pep_and_the_head_rates_it(
    live_server: Any, page: Page, browser: Browser, ours: OurChildren, smtp_inbox: Inbox
) -> None:
    from django.utils import timezone

    base = live_server.url
    sign_in(page, base, ours.las.kent_head)
    page.goto(f"{base}/la/886/children/")
    expect(page.get_by_test_id("our-children")).to_contain_text("Kieran Ashdown")
    assert_accessible(page)
    page.get_by_role("link", name="Leo Brennan").click()
    assert_accessible(page)
    page.get_by_role("button", name="Start this term's PEP").click()
    expect(page.locator("h1")).to_contain_text("PEP for Leo Brennan")
    assert_accessible(page)
    page.get_by_role("link", name="Leo Brennan").click()
    for who in ("Designated teacher", "Social worker", "Carer"):
        page.get_by_label("Who").select_option(label=who)
        page.get_by_role("button", name="Send the invitation").click()
        expect(page.locator(".messages")).to_contain_text("a link is on its way")
    assert len(smtp_inbox.messages) == 3

    teacher = as_partner(browser, smtp_inbox, "dt@hollybrook.example")
    today = timezone.localdate()
    teacher.get_by_label("The PEP meeting was held on").fill(today.isoformat())
    teacher.get_by_role("button", name="Record the meeting").click()
    expect(teacher.locator("main")).to_contain_text("Meeting held on")
    teacher.get_by_label("Attendance, progress and what helps at school").fill(
        "Reading well; fractions need practice."
    )
    teacher.get_by_role("button", name="Save your part").click()
    teacher.get_by_label("Leo's own words, written down with them").fill(
        "I want to be in the school play."
    )
    teacher.get_by_role("button", name="Save Leo's words").click()
    teacher.get_by_label("What the target is").fill("Fractions group twice a week")
    teacher.get_by_label("Who will make it happen").fill("Class teacher")
    teacher.get_by_label("By when").fill(term_for(today).due_by.isoformat())
    teacher.get_by_role("button", name="Add the target").click()
    teacher.get_by_label("Amount (£)").fill("420")
    teacher.get_by_label("What it is for").fill("A tutor for the fractions group")
    teacher.get_by_label("Fractions group twice a week").check()
    teacher.get_by_role("button", name="Ask for it").click()
    expect(teacher.locator("main")).to_contain_text("£420.00")
    assert_accessible(teacher)

    worker = as_partner(browser, smtp_inbox, "sw@kent.example")
    worker.get_by_label("The care plan: placement, contact and what you see").fill(
        "Settled placement; contact with Nan goes well."
    )
    worker.get_by_role("button", name="Save your part").click()
    expect(worker.locator("main")).to_contain_text("Settled placement")
    expect(worker.locator("main")).to_contain_text("Reading well")  # written together

    carer = as_partner(browser, smtp_inbox, "carer@example.org")
    carer.get_by_label("Home: learning at home and what helps").fill("We read every night.")
    carer.get_by_role("button", name="Save your part").click()
    expect(carer.locator("main")).to_contain_text("We read every night.")
    # A partner's session reaches nothing else.
    carer.goto(f"{base}/la/886/children/")
    expect(carer.locator("h1")).not_to_contain_text("Our children")

    page.goto(f"{base}/la/886/children/")
    page.get_by_role("link", name="Leo Brennan").click()
    page.get_by_role("link", name=term_for(today).label).click()
    expect(page.locator("main")).to_contain_text("We read every night.")
    assert_accessible(page)
    page.get_by_role("button", name="Approve £420.00").click()
    page.get_by_label("Good", exact=True).check()
    page.get_by_label("What makes it so").fill("Clear targets in Leo's own words.")
    page.get_by_role("button", name="Rate the PEP").click()
    expect(page.locator("main")).to_contain_text("Quality assured: Good")
    assert_accessible(page)
    teacher.reload()
    expect(teacher.locator("main")).to_contain_text("Clear targets in Leo's own words.")


def test_a_school_not_on_attune_enters_marks_through_its_link(
    live_server: Any, page: Page, browser: Browser, ours: OurChildren
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    base = live_server.url
    sign_in(page, base, ours.las.kent_officer)
    page.goto(f"{base}/la/886/registers/")
    assert_accessible(page)
    page.get_by_role("button", name="Make a link for Marsh Lane Academy").click()
    link = page.get_by_test_id("new-link").inner_text()
    assert_accessible(page)

    school = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
    day = timezone.localdate()
    while day.weekday() > 4:
        day -= timedelta(days=1)
    school.goto(f"{link}?week={day.isoformat()}")
    expect(school.locator("h1")).to_contain_text("Marsh Lane Academy")
    assert_accessible(school)
    label = f"Kieran Ashdown, {day:%A} {day.day} {day:%B}"
    school.get_by_label(f"{label}, morning").fill("/")
    school.get_by_label(f"{label}, afternoon").fill("N")
    school.get_by_role("button", name="Save the week").click()
    expect(school.locator("main")).to_contain_text("Saved. Thank you.")
    assert_accessible(school)

    page.goto(f"{base}/la/886/children/?q=kieran")
    expect(page.get_by_test_id("our-children")).to_contain_text("50.0%")
