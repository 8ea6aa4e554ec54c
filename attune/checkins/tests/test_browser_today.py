"""In a real browser on a tablet-size window: a key adult opens Today and logs three check-ins,
by tapping and by keyboard, each row updating in place; axe-core finds nothing serious."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from attune import testing
from attune.checkins.models import Checkin
from attune.checkins.testing import Inbox, mail_of, run_worker, share_by_email
from attune.checkins.tests.conftest import latest_weekday, make_plan, make_relationship
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

__all__ = ["browser", "page", "phone", "tablet"]  # fixtures shared with the main browser test


def unfold_later(row: Locator) -> None:
    """Open the row's folded "later today" check-ins, if the clock has folded any."""
    later = row.locator("details.later")
    if later.count() and later.get_attribute("open") is None:
        # Its own summary: the folded check-ins have summaries too ("Add a note").
        later.locator("xpath=./summary").click()


def seemed(row: Locator, who: str, how: str, slot: str = "start of day") -> Locator:
    """The chip for how the child seemed at one check-in."""
    return row.get_by_role("group", name=f"How {who} seemed ({slot})").get_by_text(how, exact=True)


def test_a_key_adult_logs_three_check_ins_from_today(live_server: Any, page: Page) -> None:
    world = testing.school_world()
    maya = make_relationship(world)
    leo = make_relationship(world, pupil=world.looked_after_child)
    for relationship in (maya, leo):
        make_plan(relationship, starts_on=timezone.localdate() - timedelta(days=30))
    day = latest_weekday(timezone.localdate())
    base = live_server.url

    sign_in(page, base, world.key_adult_user)
    page.get_by_role("link", name="Today", exact=True).click()
    if day != timezone.localdate():  # at a weekend, work on Friday's check-ins
        page.goto(f"{base}/s/{world.school.urn}/check-ins/?day={day.isoformat()}")
    expect(page.locator(f"#child-{maya.pk}")).to_contain_text("Maya Fletcher")
    assert_accessible(page)

    # 1. A tap: mood and note first, then "Happened".
    maya_row = page.locator(f"#child-{maya.pk}")
    unfold_later(maya_row)
    seemed(maya_row, "Maya", "Settled").click()
    maya_row.get_by_text("Add a note").first.click()
    maya_row.get_by_label("A short note").first.fill("Chatty about her rabbit.")
    page.get_by_role("button", name="Happened for Maya, start of day").click()
    expect(maya_row).to_contain_text("Happened · seemed settled · by Priya Shah")
    expect(maya_row).to_contain_text("Chatty about her rabbit.")

    # 2. Keyboard only: tab to "Child declined" for the end of the day and press Enter.
    unfold_later(maya_row)
    declined = page.get_by_role("button", name="Child declined for Maya, end of day")
    declined.focus()
    page.keyboard.press("Enter")
    expect(maya_row).to_contain_text("Child declined")

    # 3. Leo: needed time to decompress, then a tap.
    leo_row = page.locator(f"#child-{leo.pk}")
    unfold_later(leo_row)
    leo_row.get_by_text("Add a note").first.click()
    leo_row.get_by_label("Needed time to decompress").first.check()
    page.get_by_role("button", name="Happened for Leo, start of day").click()
    expect(leo_row).to_contain_text("needed time to decompress")
    assert_accessible(page)

    with school_scope(world.school):
        logged = sorted(Checkin.objects.values_list("pupil__legal_forename", "slot", "outcome"))
    assert logged == [
        ("Leo", "start", "happened"),
        ("Maya", "end", "declined"),
        ("Maya", "start", "happened"),
    ]


def test_the_lead_s_check_in_pages_pass_axe(live_server: Any, page: Page) -> None:
    world = testing.school_world()
    maya = make_relationship(world)
    make_plan(maya)
    make_relationship(world, pupil=world.looked_after_child)
    base = live_server.url

    sign_in(page, base, world.lead)
    page.get_by_role("link", name="Check-ins").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check-ins across the school")
    assert_accessible(page)
    page.get_by_role("link", name="Leo Brennan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check-in plan for Leo")
    page.get_by_label("Ending on (optional)").fill("2000-01-01")
    page.get_by_label("Where").fill("The garden")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.get_by_role("alert")).to_contain_text("A plan cannot end before it starts.")
    expect(page.get_by_label("Where")).to_have_value("The garden")
    assert_accessible(page)
    page.goto(f"{base}/s/{world.school.urn}/check-ins/relationships/{maya.pk}/attunement/")
    expect(page.locator("main")).to_contain_text("Kennedy, H., Landor, M. & Todd, L.")
    assert_accessible(page)
    page.goto(f"{base}/s/{world.school.urn}/check-ins/absences/")
    assert_accessible(page)


