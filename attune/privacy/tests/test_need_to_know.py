"""Issue 17, points 1 and 2: a note for the designated safeguarding lead (DSL) only never reaches
anyone else through the privacy pages, and correcting one never puts its text in the audit trail.

The attachment lead here is not the DSL; the headteacher is. Every note carries a marker, so a
leak anywhere on a page, in a form or in an export shows up as the marker.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attune import testing
from attune.accounts.models import User
from attune.accounts.roles import Role
from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.auditlog.record import digest
from attune.auditlog.verify import audit_chain_verify
from attune.plans.models import ContactLogEntry, Meeting
from attune.privacy.models import DataRequest, RequestStatus
from attune.privacy.services import PrivacyError, data_request_raise
from attune.tenancy import school_scope
from attune.testing import SchoolUrls, SchoolWorld, SignedIn, make_dsl

pytestmark = pytest.mark.django_db

SECRET = "MARKER-DSL-ONLY"  # in every field of the notes for the DSL only
TEAM = "MARKER-FOR-THE-TEAM"


@dataclass
class Notes:
    contact: ContactLogEntry  # for the DSL only
    meeting: Meeting  # for the DSL only
    team_contact: ContactLogEntry  # for the child's team


@pytest.fixture
def notes(world: SchoolWorld) -> Notes:
    today = timezone.localdate()
    make_dsl(world.head)
    with school_scope(world.school):

        def contact(level: str, marker: str) -> ContactLogEntry:
            return ContactLogEntry.objects.create(
                school=world.school,
                pupil=world.child,
                contacted_on=today,
                with_kind="social_worker",
                with_name=f"{marker} name",
                method="phone",
                summary=f"{marker} summary",
                agreed=f"{marker} agreed",
                sensitivity=level,
            )

        meeting = Meeting.objects.create(
            school=world.school,
            pupil=world.child,
            kind="tac",
            held_on=today,
            attendees=f"{SECRET} attendees",
            child_voice=f"{SECRET} voice",
            decisions=f"{SECRET} decisions",
            sensitivity="dsl",
        )
        return Notes(contact("dsl", SECRET), meeting, contact("team", TEAM))


url = SchoolUrls("privacy")


def child_url(world: SchoolWorld, name: str) -> str:
    return url(world, name, pupil_id=world.child.pk)


def ref(item: ContactLogEntry | Meeting) -> str:
    return f"{item._meta.label_lower}:{item.pk}"


def ask_to_correct(
    client: Client, world: SchoolWorld, item: ContactLogEntry | Meeting, field: str, value: str
) -> object:
    data = {
        "kind": "correct",
        "record": ref(item),
        "field_name": field,
        "new_value": value,
        "reason": "The social worker's name was wrong.",
    }
    return client.post(child_url(world, "request_new"), data)


def raised(world: SchoolWorld) -> list[DataRequest]:
    with school_scope(world.school):
        return list(DataRequest.objects.order_by("raised_at"))


def test_the_lead_is_offered_only_the_notes_they_may_read(
    world: SchoolWorld, notes: Notes, signed_in: SignedIn
) -> None:
    page = signed_in(world.lead).get(child_url(world, "request_new"))
    assert page.status_code == 200
    assert ref(notes.team_contact) in page.text  # the team's note: the lead reads it
    assert ref(notes.contact) not in page.text
    assert ref(notes.meeting) not in page.text
    assert SECRET not in page.text

    head = signed_in(world.head).get(child_url(world, "request_new"))
    assert ref(notes.contact) in head.text and ref(notes.meeting) in head.text


def test_the_lead_cannot_ask_about_a_note_for_the_dsl_only(
    world: SchoolWorld, notes: Notes, signed_in: SignedIn
) -> None:
    client = signed_in(world.lead)
    for item, field in ((notes.contact, "summary"), (notes.meeting, "decisions")):
        response = ask_to_correct(client, world, item, field, "Anything")
        assert response.status_code == 200  # type: ignore[attr-defined]
        assert "Select a valid choice" in response.text  # type: ignore[attr-defined]
    assert raised(world) == []
    # The service refuses it too, exactly as it refuses a record that does not exist.
    with school_scope(world.school), pytest.raises(PrivacyError) as refused:
        data_request_raise(
            actor=world.lead,
            pupil=world.child,
            kind="erase_record",
            reason="Wrong child.",
            record_ref=ref(notes.contact),
        )
    assert refused.value.code == "request.no_record"
    assert raised(world) == []


def test_the_lead_reads_no_dsl_note_back_on_any_privacy_page(
    world: SchoolWorld, notes: Notes, signed_in: SignedIn
) -> None:
    head = signed_in(world.head)
    ask_to_correct(head, world, notes.contact, "summary", f"{SECRET} corrected")
    [item] = raised(world)
    detail = url(world, "request_detail", request_id=item.pk)
    assert f"{SECRET} summary" in head.get(detail).text  # the DSL reads what they asked about

    lead = signed_in(world.lead)
    pages = [
        url(world, "home"),
        url(world, "requests"),
        url(world, "break_glass_report"),
        child_url(world, "child"),
        child_url(world, "request_new"),
        detail,
    ]
    for page in pages:
        response = lead.get(page)
        assert response.status_code == 200, page
        assert SECRET not in response.text, page
    assert "designated safeguarding lead only" in lead.get(detail).text
    assert 'name="decision"' not in lead.get(detail).text
    # Nor can the lead decide it: nobody approves a change to a note they cannot read.
    refused = lead.post(detail, {"decision": "approve", "note": ""})
    assert "a safeguarding lead who handles data requests must decide it" in refused.text
    assert SECRET not in refused.text
    assert raised(world)[0].status == RequestStatus.PENDING
    # The export holds everything, so it is not theirs to make; the glass is not theirs to break.
    assert lead.get(child_url(world, "export_json")).status_code == 403
    assert lead.get(child_url(world, "break_glass")).status_code == 403


def test_the_data_page_counts_only_what_the_reader_may_read(
    world: SchoolWorld, notes: Notes, signed_in: SignedIn
) -> None:
    def contacts_counted(account: User) -> int:
        counts = signed_in(account).get(child_url(world, "child")).context["counts"]
        return int(next(n for kind, n in counts if kind.label == "plans.contactlogentry"))

    assert contacts_counted(world.lead) == 1
    assert contacts_counted(world.head) == 2


def test_after_the_head_applies_a_correction_the_trail_and_its_export_hold_no_note_text(
    world: SchoolWorld, notes: Notes, signed_in: SignedIn
) -> None:
    make_dsl(world.lead)  # a DSL asks; another DSL, the head, decides
    lead = signed_in(world.lead)
    ask_to_correct(lead, world, notes.contact, "summary", f"{SECRET} corrected summary")
    ask_to_correct(lead, world, notes.meeting, "decisions", f"{SECRET} corrected decisions")
    # A field the model does not list as sensitive, on a note for the DSL only: digested too.
    ask_to_correct(lead, world, notes.contact, "with_name", f"{SECRET} corrected name")
    requests = raised(world)
    assert len(requests) == 3

    head = signed_in(world.head)
    for item in requests:
        response = head.post(
            url(world, "request_detail", request_id=item.pk), {"decision": "approve"}
        )
        assert response.status_code == 302
    with school_scope(world.school):
        notes.contact.refresh_from_db()
        notes.meeting.refresh_from_db()
    assert notes.contact.summary == f"{SECRET} corrected summary"
    assert notes.meeting.decisions == f"{SECRET} corrected decisions"
    assert notes.contact.with_name == f"{SECRET} corrected name"

    applied = AuditEvent.objects.filter(action=Action.DATA_REQUEST_APPLIED).order_by("id")
    first = applied[0].changes
    assert first["field"] == "summary"
    assert first["before"] == digest(f"{SECRET} summary")
    assert first["after"] == digest(f"{SECRET} corrected summary")
    assert all(SECRET not in json.dumps(event.changes) for event in applied)

    admin = signed_in(testing.user(world.school, Role.ADMINISTRATOR))
    trail = admin.get(reverse("trail:events", kwargs={"urn": world.school.urn}))
    assert trail.status_code == 200 and SECRET not in trail.text
    export = admin.get(reverse("trail:export", kwargs={"urn": world.school.urn}))
    text = export.getvalue().decode()
    assert SECRET not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sum(row["action"] == Action.DATA_REQUEST_APPLIED for row in rows) == 3
    assert audit_chain_verify(world.school) is None


def test_a_subject_access_export_by_the_dsl_holds_the_notes_and_is_logged(
    world: SchoolWorld, notes: Notes, signed_in: SignedIn
) -> None:
    response = signed_in(world.head).get(child_url(world, "export_json"))
    assert response.status_code == 200
    data = json.loads(response.content)
    contacts = data["records"]["plans.contactlogentry"]["rows"]
    assert {row["summary"] for row in contacts} == {f"{SECRET} summary", f"{TEAM} summary"}
    assert data["records"]["plans.meeting"]["rows"][0]["decisions"] == f"{SECRET} decisions"
    pdf = signed_in(world.head).get(child_url(world, "export_pdf"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    exported = AuditEvent.objects.filter(action=Action.SUBJECT_ACCESS_EXPORTED)
    assert sorted(e.changes["format"] for e in exported) == ["json", "pdf"]
