"""The family page: a parent with parental responsibility signs in by link and sees their own
child's page, replies to a note and tells the school about an absence; every read and write is
in the audit record; a parent marked "no contact" is never let in and is sent nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attune import testing
from attune.accounts import links
from attune.accounts.testing import sign_in_by_link
from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.families.models import AbsenceReport, AbsenceStatus, FamilyReply
from attune.families.testing import Family, let_in
from attune.people.models import PupilContact
from attune.tenancy import school_scope, scopes_disabled
from attune.testing import SchoolWorld, SignedIn

pytestmark = pytest.mark.django_db


def child_url(world: SchoolWorld) -> str:
    return reverse("family:child", kwargs={"pupil_id": world.child.pk})


def events(action: Action) -> list[AuditEvent]:
    with scopes_disabled():
        return list(AuditEvent.objects.filter(action=action.value))


def test_a_parent_sees_their_childs_page_and_the_read_is_logged(
    world: SchoolWorld, family: Family
) -> None:
    client = sign_in_by_link(Client(), let_in(family.mum))
    response = client.get(reverse("family:home"), follow=True)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Reading to the class" in body and "Maya" in body
    reads = [e for e in events(Action.RECORD_VIEWED) if e.pupil_id == world.child.pk]
    assert reads, "the family's read of Maya's page is in the audit record"


def test_a_reply_reaches_the_key_adult_on_today(
    world: SchoolWorld, family: Family, signed_in: SignedIn
) -> None:
    client = sign_in_by_link(Client(), let_in(family.mum))
    url = reverse(
        "family:reply", kwargs={"pupil_id": world.child.pk, "noticing_id": family.note.pk}
    )
    response = client.post(url, {"text": "She told us all about it at tea!"})
    assert response.status_code == 302
    with school_scope(world.school):
        reply = FamilyReply.objects.get()
    assert reply.contact_id == family.mum.contact_id
    assert events(Action.FAMILY_REPLY_SENT)
    staff = signed_in(world.key_adult_user)
    today = staff.get(reverse("checkins:today", kwargs={"urn": world.school.urn}))
    assert "She told us all about it at tea!" in today.content.decode()


def test_an_absence_waits_on_the_office_list_and_staff_choose_the_code(
    world: SchoolWorld, family: Family, signed_in: SignedIn
) -> None:
    client = sign_in_by_link(Client(), let_in(family.mum))
    today = timezone.localdate()
    url = reverse("family:absence", kwargs={"pupil_id": world.child.pk})
    response = client.post(
        url,
        {"first_day": today, "last_day": today + timedelta(days=1), "reason": "A bad cold"},
    )
    assert response.status_code == 302
    assert events(Action.FAMILY_ABSENCE_REPORTED)
    office = signed_in(world.office)
    listed = office.get(reverse("families:absences", kwargs={"urn": world.school.urn}))
    assert "A bad cold" in listed.content.decode()
    with school_scope(world.school):
        report = AbsenceReport.objects.get()
    assert report.status == AbsenceStatus.WAITING and report.code == ""
    confirm = reverse("families:confirm", kwargs={"urn": world.school.urn, "report_id": report.pk})
    office.post(confirm, {"code": "I", "note": ""})
    with school_scope(world.school):
        report.refresh_from_db()
    assert report.status == AbsenceStatus.CONFIRMED and report.code == "I"
    assert events(Action.FAMILY_ABSENCE_CONFIRMED)


def test_a_family_cannot_choose_a_register_code(world: SchoolWorld, family: Family) -> None:
    client = sign_in_by_link(Client(), let_in(family.mum))
    today = timezone.localdate()
    url = reverse("family:absence", kwargs={"pupil_id": world.child.pk})
    client.post(url, {"first_day": today, "last_day": today, "reason": "Ill", "code": "C"})
    with school_scope(world.school):
        assert AbsenceReport.objects.get().code == ""


def test_a_no_contact_parent_is_sent_no_link_and_cannot_sign_in(
    world: SchoolWorld, family: Family
) -> None:
    dad = let_in(family.dad)  # even if an access was somehow granted
    assert links.live_accesses(dad) == []
    assert links.sign_in_link_send(email=dad.email, base_url="http://testserver/")
    assert mail.outbox == []
    client = sign_in_by_link(Client(), dad)
    assert client.get(child_url(world)).status_code == 404
    assert client.get(reverse("family:home")).status_code == 404


def test_marking_no_contact_stops_a_signed_in_parent_at_once(
    world: SchoolWorld, family: Family
) -> None:
    client = sign_in_by_link(Client(), let_in(family.mum))
    assert client.get(child_url(world)).status_code == 200
    with school_scope(world.school):
        PupilContact.objects.filter(pk=family.mum.pk).update(no_contact_by_school=True)
    assert client.get(child_url(world)).status_code == 404


def test_staff_invite_a_parent_and_mark_a_contact_by_hand(
    world: SchoolWorld, family: Family, signed_in: SignedIn
) -> None:
    lead = signed_in(world.lead)
    url = reverse("families:contacts", kwargs={"urn": world.school.urn, "pupil_id": world.child.pk})
    page = lead.get(url).content.decode()
    assert "Sam Fletcher" in page
    lead.post(url, {"link": family.mum.pk, "do": "invite"})
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]
    assert events(Action.FAMILY_INVITED)
    lead.post(url, {"link": family.mum.pk, "do": "mark", "no_contact": "on"})
    with school_scope(world.school):
        family.mum.refresh_from_db()
    assert family.mum.no_contact_by_school and family.mum.parental_responsibility is False
    mail.outbox.clear()
    assert links.sign_in_link_send(email="sam@example.org", base_url="http://testserver/")
    assert mail.outbox == []


def test_the_no_contact_parent_is_never_emailed_good_news(
    world: SchoolWorld, family: Family
) -> None:
    from attune.checkins.models import FamilySharing
    from attune.checkins.services.email_home import email_home_to

    with school_scope(world.school):
        sharing = FamilySharing.objects.create(
            school=world.school,
            pupil=world.child,
            channel="email",
            email="lee@example.org",
            consent_given_by="Dad",
            consent_given_on=timezone.localdate(),
        )
        assert email_home_to(sharing) is None


def test_a_family_session_runs_out_after_half_an_hour(world: SchoolWorld, family: Family) -> None:
    from attune.accounts.services import SESSION_SEEN, SESSION_STARTED

    client = sign_in_by_link(Client(), let_in(family.mum))
    assert client.get(child_url(world)).status_code == 200
    session = client.session
    started = int(timezone.now().timestamp()) - 31 * 60
    session[SESSION_STARTED] = started
    session[SESSION_SEEN] = int(timezone.now().timestamp())
    session.save()
    response = client.get(child_url(world))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:link_ask"))
    assert client.get(child_url(world)).status_code == 302  # signed out, not just sent on


def test_the_list_of_children_logs_a_read_of_each(world: SchoolWorld, family: Family) -> None:
    brother = testing.pupil(world.school, forename="Ben", surname="Fletcher")
    with school_scope(world.school):
        PupilContact.objects.create(
            school=world.school,
            pupil=brother,
            contact=family.mum.contact,
            parental_responsibility=True,
            started_on=family.mum.started_on,
        )
    client = sign_in_by_link(Client(), let_in(family.mum))
    page = client.get(reverse("family:home")).content.decode()
    assert "Maya" in page and "Ben" in page
    read = {e.pupil_id for e in events(Action.RECORD_VIEWED)}
    assert {world.child.pk, brother.pk} <= read


def test_a_new_email_for_the_contact_stops_the_old_address_at_once(
    world: SchoolWorld, family: Family
) -> None:
    from attune.people.models import Contact

    old = let_in(family.mum)
    client = sign_in_by_link(Client(), old)
    assert client.get(child_url(world)).status_code == 200
    with school_scope(world.school):
        Contact.objects.filter(pk=family.mum.contact_id).update(email="sam.new@example.org")
    assert client.get(child_url(world)).status_code == 404
    assert links.live_accesses(old) == []
