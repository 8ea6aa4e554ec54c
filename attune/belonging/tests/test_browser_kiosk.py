"""In a real browser on a tablet-size window: a child answers the whole survey by keyboard.

The adult chooses the child; from then on only the keyboard is used. axe-core runs on every
kind of screen the child sees.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from attune import testing
from attune.belonging.models import SurveyMode, SurveyResponse
from attune.belonging.services import survey_round_create
from attune.tenancy import school_scope
from attune.tests.test_browser import assert_accessible, browser, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["browser"]  # the shared chromium fixture, with the house launch options


@pytest.fixture
def tablet(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 820, "height": 1180})
    tab = context.new_page()
    yield tab
    context.close()


def tab_to(page: Page, text: str) -> None:
    """Press Tab until the focused control's text contains ``text``."""
    for _ in range(20):
        page.keyboard.press("Tab")
        focused = page.evaluate("() => (document.activeElement || {}).textContent || ''")
        if text in focused:
            return
    raise AssertionError(f"Tabbing never reached {text!r}")


def test_a_child_answers_the_whole_survey_with_the_keyboard(live_server: Any, tablet: Page) -> None:
    world = testing.school_world()
    today = timezone.localdate()
    with school_scope(world.school):
        survey_round = survey_round_create(
            actor=world.lead,
            school=world.school,
            title="Autumn 2026",
            opens_on=today,
            closes_on=today + timedelta(days=5),
            mode=SurveyMode.NAMED,
            year_groups=[4],
        )
    base = live_server.url
    sign_in(tablet, base, world.teacher)
    tablet.goto(f"{base}/s/{world.school.urn}/belonging/kiosk/")
    assert_accessible(tablet)
    tablet.get_by_role("link", name="Open the kiosk for Autumn 2026").click()
    expect(tablet.get_by_role("heading", level=1)).to_have_text("Who is answering next?")
    assert_accessible(tablet)
    tablet.get_by_role("button", name="Maya Fletcher").click()

    # From here on, the child uses the keyboard alone.
    for number in range(1, 13):
        expect(tablet.locator("#progress")).to_have_text(f"Sentence {number} of 12")
        if number in (1, 12):
            assert_accessible(tablet)
            expect(tablet.get_by_role("button", name="Read it to me")).to_be_visible()
            # Each symbol is a drawing we ship, so it shows without an emoji font.
            assert tablet.locator(".kiosk-symbol").evaluate("img => img.naturalWidth") > 0
            for face in tablet.locator(".kiosk-face").all():
                box = face.bounding_box()
                assert box is not None and box["width"] >= 44 and box["height"] >= 44
        tab_to(tablet, "Sometimes" if number == 2 else "Yes")
        tablet.keyboard.press("Enter")

    expect(tablet.get_by_role("heading", level=1)).to_contain_text("Well done, Maya!")
    expect(tablet.locator("main")).to_contain_text("You answered 12 of 12 sentences")
    assert_accessible(tablet)
    tab_to(tablet, "Finish")
    tablet.keyboard.press("Enter")

    expect(tablet.get_by_role("heading", level=1)).to_contain_text("Thank you!")
    assert_accessible(tablet)

    with school_scope(world.school):
        saved = SurveyResponse.objects.get(round=survey_round)
    assert saved.pupil_id == world.child.pk
    assert len(saved.answers) == 12
    assert sorted(saved.answers.values()).count(2) == 1
