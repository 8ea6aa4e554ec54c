"""Retention, holds, exports and correction or erasure requests over HTTP, and who may use them."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from attune.accounts.models import User
from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.auditlog.verify import audit_chain_verify
from attune.people.models import Need, Pupil, PupilNeed
from attune.privacy.models import DataRequest, LegalHold, RequestStatus, RetentionRule
from attune.tenancy import school_scope
from attune.testing import SchoolUrls, SchoolWorld, SignedIn

pytestmark = pytest.mark.django_db

url = SchoolUrls("privacy")


def child_url(world: SchoolWorld, name: str, child: Pupil | None = None) -> str:
    return url(world, name, pupil_id=(child or world.child).pk)


def need(world: SchoolWorld) -> PupilNeed:
    with school_scope(world.school):
        return PupilNeed.objects.create(
            school=world.school, pupil=world.child, need=Need.SEMH, noted_on=date(2025, 1, 6)
        )


def ask(client: Client, world: SchoolWorld, **data: str) -> object:
    return client.post(child_url(world, "request_new"), data)


def correction(world: SchoolWorld, client: Client) -> DataRequest:
    response = ask(
        client,
        world,
        kind="correct",
        record=f"people.pupil:{world.child.pk}",
        field_name="legal_surname",
        new_value="Fletcher-Jones",
        reason="Her mother sent the deed poll.",
    )
    assert response.status_code == 302  # type: ignore[attr-defined]
    with school_scope(world.school):
        return DataRequest.objects.get()


def erasure(world: SchoolWorld, raised_by: User) -> DataRequest:
    with school_scope(world.school):
        return DataRequest.objects.create(
            school=world.school,
            pupil_id=world.child.pk,
            pupil_label="Maya Fletcher",
            kind="erase_child",
            record_kind="people.pupil",
            record_id=str(world.child.pk),
            reason="Added by mistake: never on roll here.",
            raised_by=raised_by,
            raised_at="2025-06-01T09:00Z",
        )


def decide(client: Client, world: SchoolWorld, item: DataRequest, **data: str) -> object:
    return client.post(url(world, "request_detail", request_id=item.pk), data)


# --- Overview, rules and holds -----------------------------------------------------------------


def test_the_head_sees_the_rules_in_force(world: SchoolWorld, signed_in: SignedIn) -> None:
    page = signed_in(world.head).get(url(world, "home"))
    assert page.status_code == 200
    assert "Until the child&#x27;s 25th birthday" in page.text
    assert "6 years after the end of the school year it belongs to" in page.text


def test_the_head_changes_a_rule(world: SchoolWorld, signed_in: SignedIn) -> None:
    client = signed_in(world.head)
    response = client.post(
        url(world, "rule_set"), {"kind": "checkins.checkin", "basis": "after_date", "years": "2"}
    )
    assert response.status_code == 302
    with school_scope(world.school):
        rule = RetentionRule.objects.get()
    assert (rule.kind, rule.basis, rule.years) == ("checkins.checkin", "after_date", 2)
    assert AuditEvent.objects.filter(action=Action.RETENTION_RULE_SET).count() == 1
    assert "2 years after the record&#x27;s date" in client.get(url(world, "home")).text


def test_a_rule_needs_a_period(world: SchoolWorld, signed_in: SignedIn) -> None:
    response = signed_in(world.head).post(
        url(world, "rule_set"), {"kind": "checkins.checkin", "basis": "after_date"}
    )
    assert response.status_code == 200
    assert "between 1 and 150 years" in response.text


def test_a_rule_for_an_unknown_kind_is_refused(world: SchoolWorld, signed_in: SignedIn) -> None:
    response = signed_in(world.head).post(
        url(world, "rule_set"), {"kind": "nowhere.nothing", "basis": "keep"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.text


def test_a_hold_on_a_kind_is_placed_and_lifted(world: SchoolWorld, signed_in: SignedIn) -> None:
    client = signed_in(world.lead)
    response = client.post(
        url(world, "hold_add"), {"kind": "attendance.sessionmark", "reason": "Ombudsman case 77"}
    )
    assert response.status_code == 302
    with school_scope(world.school):
        hold = LegalHold.objects.get()
    assert hold.placed_by == world.lead
    assert "Ombudsman case 77" in client.get(url(world, "home")).text
    assert client.post(url(world, "hold_release", hold_id=hold.pk)).status_code == 302
    again = client.post(url(world, "hold_release", hold_id=hold.pk), follow=True)
    assert "already been lifted" in again.text
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"privacy.legal_hold.placed", "privacy.legal_hold.released"} <= actions


def test_a_hold_needs_a_reason_and_a_target(world: SchoolWorld, signed_in: SignedIn) -> None:
    client = signed_in(world.head)
    no_reason = client.post(url(world, "hold_add"), {"kind": "plans.plan", "reason": " "})
    assert "This field is required" in no_reason.text
    no_target = client.post(url(world, "hold_add"), {"kind": "", "reason": "Inquiry"})
    assert "Choose a child or a kind of record to hold." in no_target.text


def test_a_hold_on_a_child_goes_back_to_their_page(world: SchoolWorld, signed_in: SignedIn) -> None:
    client = signed_in(world.head)
    response = client.post(
        url(world, "hold_add"), {"pupil": str(world.child.pk), "reason": "Police request PR/5"}
    )
    assert response.headers["Location"] == child_url(world, "child")
    assert "Police request PR/5" in client.get(child_url(world, "child")).text


def test_a_hold_on_another_schools_child_is_not_found(
    world: SchoolWorld, other_world: SchoolWorld, signed_in: SignedIn
) -> None:
    response = signed_in(world.head).post(
        url(world, "hold_add"), {"pupil": str(other_world.child.pk), "reason": "Anything"}
    )
    assert response.status_code == 404
    with school_scope(other_world.school):
        assert not LegalHold.objects.exists()


# --- Subject access --------------------------------------------------------------------------


def test_the_json_export_holds_everything_about_the_child(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    need(world)
    response = signed_in(world.head).get(child_url(world, "export_json"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert set(data) == {"format", "made_at", "school", "child", "records", "audit_trail"}
    assert data["format"] == "attune.subject-access/1"
    assert data["child"]["legal_surname"] == "Fletcher"
    assert data["records"]["people.pupilneed"]["rows"] == [
        {
            "id": data["records"]["people.pupilneed"]["rows"][0]["id"],
            "need": "semh",
            "noted_on": "2025-01-06",
        }
    ]
    assert "plans.plan" in data["records"]  # every kind is listed, even when empty
    assert [e["action"] for e in data["audit_trail"]] == ["privacy.subject_access.exported"]


def test_the_pdf_export_is_a_pdf_and_is_recorded(world: SchoolWorld, signed_in: SignedIn) -> None:
    response = signed_in(world.head).get(child_url(world, "export_pdf"))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    event = AuditEvent.objects.get(action=Action.SUBJECT_ACCESS_EXPORTED)
    assert (event.pupil_id, event.changes) == (world.child.pk, {"format": "pdf"})


def test_the_childs_data_page_counts_their_records(world: SchoolWorld, signed_in: SignedIn) -> None:
    need(world)
    page = signed_in(world.head).get(child_url(world, "child"))
    assert page.status_code == 200
    assert "Pupil needs" in page.text


@pytest.mark.parametrize("name", ["child", "export_json", "export_pdf"])
def test_a_teacher_cannot_export_or_see_what_is_held(
    world: SchoolWorld, signed_in: SignedIn, name: str
) -> None:
    assert signed_in(world.teacher).get(child_url(world, name)).status_code == 403


@pytest.mark.parametrize("name", ["child", "export_json", "export_pdf", "request_new"])
def test_another_schools_child_is_not_found(
    world: SchoolWorld, other_world: SchoolWorld, signed_in: SignedIn, name: str
) -> None:
    response = signed_in(world.head).get(child_url(world, name, other_world.child))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=Action.SUBJECT_ACCESS_EXPORTED).exists()


def test_another_schools_head_finds_no_privacy_pages(
    world: SchoolWorld, other_world: SchoolWorld, signed_in: SignedIn
) -> None:
    client = signed_in(other_world.head)
    assert client.get(url(world, "home")).status_code == 404
    assert client.get(child_url(world, "export_json")).status_code == 404


# --- Correction and erasure --------------------------------------------------------------------


def test_a_teacher_asks_for_a_correction_and_another_person_applies_it(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    need(world)
    client = signed_in(world.teacher)
    form = client.get(child_url(world, "request_new"))
    assert form.status_code == 200
    assert "people.pupilneed" not in form.text  # only the child's own record is offered
    item = correction(world, client)
    assert item.status == RequestStatus.PENDING

    response = decide(signed_in(world.head), world, item, decision="approve", note="")
    assert response.status_code == 302  # type: ignore[attr-defined]
    with school_scope(world.school):
        item.refresh_from_db()
        assert Pupil.objects.get(pk=world.child.pk).legal_surname == "Fletcher-Jones"
    assert (item.status, item.decided_by) == (RequestStatus.APPLIED, world.head)
    event = AuditEvent.objects.get(action=Action.DATA_REQUEST_APPLIED)
    assert event.pupil_id == world.child.pk
    assert (event.changes["before"], event.changes["after"]) == ("Fletcher", "Fletcher-Jones")


def test_nobody_approves_their_own_request(world: SchoolWorld, signed_in: SignedIn) -> None:
    client = signed_in(world.head)
    item = correction(world, client)
    page = client.get(url(world, "request_detail", request_id=item.pk))
    assert "someone else who handles data requests must decide it" in page.text
    response = decide(client, world, item, decision="approve")
    assert "Someone else must decide a request you raised." in response.text  # type: ignore[attr-defined]
    with school_scope(world.school):
        item.refresh_from_db()
        assert Pupil.objects.get(pk=world.child.pk).legal_surname == "Fletcher"
    assert item.status == RequestStatus.PENDING


def test_a_refusal_needs_a_reason(world: SchoolWorld, signed_in: SignedIn) -> None:
    item = correction(world, signed_in(world.teacher))
    client = signed_in(world.lead)
    response = decide(client, world, item, decision="refuse", note="")
    assert "Say why you are refusing it." in response.text  # type: ignore[attr-defined]
    decide(client, world, item, decision="refuse", note="The birth certificate says Fletcher.")
    item.refresh_from_db()
    assert item.status == RequestStatus.REFUSED
    again = decide(signed_in(world.head), world, item, decision="approve")
    assert "already been decided" in again.text  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"field_name": "date_of_birth", "new_value": "soon"}, "That value won&#x27;t do"),
        ({"field_name": "school", "new_value": "1"}, "Select a valid choice"),
        ({"reason": ""}, "This field is required"),
        ({"record": "plans.plan:999"}, "Select a valid choice"),
    ],
)
def test_a_request_that_cannot_be_done_is_refused_at_once(
    world: SchoolWorld, signed_in: SignedIn, data: dict[str, str], message: str
) -> None:
    base = {
        "kind": "correct",
        "record": f"people.pupil:{world.child.pk}",
        "field_name": "legal_surname",
        "new_value": "Jones",
        "reason": "Typo",
    }
    response = ask(signed_in(world.head), world, **(base | data))
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert message in response.text  # type: ignore[attr-defined]
    with school_scope(world.school):
        assert not DataRequest.objects.exists()


def test_erasing_one_record(world: SchoolWorld, signed_in: SignedIn) -> None:
    record = need(world)
    response = ask(
        signed_in(world.lead),
        world,
        kind="erase_record",
        record=f"people.pupilneed:{record.pk}",
        reason="Recorded for the wrong child.",
    )
    assert response.status_code == 302  # type: ignore[attr-defined]
    with school_scope(world.school):
        item = DataRequest.objects.get()
    decide(signed_in(world.head), world, item, decision="approve")
    with school_scope(world.school):
        assert not PupilNeed.objects.exists()
    event = AuditEvent.objects.get(action=Action.DATA_REQUEST_APPLIED)
    assert event.changes["removed"] == {"people.pupilneed": 1}


def test_erasure_respects_a_legal_hold(world: SchoolWorld, signed_in: SignedIn) -> None:
    item = erasure(world, raised_by=world.lead)
    client = signed_in(world.head)
    client.post(url(world, "hold_add"), {"pupil": str(world.child.pk), "reason": "Claim 2025/9"})
    response = decide(client, world, item, decision="approve")
    assert "This can&#x27;t be erased" in response.text  # type: ignore[attr-defined]
    assert "Claim 2025/9" in response.text  # type: ignore[attr-defined]
    with school_scope(world.school):
        assert Pupil.objects.filter(pk=world.child.pk).exists()
        item.refresh_from_db()
    assert item.status == RequestStatus.PENDING


def test_erasing_a_child_removes_everything_and_keeps_the_audit_chain(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    need(world)
    item = erasure(world, raised_by=world.lead)
    signed_in(world.head).get(
        reverse("children:pupil", kwargs={"urn": world.school.urn, "pupil_id": world.child.pk})
    )
    response = decide(signed_in(world.head), world, item, decision="approve")
    assert response.status_code == 302  # type: ignore[attr-defined]
    with school_scope(world.school):
        assert not Pupil.objects.filter(pk=world.child.pk).exists()
        assert not PupilNeed.objects.exists()
        item.refresh_from_db()
    assert item.pupil_label == "A child whose records were erased"
    event = AuditEvent.objects.get(action=Action.DATA_REQUEST_APPLIED)
    assert event.changes["removed"] == {"people.pupil": 1, "people.pupilneed": 1}
    assert "Fletcher" not in json.dumps(event.changes)
    assert audit_chain_verify(world.school) is None


def test_only_data_request_handlers_see_the_requests(
    world: SchoolWorld, other_world: SchoolWorld, signed_in: SignedIn
) -> None:
    item = erasure(world, raised_by=world.lead)
    assert signed_in(world.teacher).get(url(world, "requests")).status_code == 403
    detail = url(world, "request_detail", request_id=item.pk)
    assert signed_in(world.office).get(detail).status_code == 403
    assert signed_in(other_world.head).get(detail).status_code == 404
    page = signed_in(world.head).get(url(world, "requests"))
    assert "Maya Fletcher" in page.text


def test_the_overview_makes_a_fixed_number_of_queries(
    world: SchoolWorld, signed_in: SignedIn, django_assert_max_num_queries: object
) -> None:
    client = signed_in(world.head)
    for n in range(3):
        client.post(url(world, "hold_add"), {"kind": "plans.plan", "reason": f"Inquiry {n}"})
        erasure(world, raised_by=world.lead)
    with django_assert_max_num_queries(15):  # type: ignore[operator]
        assert client.get(url(world, "home")).status_code == 200


def test_a_correction_that_clashes_with_another_record_changes_nothing(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    response = ask(
        signed_in(world.teacher),
        world,
        kind="correct",
        record=f"people.pupil:{world.child.pk}",
        field_name="upn",
        new_value=world.looked_after_child.upn,
        reason="Wrong UPN",
    )
    assert response.status_code == 302  # type: ignore[attr-defined]
    with school_scope(world.school):
        item = DataRequest.objects.get()
    refused = decide(signed_in(world.head), world, item, decision="approve")
    assert "clashes with another record" in refused.text  # type: ignore[attr-defined]
    item.refresh_from_db()
    assert item.status == RequestStatus.PENDING


def test_the_requests_list_filters_by_status_kind_and_child(
    world: SchoolWorld, signed_in: SignedIn, django_assert_max_num_queries: object
) -> None:
    waiting = erasure(world, raised_by=world.lead)
    with school_scope(world.school):
        decided = DataRequest.objects.create(
            school=world.school,
            pupil_id=world.looked_after_child.pk,
            pupil_label="Leo Brennan",
            kind="correct",
            record_kind="people.pupil",
            record_id=str(world.looked_after_child.pk),
            field_name="legal_surname",
            new_value="Brennan-Cole",
            reason="Adoption order.",
            status=RequestStatus.REFUSED,
            raised_by=world.teacher,
            raised_at="2025-05-01T09:00Z",
            decided_by=world.head,
            decided_at="2025-05-02T09:00Z",
            decision_note="Not until the order is final.",
        )
    client = signed_in(world.head)

    def found(**query: str) -> list[object]:
        return [r.pk for r in client.get(url(world, "requests"), query).context["found"]]

    assert found() == [waiting.pk, decided.pk]  # waiting first
    assert found(status="pending") == [waiting.pk]
    assert found(status="refused") == [decided.pk]
    assert found(kind="correct") == [decided.pk]
    assert found(child="leo") == [decided.pk]
    assert found(child="maya", kind="correct") == []
    assert "No requests match" in client.get(url(world, "requests"), {"child": "zed"}).text
    bad = client.get(url(world, "requests"), {"status": "lost"})
    assert bad.status_code == 200 and "Select a valid choice" in bad.text
    for n in range(5):
        erasure(world, raised_by=world.lead if n % 2 else world.teacher)
    with django_assert_max_num_queries(6):  # type: ignore[operator]
        client.get(url(world, "requests"), {"status": "pending", "child": "maya"})


def test_each_page_about_a_child_logs_a_read_and_a_refusal_logs_none(
    world: SchoolWorld, other_world: SchoolWorld, signed_in: SignedIn
) -> None:
    item = erasure(world, raised_by=world.lead)
    head = signed_in(world.head)
    pages = [child_url(world, "child"), child_url(world, "request_new")]
    pages.append(url(world, "request_detail", request_id=item.pk))
    for page in pages:
        assert head.get(page).status_code == 200
    reads = AuditEvent.objects.filter(action=Action.RECORD_VIEWED).order_by("id")
    assert [(e.pupil_id, e.actor_id, e.changes["page"]) for e in reads] == [
        (world.child.pk, world.head.pk, page) for page in pages
    ]
    assert signed_in(world.teacher).get(child_url(world, "child")).status_code == 403
    assert signed_in(other_world.head).get(child_url(world, "child")).status_code == 404
    assert reads.count() == len(pages)
