"""In a real browser: a SENCo builds the team around a child, writes an attendance plan with
two targets and owners, reviews it, and downloads the handover pack."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from attune import testing
from attune.accounts.roles import Role
from attune.people.models import JobRole
from attune.plans.models import PlanVersion
from attune.plans.tests.test_handover import pdf_text
from attune.tenancy import school_scope
from attune.tests.test_browser import assert_accessible, browser, page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["browser", "page"]  # fixtures, imported so pytest finds them here


def test_a_senco_builds_a_team_writes_a_plan_reviews_it_and_hands_over(
    live_server: Any, page: Page
) -> None:
    world = testing.school_world()
    senco_staff = testing.staff(
        world.school, first_name="Ruth", last_name="Ellis", job_role=JobRole.SENCO
    )
    senco = testing.user(world.school, Role.ATTACHMENT_LEAD, person=senco_staff)
    base = live_server.url
    today = timezone.localdate()
    sign_in(page, base, senco)
    page.goto(f"{base}/s/{world.school.urn}/pupils/{world.child.pk}/")

    page.get_by_role("link", name="Team around Maya").click()
    assert_accessible(page)
    page.get_by_label("Adult the child chose").select_option(
        label=f"Tom Okafor ({world.other_adult.get_job_role_display()})"
    )
    page.get_by_label("Why they chose them, in the child's words").fill(
        "He lets me help with the football kit"
    )
    page.get_by_role("button", name="Add to the close team").click()
    expect(page.locator("main")).to_contain_text("He lets me help with the football kit")
    page.get_by_label("Role").select_option(label="Social worker")
    page.get_by_label("Name:", exact=True).fill("Sam Adeyemi")
    page.get_by_label("Email").fill("sam@example.org")
    page.get_by_label("They agreed that staff working with the child may see these details").check()
    page.get_by_role("button", name="Add to the wider team").click()
    expect(page.locator("main")).to_contain_text("sam@example.org")
    assert_accessible(page)

    page.goto(f"{base}/s/{world.school.urn}/plans/pupils/{world.child.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Start a plan").click()
    page.get_by_label("Kind of plan").select_option(label="Attendance support plan")
    page.get_by_label("Adult responsible for the plan").select_option(label="Ruth Ellis (SENCo)")
    page.get_by_label("Starts on").fill((today - timedelta(days=30)).isoformat())
    page.get_by_label("First review by").fill((today + timedelta(days=10)).isoformat())
    page.get_by_label("The child's goals, in their own words").fill("Come in for the first lesson")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Attendance support plan")
    assert_accessible(page)

    targets = [
        ("Attendance", "staff", "20", "60", "% attendance"),
        ("Mornings met at the gate", "parent", "0", "5", "mornings a week"),
    ]
    for description, owner, baseline, target, unit in targets:
        form = page.locator("form", has=page.get_by_role("button", name="Add the target"))
        form.get_by_label("What").fill(description)
        form.get_by_label("Who is responsible").select_option(owner)
        if owner == "staff":
            form.get_by_label("Adult in school").select_option(
                label="Priya Shah (Teaching assistant)"
            )
        else:
            form.get_by_label("Name (if a parent").fill("Jo Fletcher")
        form.get_by_label("How we will know it has worked").fill("The register shows it")
        form.get_by_label("Where things are now").fill(baseline)
        form.get_by_label("Aiming for").fill(target)
        form.get_by_label("Measured in").fill(unit)
        form.get_by_label("By:", exact=True).fill((today + timedelta(days=60)).isoformat())
        form.get_by_role("button", name="Add the target").click()
        expect(page.get_by_text("Target added.")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Jo Fletcher (Parent or carer)")

    page.get_by_role("link", name="Record a review").click()
    assert_accessible(page)
    page.get_by_label("Attendance: now (% attendance)").fill("41")
    page.get_by_label("What has changed since the last version").fill("Breakfast club added")
    page.get_by_label("Next review by").fill((today + timedelta(days=42)).isoformat())
    page.get_by_role("button", name="Save the review").click()
    expect(page.get_by_text("Review saved as version 2.")).to_be_visible()
    expect(page.locator("main")).to_contain_text("41 % attendance (52% of the way from 20 to 60)")
    assert_accessible(page)

    page.goto(f"{base}/s/{world.school.urn}/plans/pupils/{world.child.pk}/")
    page.get_by_role("link", name="Handover pack").click()
    assert_accessible(page)
    page.get_by_label("A new key adult").check()
    page.get_by_label("A page to print").check()
    page.get_by_role("button", name="Make the pack").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Handover pack: Maya Fletcher")
    assert_accessible(page)
    artefacts = Path(settings.DATA_DIR) / "test-artefacts"
    artefacts.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(artefacts / "handover-pack.png"), full_page=True)

    page.go_back()
    page.get_by_label("A new key adult").check()
    page.get_by_label("A PDF to download").check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Make the pack").click()
    pdf = Path(download.value.path()).read_bytes()
    (artefacts / "handover-pack.pdf").write_bytes(pdf)
    text = pdf_text(pdf)
    for expected in ("Maya Fletcher", "Tom Okafor", "Sam Adeyemi", "from 20 to 60 % attendance"):
        assert expected in text, expected
    with school_scope(world.school):
        assert PlanVersion.objects.count() == 2
