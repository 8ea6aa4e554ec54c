"""In a real browser, under the strict CSP: an administrator turns on two-factor sign-in, keeps
the recovery codes, then asks the audit trail who looked at a child."""

from __future__ import annotations

from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from attune import testing
from attune.accounts.roles import Role
from attune.accounts.testing import current_code
from attune.auditlog.actions import Action
from attune.auditlog.record import record
from attune.tenancy import school_scope
from attune.tests.test_browser import assert_accessible, browser, page  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_sets_up_two_factor_then_searches_the_audit_trail(
    live_server: Any,
    page: Page,  # noqa: F811 - the fixture imported above
) -> None:
    world = testing.school_world()
    admin = testing.user(world.school, Role.ADMINISTRATOR)
    with school_scope(world.school):
        record(Action.RECORD_VIEWED, world.child, actor=world.teacher)
    base = live_server.url
    csp_errors: list[str] = []
    page.on(
        "console", lambda m: csp_errors.append(m.text) if "Content Security" in m.text else None
    )

    page.goto(f"{base}/")
    page.get_by_label("Email address").fill(admin.email)
    page.get_by_label("Password").fill(testing.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    assert_accessible(page)

    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    page.get_by_label("Code from your app").fill(current_code(device))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    expect(page.get_by_role("list", name="Recovery codes").get_by_role("listitem")).to_have_count(
        10
    )
    assert_accessible(page)
    page.get_by_role("link", name="I have saved my codes").click()

    page.get_by_role("link", name="Audit trail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail")
    page.get_by_label("Child (name or UPN)").fill("Fletcher")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("main table")).to_contain_text("Maya Fletcher")
    expect(page.locator("main table")).to_contain_text(str(world.teacher))
    assert_accessible(page)

    page.get_by_role("link", name="Sign-in settings").click()
    expect(page.get_by_text("Two-factor sign-in is on.")).to_be_visible()
    assert_accessible(page)
    assert not csp_errors, csp_errors
