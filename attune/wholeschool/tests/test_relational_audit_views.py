"""The Relational Approaches Audit over HTTP: who may use it, answering, results, actions."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attune import testing
from attune.accounts.models import User
from attune.accounts.roles import Role
from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.tenancy import school_scope
from attune.testing import SchoolWorld, SignedIn
from attune.wholeschool.domain.audit_template import default_template
from attune.wholeschool.models import (
    RelationalAuditAction,
    RelationalAuditRating,
    RelationalAuditRun,
    RelationalAuditSectionNote,
)
from attune.wholeschool.services import (
    Answer,
    relational_audit_answers_save,
    relational_audit_complete,
    relational_audit_start,
)

pytestmark = pytest.mark.django_db

ITEMS = default_template().item_ids()
CITATION = "based on the relational approaches audit by virtual school kent"


def url(
    world: SchoolWorld, name: str, run: RelationalAuditRun | None = None, **extra: object
) -> str:
    kwargs: dict[str, object] = {"urn": world.school.urn, **extra}
    if run is not None:
        kwargs["run_id"] = run.pk
    return reverse(f"wholeschool:{name}", kwargs=kwargs)


def start(world: SchoolWorld, on: date | None = None) -> RelationalAuditRun:
    with school_scope(world.school):
        return relational_audit_start(
            actor=world.lead, school=world.school, today=on or date(2026, 1, 5)
        )


def rate_all(world: SchoolWorld, run: RelationalAuditRun, rating: str, **overrides: str) -> None:
    answers = {i: Answer(overrides.get(i, rating), f"evidence {i}") for i in ITEMS}
    with school_scope(world.school):
        relational_audit_answers_save(actor=world.lead, run=run, answers=answers)


def completed(world: SchoolWorld, rating: str, on: date, **overrides: str) -> RelationalAuditRun:
    run = start(world, on)
    rate_all(world, run, rating, **overrides)
    with school_scope(world.school):
        relational_audit_complete(actor=world.lead, run=run, today=on)
    return run


def answers(world: SchoolWorld, run: RelationalAuditRun) -> dict[str, RelationalAuditRating]:
    with school_scope(world.school):
        return {a.item_id: a for a in RelationalAuditRating.objects.filter(run=run)}


# --- who may reach the audit ---------------------------------------------------------------


@pytest.mark.parametrize("who", ["lead", "head"])
def test_the_lead_and_the_head_start_an_audit(
    world: SchoolWorld, signed_in: SignedIn, who: str
) -> None:
    client = signed_in(getattr(world, who))
    page = client.get(url(world, "relational_audit_list"))
    assert page.status_code == 200
    assert CITATION in page.text.lower()
    assert "No audits yet." in page.text

    response = client.post(url(world, "relational_audit_list"))

    with school_scope(world.school):
        run = RelationalAuditRun.objects.get()
    assert response["Location"] == url(world, "relational_audit_edit", run)
    assert (run.template_id, run.template_version, run.status) == (
        "relational-approaches-2025",
        1,
        "draft",
    )
    assert run.started_by == getattr(world, who)


RUN_PAGES = (  # every page of one audit run
    "relational_audit_edit",
    "relational_audit_results",
    "relational_audit_actions",
    "relational_audit_csv",
    "relational_audit_pdf",
)


@pytest.mark.parametrize("who", ["teacher", "office", "key_adult_user"])
def test_other_roles_are_refused(world: SchoolWorld, signed_in: SignedIn, who: str) -> None:
    run = start(world)
    client = signed_in(getattr(world, who))
    for name in RUN_PAGES:
        assert client.get(url(world, name, run)).status_code == 403
    assert client.get(url(world, "relational_audit_list")).status_code == 403
    assert client.post(url(world, "relational_audit_list")).status_code == 403


def test_another_schools_lead_gets_404_for_every_audit_page(
    world: SchoolWorld, other_world: SchoolWorld, signed_in: SignedIn
) -> None:
    run = start(world)
    client = signed_in(other_world.lead)
    for name in RUN_PAGES:
        # Their own school's URL, our run's id: the same 404 as a run that does not exist.
        assert client.get(url(other_world, name, run)).status_code == 404
        assert client.get(url(world, name, run)).status_code == 404
    assert (
        client.post(
            url(other_world, "relational_audit_autosave", run) + "?item=safe.ethos.1"
        ).status_code
        == 404
    )


def test_the_list_page_query_count_does_not_grow_with_audits(
    world: SchoolWorld, signed_in: SignedIn, django_assert_max_num_queries: Any
) -> None:
    for month in range(1, 7):
        completed(world, "amber", date(2025, month, 1))
    client = signed_in(world.lead)
    with django_assert_max_num_queries(8):
        page = client.get(url(world, "relational_audit_list"))
    assert page.text.count("Results <span") == 6


# --- answering ----------------------------------------------------------------------------


def test_the_form_shows_every_item_grouped_as_in_the_toolkit(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    run = start(world)
    page = signed_in(world.lead).get(url(world, "relational_audit_edit", run) + "?section=all")
    assert page.status_code == 200
    assert page.text.count('class="rag"') == 40
    assert page.text.count('type="radio"') == 120
    assert CITATION in page.text.lower()
    for title in ["1. Feeling safe in school", "2. Personalised approach", "3. Positive rel"]:
        assert title in page.text
    assert page.text.index("safe-ethos-8") < page.text.index("safe-practice-1")


def test_autosave_keeps_one_item_as_it_changes(world: SchoolWorld, signed_in: SignedIn) -> None:
    run = start(world)
    client = signed_in(world.lead)
    response = client.post(
        url(world, "relational_audit_autosave", run) + "?item=personal.practice.2",
        {"r-personal-practice-2": "red", "e-personal-practice-2": " Only the office knows. "},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.text.startswith("Saved at")
    # The progress on the page moves with it: overall and for the statement's section.
    assert '<span id="rated-count" hx-swap-oob="innerHTML">1 of 40</span>' in response.text
    assert '<span id="count-personal-practice" hx-swap-oob="innerHTML">1 of' in response.text
    saved = answers(world, run)
    assert list(saved) == ["personal.practice.2"]
    assert (saved["personal.practice.2"].rating, saved["personal.practice.2"].evidence) == (
        "red",
        "Only the office knows.",
    )
    # A half-done audit is there when the page is opened again.
    page = client.get(url(world, "relational_audit_edit", run) + "?section=all").text
    assert (
        'value="red" id="id_r-personal-practice-2_0" checked'
        in page.replace('name="r-personal-practice-2" ', "")
        or "Only the office knows." in page
    )
    assert "1 of 40" in page


def test_autosave_keeps_section_notes(world: SchoolWorld, signed_in: SignedIn) -> None:
    run = start(world)
    response = signed_in(world.lead).post(
        url(world, "relational_audit_autosave", run) + "?section=safe.ethos",
        {"notes-safe-ethos": "ARC?"},
    )
    assert response.status_code == 200
    with school_scope(world.school):
        assert RelationalAuditSectionNote.objects.get(run=run).notes == "ARC?"


@pytest.mark.parametrize(
    ("query", "data", "message"),
    [
        ("?item=safe.ethos.99", {}, "That is not part of this audit."),
        ("?section=safe.nothing", {}, "That is not part of this audit."),
        ("", {}, "Nothing to save."),
        ("?item=safe.ethos.1", {"r-safe-ethos-1": "blue"}, "please use the Save button"),
    ],
)
def test_autosave_refuses_what_does_not_fit(
    world: SchoolWorld, signed_in: SignedIn, query: str, data: dict[str, str], message: str
) -> None:
    run = start(world)
    response = signed_in(world.lead).post(
        url(world, "relational_audit_autosave", run) + query, data
    )
    assert response.status_code == 422
    assert message in response.text


def test_save_button_keeps_everything_and_complete_needs_every_rating(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    run = start(world)
    client = signed_in(world.lead)
    data = {f"r-{i.replace('.', '-')}": "green" for i in ITEMS[:39]}
    data["n-safe-ethos-1"] = "Ask governors"
    data["notes-personal-individual"] = "Plans need the child's voice."
    data["complete"] = "1"

    response = client.post(url(world, "relational_audit_edit", run), data)

    assert response.status_code == 200
    assert "1 item still need a rating" in response.text
    saved = answers(world, run)
    assert len(saved) == 39  # what was sent; nothing is written for a statement not on the page
    assert sum(1 for a in saved.values() if a.rating == "green") == 39
    assert saved["safe.ethos.1"].next_steps == "Ask governors"
    with school_scope(world.school):
        run.refresh_from_db()
    assert run.is_draft

    data[f"r-{ITEMS[39].replace('.', '-')}"] = "amber"
    response = client.post(url(world, "relational_audit_edit", run), data)
    assert response["Location"] == url(world, "relational_audit_results", run)
    with school_scope(world.school):
        run.refresh_from_db()
        assert AuditEvent.objects.filter(action=Action.RELATIONAL_AUDIT_COMPLETED).exists()
    assert (run.status, run.completed_by) == ("completed", world.lead)


def test_a_completed_audit_cannot_be_changed(world: SchoolWorld, signed_in: SignedIn) -> None:
    run = completed(world, "green", date(2026, 1, 5))
    client = signed_in(world.lead)
    assert client.get(url(world, "relational_audit_edit", run))["Location"] == url(
        world, "relational_audit_results", run
    )
    response = client.post(
        url(world, "relational_audit_autosave", run) + "?item=safe.ethos.1",
        {"r-safe-ethos-1": "red"},
    )
    assert response.status_code == 422
    assert "can no longer be changed" in response.text
    assert answers(world, run)["safe.ethos.1"].rating == "green"


# --- results and comparison ---------------------------------------------------------------


def test_results_summarise_each_area_and_section(world: SchoolWorld, signed_in: SignedIn) -> None:
    run = completed(world, "amber", date(2026, 1, 5), **{"safe.ethos.1": "red"})
    page = signed_in(world.lead).get(url(world, "relational_audit_results", run))
    assert page.status_code == 200
    assert CITATION in page.text.lower()
    assert page.text.count('class="rag-bar"') == 3 + 8  # each area and section
    assert "Whole-school values and ethos" in page.text
    assert 'data-testid="overall-score">49%' in page.text  # 39 amber, 1 red: 39/80
    assert 'from <strong data-testid="rated-of">40 of 40 statements rated' in page.text


def test_a_draft_s_results_say_how_many_statements_the_score_covers(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    run = start(world)
    with school_scope(world.school):
        relational_audit_answers_save(
            actor=world.lead, run=run, answers={i: Answer("green") for i in ITEMS[:6]}
        )
    page = signed_in(world.lead).get(url(world, "relational_audit_results", run)).text
    assert 'data-testid="overall-score">100%' in page
    assert (
        "6 of 40 statements rated</strong>: the score says nothing yet about the other 34" in page
    )


def test_the_audit_goes_a_section_at_a_time_and_saves_only_that_section(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    run = start(world)
    client = signed_in(world.lead)
    edit = url(world, "relational_audit_edit", run)
    first = client.get(edit).text
    assert first.count('class="rag"') == 8  # whole-school values and ethos, feeling safe
    assert 'aria-label="Sections of the audit"' in first
    assert first.count('<li><a href="?section=') == 8
    assert 'name="goto" value="1"' in first and "Previous:" not in first
    with school_scope(world.school):
        relational_audit_answers_save(
            actor=world.lead, run=run, answers={"personal.practice.2": Answer("red")}
        )
    # Rating the first section and moving on keeps the answer given elsewhere.
    data = {"r-safe-ethos-1": "green", "e-safe-ethos-1": "Visible values", "goto": "1"}
    data |= {f"e-safe-ethos-{n}": "" for n in range(2, 9)} | {"notes-safe-ethos": ""}
    moved = client.post(edit, data)
    assert moved["Location"] == edit + "?section=1"
    saved = answers(world, run)
    assert saved["safe.ethos.1"].rating == "green"
    assert saved["personal.practice.2"].rating == "red"
    second = client.get(moved["Location"]).text
    assert 'aria-current="page"' in second and "Previous:" in second
    assert "2 of 40" in second


def test_comparing_two_audits_shows_what_moved(world: SchoolWorld, signed_in: SignedIn) -> None:
    earlier = completed(world, "red", date(2025, 6, 1))
    later = completed(world, "red", date(2026, 1, 5), **{"safe.ethos.2": "green"})
    page = signed_in(world.lead).get(
        url(world, "relational_audit_results", later) + f"?compare={earlier.pk}"
    )
    assert page.status_code == 200
    moved = page.text.split('data-testid="moved"')[1].split("</ul>")[0]
    assert moved.count("<li>") == 1
    assert "Improved" in moved
    assert "listening to children" in moved
    assert "Red → Green" in moved


def test_comparing_with_an_unknown_audit_is_404(world: SchoolWorld, signed_in: SignedIn) -> None:
    run = completed(world, "red", date(2026, 1, 5))
    draft = start(world)
    client = signed_in(world.lead)
    assert (
        client.get(url(world, "relational_audit_results", run) + f"?compare={draft.pk}").status_code
        == 404
    )


# --- action plan --------------------------------------------------------------------------


def test_red_items_become_actions_with_owner_and_date(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    run = completed(
        world, "green", date(2026, 1, 5), **{"safe.ethos.4": "red", "safe.ethos.5": "red"}
    )
    client = signed_in(world.lead)
    page = client.get(url(world, "relational_audit_actions", run))
    assert "Red: Staff right across" in page.text
    assert "Green:" not in page.text
    due = (timezone.localdate() + timedelta(days=30)).isoformat()

    response = client.post(
        url(world, "relational_audit_actions", run),
        {
            "item_ids": ["safe.ethos.4", "safe.ethos.5"],
            "action": "Termly staff forum",
            "owner": str(world.key_adult.pk),
            "due_on": due,
        },
    )

    assert response.status_code == 302
    with school_scope(world.school):
        made = list(RelationalAuditAction.objects.order_by("item_id"))
    assert [(a.item_id, a.action, a.owner_id, a.status) for a in made] == [
        ("safe.ethos.4", "Termly staff forum", world.key_adult.pk, "not_started"),
        ("safe.ethos.5", "Termly staff forum", world.key_adult.pk, "not_started"),
    ]
    shown = client.get(url(world, "relational_audit_actions", run)).text
    assert shown.count("Termly staff forum</td>") == 2

    status_url = url(world, "relational_audit_action_status", run, action_id=made[0].pk)
    client.post(status_url, {f"a{made[0].pk.hex}-status": "in_progress"})
    with school_scope(world.school):
        made[0].refresh_from_db()
    assert made[0].status == "in_progress"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"item_ids": []}, "Choose at least one item to act on."),
        ({"due_on": "2020-01-01"}, "The due date can&#x27;t be in the past."),
        ({"action": ""}, "Say what will be done"),
        ({"owner": ""}, "Choose who will lead it."),
        ({"item_ids": ["safe.ethos.1"]}, "Select a valid choice"),  # green: not offered
    ],
)
def test_action_plan_errors_show_beside_the_form(
    world: SchoolWorld, signed_in: SignedIn, overrides: dict[str, object], message: str
) -> None:
    run = completed(world, "green", date(2026, 1, 5), **{"safe.ethos.4": "red"})
    data: dict[str, object] = {
        "item_ids": ["safe.ethos.4"],
        "action": "Staff forum",
        "owner": str(world.key_adult.pk),
        "due_on": (timezone.localdate() + timedelta(days=7)).isoformat(),
    } | overrides
    response = signed_in(world.lead).post(url(world, "relational_audit_actions", run), data)
    assert response.status_code == 200
    assert message in response.text
    with school_scope(world.school):
        assert not RelationalAuditAction.objects.exists()


def test_a_blank_action_takes_the_items_next_steps(world: SchoolWorld, signed_in: SignedIn) -> None:
    run = start(world)
    with school_scope(world.school):
        relational_audit_answers_save(
            actor=world.lead, run=run, answers={"safe.ethos.4": Answer("red", "", "Staff forum")}
        )
    signed_in(world.lead).post(
        url(world, "relational_audit_actions", run),
        {
            "item_ids": ["safe.ethos.4"],
            "owner": str(world.key_adult.pk),
            "due_on": (timezone.localdate() + timedelta(days=7)).isoformat(),
        },
    )
    with school_scope(world.school):
        assert RelationalAuditAction.objects.get().action == "Staff forum"


def test_another_schools_staff_cannot_own_an_action(
    world: SchoolWorld, other_world: SchoolWorld, signed_in: SignedIn
) -> None:
    run = completed(world, "green", date(2026, 1, 5), **{"safe.ethos.4": "red"})
    response = signed_in(world.lead).post(
        url(world, "relational_audit_actions", run),
        {
            "item_ids": ["safe.ethos.4"],
            "action": "x",
            "owner": str(other_world.key_adult.pk),
            "due_on": (timezone.localdate() + timedelta(days=7)).isoformat(),
        },
    )
    assert "Select a valid choice" in response.text


# --- exports ------------------------------------------------------------------------------


def test_csv_export_has_every_item_in_order(world: SchoolWorld, signed_in: SignedIn) -> None:
    run = completed(world, "amber", date(2026, 1, 5))
    response = signed_in(world.lead).get(url(world, "relational_audit_csv", run))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["item_id", "area", "sub_section", "item", "rating", "evidence", "next_steps"]
    assert [r[0] for r in rows[1:]] == list(ITEMS)
    assert rows[1][1:3] == ["Feeling safe in school", "Whole-school values and ethos"]
    assert rows[1][4:6] == ["amber", "evidence safe.ethos.1"]


def test_pdf_export_is_a_pdf(world: SchoolWorld, signed_in: SignedIn) -> None:
    run = completed(world, "amber", date(2026, 1, 5))
    response = signed_in(world.lead).get(url(world, "relational_audit_pdf", run))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert len(response.content) > 2000


def test_the_whole_school_page_lists_only_what_the_member_may_open(
    world: SchoolWorld, signed_in: Callable[[User], Client]
) -> None:
    hub = reverse("wholeschool:hub", kwargs={"urn": world.school.urn})
    lead_page = signed_in(world.lead).get(hub).content.decode()
    office_page = signed_in(world.office).get(hub).content.decode()
    officer = testing.user(world.school, Role.VIRTUAL_SCHOOL)
    officer_page = signed_in(officer).get(hub).content.decode()

    for title in ("Relational Approaches Audit", "Staff training", "Supervision", "Incidents"):
        assert title in lead_page
    assert "Incidents" in office_page and "Relational Approaches Audit" not in office_page
    assert "Staff training" not in office_page
    # A Virtual School officer reads the looked-after children's PEPs, and nothing else here.
    assert "Personal Education Plans" in officer_page and "Incidents" not in officer_page
    assert "Sharing with the Virtual School" not in officer_page
    assert "Sharing with the Virtual School" in lead_page