def test_on_a_tablet_a_key_adult_logs_check_ins_and_a_note_that_the_worker_emails_home(
    live_server: Any, tablet: Page, smtp_inbox: Inbox
) -> None:
    world = testing.school_world()
    maya = make_relationship(world)
    make_plan(maya, starts_on=timezone.localdate() - timedelta(days=30), at_time=time(12, 30))
    share_by_email(
        world, home_name="Ms Fletcher", consent_given_on=timezone.localdate() - timedelta(days=7)
    )
    day = latest_weekday(timezone.localdate())
    base, page = live_server.url, tablet

    sign_in(page, base, world.key_adult_user)
    page.get_by_role("link", name="Today", exact=True).click()
    if day != timezone.localdate():
        page.goto(f"{base}/s/{world.school.urn}/check-ins/?day={day.isoformat()}")
    row = page.locator(f"#child-{maya.pk}")
    expect(row).to_contain_text("No register mark yet")
    assert_accessible(page)

    logged = row.locator(".slot-logged")
    unfold_later(row)
    page.get_by_role("button", name="Happened for Maya, start of day").tap()
    expect(logged).to_have_count(1)
    unfold_later(row)
    page.get_by_role("button", name="Child declined for Maya, 12:30").tap()
    expect(logged).to_have_count(2)
    unfold_later(row)
    page.get_by_role("button", name="Happened for Maya, end of day").tap()
    expect(logged).to_have_count(3)
    expect(logged.nth(1)).to_contain_text("Child declined")

    row.get_by_role("link", name="Notice something good about Maya").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notice something good")
    expect(page.get_by_label("Email")).to_be_checked()  # the family's choice, ready to go
    assert_accessible(page)
    page.get_by_label("What the child was proud of").fill("Reading her poem out loud.")
    page.get_by_label("What you noticed").fill("She clapped for everyone else's poems too.")
    page.get_by_role("button", name="Save").tap()
    expect(page.get_by_text("The email to Maya's family is on its way.")).to_be_visible()
    expect(row).to_contain_text("Noticed once on this day")
    assert_accessible(page)

    run_worker()

    [envelope] = smtp_inbox.messages
    message, body = mail_of(envelope)
    assert message["To"] == "fletcher.home@example.test"
    assert message["Subject"] == "Good news about Maya from Hollybrook Primary School"
    assert "Reading her poem out loud." in body
    assert "She clapped for everyone else's poems too." in body
    with school_scope(world.school):
        rows = sorted(Checkin.objects.values_list("slot", "outcome"))
    assert rows == [("12:30", "declined"), ("end", "happened"), ("start", "happened")]


class Taps:
    """Counts the taps a job takes on a phone."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, target: Locator) -> None:
        target.tap()
        self.count += 1


def test_on_a_phone_three_check_ins_and_a_note_take_at_most_eight_taps(
    live_server: Any, phone: Page
) -> None:
    world = testing.school_world()
    sam = testing.pupil(world.school, forename="Sam", surname="Adeyemi")
    rows = [
        make_relationship(world),
        make_relationship(world, pupil=world.looked_after_child),
        make_relationship(world, pupil=sam),
    ]
    for relationship in rows:
        make_plan(relationship, starts_on=timezone.localdate() - timedelta(days=30))
    maya, leo, sam_row = rows
    # The last school day before today: every check-in is open to log whatever the clock says.
    day = latest_weekday(timezone.localdate() - timedelta(days=1))
    base, page, tap = live_server.url, phone, Taps()

    sign_in(page, base, world.key_adult_user)
    tap(page.get_by_role("link", name="check-ins").first)  # from the key adult's home
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")
    page.goto(f"{base}/s/{world.school.urn}/check-ins/?day={day.isoformat()}")
    first = page.locator(".checkin-child").first
    expect(first).to_be_visible()
    # The first child, and the button that logs their check-in, are on the first screen.
    happened = first.get_by_role("button", name="Happened").first
    box = happened.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"], box
    # The menu is folded into one button.
    expect(page.get_by_role("button", name="Menu")).to_be_visible()
    expect(page.get_by_role("link", name="Children")).to_be_hidden()
    assert_accessible(page)
    counts = page.locator("#today-counts")
    expect(counts).to_contain_text("0 logged")

    # 1. Leo: how he seemed, then "Happened".
    leo_row = page.locator(f"#child-{leo.pk}")
    tap(seemed(leo_row, "Leo", "Settled"))
    tap(page.get_by_role("button", name="Happened for Leo, start of day"))
    expect(leo_row).to_contain_text("Happened · seemed settled")
    expect(counts).to_contain_text("1 logged")

    # 2. Maya: one tap.
    tap(page.get_by_role("button", name="Happened for Maya, start of day"))
    expect(page.locator(f"#child-{maya.pk}")).to_contain_text("Happened · by Priya Shah")
    expect(counts).to_contain_text("2 logged")

    # 3. Sam, with a note: open the note, type it, then "Happened".
    row = page.locator(f"#child-{sam_row.pk}")
    tap(row.get_by_text("Add a note").first)
    tap(row.get_by_label("A short note").first)
    page.keyboard.type("Wanted to show me his drawing.")
    tap(page.get_by_role("button", name="Happened for Sam, start of day"))
    expect(row).to_contain_text("Wanted to show me his drawing.")
    expect(counts).to_contain_text("3 logged")
    assert_accessible(page)

    assert tap.count <= 8, tap.count
    with school_scope(world.school):
        logged = sorted(
            Checkin.objects.values_list("pupil__legal_forename", "outcome", "mood", "note")
        )
    assert logged == [
        ("Leo", "happened", 4, ""),
        ("Maya", "happened", None, ""),
        ("Sam", "happened", None, "Wanted to show me his drawing."),
    ]
