"""On a tablet: the morning register, a nappy change and a sleep, a key person away, and the
ratio warning when one baby too many arrives."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from attune import testing
from attune.earlyyears.models import (
    CareEntry,
    ChildVisit,
    Room,
    RoomPlacement,
    StaffQualification,
    StaffVisit,
)
from attune.people.models import Phase
from attune.relationships.models import KeyAdultRelationship
from attune.tenancy import school_scope
from attune.tests.test_browser import assert_accessible, browser, sign_in, tablet

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["browser", "tablet"]  # the shared chromium and tablet fixtures


def test_a_morning_in_the_baby_room(live_server: Any, tablet: Page) -> None:
    page = tablet
    world = testing.school_world()
    world.school.phase = Phase.EARLY_YEARS
    world.school.save(update_fields=["phase"])
    today = timezone.localdate()
    born = today - timedelta(days=420)
    names = ["Ada", "Bea", "Cal", "Dev", "Eli", "Fay"]
    babies = [
        testing.pupil(world.school, forename=n, surname="Baker", year_group=-3, born=born)
        for n in names
    ]
    with school_scope(world.school):
        room = Room.objects.create(school=world.school, name="Babies")
        for baby in babies:
            RoomPlacement.objects.create(school=world.school, pupil=baby, room=room)
            KeyAdultRelationship.objects.create(
                school=world.school,
                pupil=baby,
                key_adult=world.key_adult,
                co_worker=world.other_adult,
                started_on=today - timedelta(days=40),
                reason="Settled well with her.",
            )
        for adult in (world.key_adult, world.other_adult):
            StaffQualification.objects.create(school=world.school, staff=adult, level=3)
            StaffVisit.objects.create(
                school=world.school, staff=adult, room=room, on=today, signed_in_at=time(0, 0)
            )
    base = live_server.url
    sign_in(page, base, world.key_adult_user)
    page.goto(f"{base}/s/{world.school.urn}/early-years/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Register for")
    assert_accessible(page)

    # One tap each, in place: the page is not reloaded (the marker survives) and the room's
    # ratio moves as each child arrives.
    page.evaluate("window.stillHere = true")
    for n, name in enumerate(names[:5], start=1):
        page.get_by_role("button", name=f"Sign in {name} Baker").tap()
        expect(page.locator("#register-status")).to_contain_text(f"{name} signed in at")
        expect(page.locator("#room-" + str(room.pk))).to_contain_text(f"{n} child")
    assert page.evaluate("window.stillHere") is True
    expect(page.locator("#room-" + str(room.pk))).to_contain_text("5 children, 2 adults")
    expect(page.locator("#tap-" + str(babies[4].pk))).to_be_focused()  # focus stays put
    assert_accessible(page)

    # Tom's leaving would break ratio: the register says so before signing him out.
    page.get_by_role("button", name="Sign out Tom Okafor").tap()
    expect(page.locator("#room-" + str(room.pk))).to_contain_text(
        "Signing Tom Okafor out now would take Babies out of ratio"
    )
    expect(page.get_by_role("button", name="Sign out anyway Tom Okafor")).to_be_visible()
    assert_accessible(page)

    # A nappy change and a sleep for Ada, on her page for the day.
    page.get_by_role("link", name="Ada Baker").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ada Baker")
    assert_accessible(page)
    page.get_by_label("What").select_option(label="Nappy change")
    page.get_by_label("Time (for a sleep, when they went down)").fill("09:30")
    page.get_by_label("Details").fill("wet")
    page.get_by_role("button", name="Save care").click()
    page.get_by_label("What").select_option(label="Sleep")
    page.get_by_label("Time (for a sleep, when they went down)").fill("12:30")
    page.get_by_label("Woke at (sleeps only)").fill("13:40")
    page.get_by_role("button", name="Save care").click()
    expect(page.locator("[data-testid=care]")).to_contain_text("12:30\N{EN DASH}13:40")
    expect(page.locator("[data-testid=summary]")).to_contain_text("09:30 nappy change: wet")
    assert_accessible(page)

    # Priya is away: Tom, her co-worker, shows as covering on today's record.
    page.get_by_role("link", name="Register and rooms").click()
    page.get_by_label("Key person away today").select_option(label="Priya Shah")
    page.get_by_role("button", name="Mark away").click()
    expect(page.get_by_text("Priya Shah is away today")).to_be_visible()
    page.get_by_role("link", name="Today's record").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Day's record")
    expect(page.locator("[data-testid=day-record]")).to_contain_text(
        "Tom Okafor (covering; Priya Shah away)"
    )
    assert_accessible(page)

    # A sixth baby arrives with only two adults in the room.
    page.get_by_role("link", name="Register and rooms").click()
    page.get_by_role("button", name="Sign in Fay Baker").tap()
    expect(page.locator("#register-status")).to_contain_text(
        "one more child under two would take it out of ratio"
    )
    expect(page.locator("#room-" + str(room.pk))).to_contain_text("At the limit")
    assert_accessible(page)

    # Ada's settling-in and development pages read well too.
    urn, ada = world.school.urn, babies[0].pk
    for part in ("settling-in", "development"):
        page.goto(f"{base}/s/{urn}/early-years/children/{ada}/{part}/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Ada Baker")
        assert_accessible(page)

    with school_scope(world.school):
        assert ChildVisit.objects.count() == 6
        assert CareEntry.objects.count() == 2
