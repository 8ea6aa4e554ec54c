"""The handover pack: a print view and a PDF, holding only what the recipient may see."""

from __future__ import annotations

import re
import zlib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from attune.auditlog.models import AuditEvent
from attune.people.models import Need, PupilNeed
from attune.plans.tests.test_plans import make_plan
from attune.relationships.models import KeyAdultRelationship, TeamRole, WiderTeamMember
from attune.tenancy import school_scope
from attune.testing import SchoolWorld, SignedIn

pytestmark = pytest.mark.django_db


def url(world: SchoolWorld) -> str:
    return reverse("plans:handover", kwargs={"urn": world.school.urn, "pupil_id": world.child.pk})


def pdf_text(data: bytes) -> str:
    """The text drawn in a PDF made with fpdf2's built-in fonts: inflate each content stream
    and read the strings shown with Tj."""
    assert data.startswith(b"%PDF-")
    shown = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.DOTALL):
        try:
            content = zlib.decompress(stream)
        except zlib.error:
            continue
        for text in re.findall(rb"\((.*?)(?<!\\)\)\s*Tj", content, re.DOTALL):
            shown.append(text.replace(b"\\(", b"(").replace(b"\\)", b")").decode("latin-1"))
    return " ".join(shown)


@pytest.fixture
def history(world: SchoolWorld) -> None:
    today = timezone.localdate()
    make_plan(world)
    with school_scope(world.school):
        world.child.what_helps = "A quiet start and a job to do"
        world.child.save(update_fields=["what_helps"])
        KeyAdultRelationship.objects.create(
            school=world.school,
            pupil=world.child,
            key_adult=world.key_adult,
            started_on=today - timedelta(days=200),
            reason="Every day in class.",
        )
        PupilNeed.objects.create(
            school=world.school, pupil=world.child, need=Need.ATTACHMENT, noted_on=today
        )
        for name, consent in (("Sam Adeyemi", True), ("Kim Lowe", False)):
            WiderTeamMember.objects.create(
                school=world.school,
                pupil=world.child,
                role=TeamRole.SOCIAL_WORKER,
                name=name,
                email=f"{name.split()[0].lower()}@example.org",
                started_on=today - timedelta(days=20),
                consent_to_share=consent,
            )


@pytest.mark.usefixtures("history")
def test_a_pdf_for_a_new_key_adult_holds_the_whole_picture(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    client = signed_in(world.lead)
    assert "Who is it for" in client.get(url(world)).text

    response = client.get(url(world), {"recipient": "key_adult", "format": "pdf"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="handover-maya-fletcher.pdf"' in response["Content-Disposition"]
    text = pdf_text(response.content)
    for expected in (
        "Handover pack: Maya Fletcher",
        "A quiet start and a job to do",
        "Key adult: Priya Shah",
        "sam@example.org",
        "Kim Lowe",
        "Attachment needs",
        "Attendance support plan",
        "from 20 to 60 % attendance",
        "The last six months",
    ):
        assert expected in text, expected
    with school_scope(world.school):
        event = AuditEvent.objects.filter(action="plans.handover.made").get()
    assert event.changes == {"recipient": "key_adult", "format": "pdf"}


@pytest.mark.usefixtures("history")
def test_a_pack_for_a_class_teacher_leaves_out_what_teachers_may_not_see(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    client = signed_in(world.lead)

    text = pdf_text(client.get(url(world), {"recipient": "teacher", "format": "pdf"}).content)
    page = client.get(url(world), {"recipient": "teacher", "format": "html"}).text

    for shown in (text, page):
        assert "A quiet start and a job to do" in shown and "Sam Adeyemi" in shown
        for hidden in ("sam@example.org", "Kim Lowe", "Attachment needs", "Attendance support"):
            assert hidden not in shown, hidden
    assert 'media="print"' in page


def test_an_unknown_recipient_is_refused_with_a_message(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    response = signed_in(world.lead).get(url(world), {"recipient": "everyone", "format": "pdf"})

    assert response.status_code == 200
    assert "Select a valid choice." in response.text
    with school_scope(world.school):
        assert not AuditEvent.objects.filter(action="plans.handover.made").exists()


def test_handover_access(world: SchoolWorld, other_world: SchoolWorld, signed_in: SignedIn) -> None:
    query = {"recipient": "teacher", "format": "pdf"}

    assert signed_in(other_world.lead).get(url(world), query).status_code == 404
    assert signed_in(world.teacher).get(url(world), query).status_code == 403
    assert signed_in(world.key_adult_user).get(url(world), query).status_code == 403
