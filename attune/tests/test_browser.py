"""In a real browser: sign in, find a child, choose their key adult and co-worker, see it saved.

Drives Debian's chromium through Playwright (no browser download) and runs axe-core on every
page visited; any serious or critical accessibility violation fails the test.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect, sync_playwright

from attune import testing
from attune.accounts.models import User
from attune.accounts.testing import current_code, enrol_two_factor
from attune.accounts.two_factor import needs_two_factor
from attune.relationships.models import KeyAdultRelationship
from attune.tenancy import school_scope

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
BLOCKING = {"serious", "critical"}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"The browser tests need Debian's chromium at {CHROMIUM}; bin/test installs it."
        )
    # Playwright's sync API runs an event loop in this thread; the live server's database work
    # happens in its own thread, and the test's own ORM calls are plain synchronous code.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            # This machine's network is closed: stop chromium reaching out for updates and sync.
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1024, "height": 768})  # a school tablet
    tab = context.new_page()
    yield tab
    context.close()


PHONE = {"width": 390, "height": 844}
TABLET = {"width": 820, "height": 1180}


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    """A phone in portrait, tapped rather than clicked."""
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)  # type: ignore[arg-type]
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def tablet(browser: Browser) -> Iterator[Page]:
    """A portrait school tablet."""
    context = browser.new_context(viewport=TABLET, has_touch=True)  # type: ignore[arg-type]
    tab = context.new_page()
    yield tab
    context.close()


def assert_accessible(page: Page) -> None:
    """axe-core on the page as it stands; serious and critical violations fail."""
    results: Any = Axe().run(page)
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
    summary = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in blocking
    ]
    assert not blocking, f"{page.url}\n" + "\n".join(summary)


def sign_in(page: Page, base: str, user: User) -> None:
    """Password, then (for roles that need it) a code from an authenticator app enrolled here."""
    device = enrol_two_factor(user) if needs_two_factor(user) else None
    page.goto(f"{base}/")
    assert_accessible(page)
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(testing.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if device is not None:
        expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
        assert_accessible(page)
        page.get_by_label("Code").fill(current_code(device))
        page.get_by_role("button", name="Continue").click()


def test_lead_finds_a_child_and_assigns_a_key_adult_and_co_worker(
    live_server: Any, page: Page
) -> None:
    world = testing.school_world()
    base = live_server.url

    sign_in(page, base, world.lead)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hollybrook")
    assert_accessible(page)

    page.get_by_role("link", name="Children").first.click()
    expect(page.get_by_role("heading", name="Children")).to_be_visible()
    assert_accessible(page)

    # Typing narrows the list in place (HTMX) without a page load.
    page.get_by_label("Search by name, UPN or class").fill("Fletch")
    expect(page.locator("#pupil-results")).to_contain_text("1 child")
    assert_accessible(page)
    page.get_by_role("link", name="Fletcher, Maya").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Maya Fletcher")
    assert_accessible(page)

    page.get_by_role("link", name="Assign a key adult").click()
    assert_accessible(page)
    page.get_by_label("Priya Shah").check()
    page.get_by_label("Co-worker").select_option(
        label=f"Tom Okafor ({world.other_adult.get_job_role_display()})"
    )
    page.get_by_label("Why this adult").fill(
        "In class with Maya every morning; Maya seeks her out."
    )
    page.get_by_label("The child chose this adult").check()
    page.get_by_label("What the child said, in their words").fill(
        "Miss Shah is kind and she waits for me."
    )
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Maya Fletcher")
    expect(page.get_by_text("Priya Shah is now Maya's key adult.")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Tom Okafor")
    expect(page.locator("main")).to_contain_text("Miss Shah is kind and she waits for me.")
    assert_accessible(page)

    with school_scope(world.school):
        saved = KeyAdultRelationship.objects.get(pupil=world.child, ended_on__isnull=True)
    assert saved.key_adult_id == world.key_adult.pk
    assert saved.co_worker_id == world.other_adult.pk
    assert saved.chosen_by_child is True


def test_the_assignment_form_can_be_used_with_the_keyboard_alone(
    live_server: Any, page: Page
) -> None:
    world = testing.school_world()
    base = live_server.url
    sign_in(page, base, world.lead)
    page.goto(f"{base}/s/{world.school.urn}/pupils/{world.child.pk}/key-adult/")
    # Submitting with nothing chosen shows the problems, announced, next to their fields.
    page.get_by_role("button", name="Save").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    # GOV.UK's pattern: the title says so, the summary takes focus, its link finds the field.
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator("[data-error-summary]")).to_be_focused()
    page.locator("[data-error-summary] a").first.click()
    expect(page.locator("input[name=key_adult]").first).to_be_focused()
    assert_accessible(page)
    page.get_by_label("Priya Shah").focus()
    page.keyboard.press("Space")
    expect(page.get_by_label("Priya Shah")).to_be_checked()


def test_from_the_waiting_list_a_key_adult_is_chosen_in_four_actions(
    live_server: Any, page: Page
) -> None:
    world = testing.school_world()
    for n in range(8):  # more adults than the shortlist holds
        testing.staff(world.school, first_name=f"Adult{n}", last_name="Extra")
    sign_in(page, live_server.url, world.lead)
    actions = 0

    page.get_by_role("region", name="Needs you today").get_by_role("link", name="Maya").click()
    actions += 1
    expect(page.get_by_role("heading", level=1)).to_contain_text("Choose a key adult for Maya")
    # The child's voice is asked before the choice is saved.
    trusted = page.get_by_role("heading", name="Has Maya named an adult they trust?")
    save = page.get_by_role("button", name="Save")
    trusted_box, save_box = trusted.bounding_box(), save.bounding_box()
    assert trusted_box and save_box and trusted_box["y"] < save_box["y"]
    shortlist = page.locator(".candidates").first.locator("> li")
    expect(shortlist).to_have_count(5)
    expect(shortlist.first).to_contain_text("·")  # each with their role
    assert_accessible(page)
    # Anyone else is a search away.
    page.get_by_text("Someone else").click()
    others = page.locator("#other-candidates > li")
    wanted = others.last.locator("label").inner_text().split(" · ")[0]
    page.get_by_label("Search by name or role").fill(wanted.lower())
    expect(page.locator("#other-candidates > li:visible")).to_have_count(1)
    expect(page.locator("#other-candidates > li:visible")).to_contain_text(wanted)
    assert_accessible(page)

    page.get_by_label("Priya Shah").check()
    actions += 1
    page.get_by_label("Why this adult").fill("With Maya every morning.")
    actions += 1
    save.click()
    actions += 1
    expect(page.get_by_text("Priya Shah is now Maya's key adult.")).to_be_visible()
    assert actions <= 4
