"""In a real browser on a phone (390 x 844): Maya's key adult sends her mum a link to the family
page (a real SMTP server on loopback); her mum, who has Maya's brother at the school too, opens
the emailed link, chooses Maya, reads the good news from school, replies, and tells the school
Maya is away. Her key adult sees the reply on Today, and the office sees the absence on its
list and confirms it with the code it chooses. Her dad, marked "no contact", asks for a link
and is sent nothing. axe-core checks every page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from attune import testing
from attune.checkins.testing import Inbox, free_port, mail_of, point_mail_at
from attune.families.testing import maya_family
from attune.people.models import PupilContact
from attune.tenancy import school_scope
from attune.tests.test_browser import assert_accessible, browser, page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["browser", "page"]  # fixtures, imported so pytest finds them here

PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
def smtp_inbox(settings: Any) -> Iterator[Inbox]:
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    point_mail_at(settings, controller.port)
    try:
        yield inbox
    finally:
        controller.stop()


def link_in(inbox: Inbox, email: str) -> str:
    for envelope in reversed(inbox.messages):
        message, body = mail_of(envelope)
        if message["To"] == email:
            found = re.search(r"(http://\S+/accounts/link/[\w-]+/)", body)
            assert found, body
            return found.group(1)
    raise AssertionError(f"no email to {email}")


def test_a_parent_reads_replies_and_reports_an_absence_on_a_phone(
    live_server: Any, page: Page, browser: Browser, smtp_inbox: Inbox
) -> None:
    world = testing.school_world()
    family = maya_family(world)
    brother = testing.pupil(world.school, forename="Ben", surname="Fletcher")
    with school_scope(world.school):  # Mum has Maya's brother at the school too
        PupilContact.objects.create(
            school=world.school,
            pupil=brother,
            contact=family.mum.contact,
            parental_responsibility=True,
            started_on=family.mum.started_on,
        )
    base = live_server.url
    urn = world.school.urn

    # Maya's key adult sends her mum the link.
    sign_in(page, base, world.key_adult_user)
    page.goto(f"{base}/s/{urn}/families/pupils/{world.child.pk}/")
    assert_accessible(page)
    page.get_by_role("button", name="Send a link to the family page to Sam Fletcher").click()
    expect(page.locator(".messages")).to_contain_text("on its way")
    assert len(smtp_inbox.messages) == 1

    # On her phone, Mum opens the emailed link.
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    phone.goto(link_in(smtp_inbox, "sam@example.org"))
    assert_accessible(phone)
    phone.get_by_role("button", name="Sign in").click()
    expect(phone.locator("h1")).to_have_text("Your children")
    assert_accessible(phone)
    phone.get_by_role("link", name="Maya").click()
    expect(phone.locator("h1")).to_have_text("Maya")
    expect(phone.get_by_test_id("notes")).to_contain_text("Reading to the class")
    assert_accessible(phone)

    # She replies to the note.
    phone.get_by_role("link", name=re.compile("^Reply")).first.click()
    assert_accessible(phone)
    phone.get_by_label("Your reply").fill("She told us all about it at tea!")
    phone.get_by_role("button", name="Send").click()
    expect(phone.locator(".messages")).to_contain_text("Your reply has gone to school")
    expect(phone.get_by_test_id("notes")).to_contain_text("You said: She told us all about it")

    # She tells the school Maya is away, with an empty reason first.
    phone.get_by_role("link", name="Tell us Maya is away").click()
    assert_accessible(phone)
    phone.get_by_role("button", name="Send").click()
    expect(phone.locator("main")).to_contain_text("Tell us why")
    assert_accessible(phone)
    phone.get_by_label("Why they are away").fill("A bad cold")
    phone.get_by_role("button", name="Send").click()
    expect(phone.locator(".messages")).to_contain_text("The school office has your message")
    expect(phone.get_by_test_id("absences")).to_contain_text("sent to the office")
    assert_accessible(phone)
    # A family session reaches nothing of the school's.
    phone.goto(f"{base}/s/{urn}/check-ins/")
    expect(phone.locator("h1")).not_to_contain_text("Today")

    # The key adult sees the reply on Today.
    page.goto(f"{base}/s/{urn}/check-ins/")
    replies = page.get_by_test_id("family-replies")
    expect(replies).to_contain_text("She told us all about it at tea!")
    expect(replies).to_contain_text("Sam Fletcher")
    assert_accessible(page)
    replies.get_by_role("button", name=re.compile("^Mark as read")).click()
    expect(page.get_by_test_id("family-replies")).to_have_count(0)

    # The office sees the absence to confirm, and chooses the code.
    office = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
    sign_in(office, base, world.office)
    office.goto(f"{base}/s/{urn}/families/absences/")
    expect(office.get_by_test_id("absences-waiting")).to_contain_text("A bad cold")
    assert_accessible(office)
    office.get_by_role("link", name="Confirm Maya Fletcher's absence").click()
    assert_accessible(office)
    office.get_by_label("Register code").select_option("I")
    office.get_by_role("button", name="Confirm the absence").click()
    expect(office.get_by_test_id("absences-waiting")).to_contain_text("Nothing is waiting")
    assert_accessible(office)

    # Maya's dad is marked "no contact": asking for a link sends nothing.
    dad = browser.new_context(viewport=PHONE, is_mobile=True).new_page()
    dad.goto(f"{base}/accounts/link/")
    dad.get_by_label("Email address").fill(family.dad.contact.email)
    dad.get_by_role("button", name="Email me a link").click()
    assert_accessible(dad)
    assert [mail_of(m)[0]["To"] for m in smtp_inbox.messages] == ["sam@example.org"]


def test_every_other_family_page_passes_axe_on_a_phone(live_server: Any, browser: Browser) -> None:
    """A nursery family: the day's care and observations, a note from home, a worry or an idea,
    and how they hear from school, each checked by axe-core on a phone, with its errors too."""
    from datetime import time

    from django.utils import timezone

    from attune.accounts.links import sign_in_link_make
    from attune.earlyyears.models import CareEntry
    from attune.families.testing import contact_for, let_in, note_home
    from attune.people.models import Phase, School

    world = testing.school_world("100077", "Little Acorns Nursery")
    School.objects.filter(pk=world.school.pk).update(phase=Phase.EARLY_YEARS)
    world.school.refresh_from_db()
    mum = contact_for(world.child, forename="Sam", surname="Fletcher", email="sam@example.org")
    note_home(world)
    with school_scope(world.school):
        CareEntry.objects.create(
            school=world.school,
            pupil=world.child,
            on=timezone.localdate(),
            kind="meal",
            at=time(11, 45),
            detail="Ate it all",
        )
    url = sign_in_link_make(user=let_in(mum), base_url=live_server.url)
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    phone.goto(url)
    phone.get_by_role("button", name="Sign in").click()
    expect(phone.locator("main")).to_contain_text("Today at nursery")
    expect(phone.locator("main")).to_contain_text("Ate it all")
    assert_accessible(phone)

    phone.get_by_role("link", name="Send a note from home").click()
    phone.get_by_role("button", name="Send").click()  # nothing filled in: errors show
    expect(phone.locator("main")).to_contain_text("Tell us in a few words")
    assert_accessible(phone)
    phone.get_by_label("What did your child do at home?").fill("Counted the stairs to ten.")
    phone.get_by_label("Numbers and shapes").check()
    phone.get_by_role("button", name="Send").click()
    expect(phone.locator(".messages")).to_contain_text("in the record")

    phone.get_by_role("link", name="Tell us a worry or an idea").click()
    phone.get_by_role("button", name="Send").click()
    expect(phone.locator("main")).to_contain_text("Choose one")
    assert_accessible(phone)
    phone.get_by_label("An idea").check()
    phone.get_by_label("Tell us in your own words").fill("Could we see the garden photos?")
    phone.get_by_role("button", name="Send").click()
    expect(phone.locator("main")).to_contain_text("Could we see the garden photos?")
    assert_accessible(phone)

    phone.get_by_role("link", name="How you hear from school").click()
    phone.get_by_label("By email").check()
    phone.get_by_role("button", name="Save").click()
    expect(phone.locator("main")).to_contain_text("Tick the box")
    assert_accessible(phone)
    phone.get_by_label("Yes, the school may send me good news this way.").check()
    phone.get_by_role("button", name="Save").click()
    expect(phone.locator(".messages")).to_contain_text("We will tell you that way")
    assert_accessible(phone)
