"""PEPs written with partners: invited by email, signed in by a link, each writing their own
part; the officer rates or returns the PEP and decides Pupil Premium Plus. Partners reach only
their child's PEP (attack tests), and another authority reaches none of it."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attune.access.rules import Partner, PepSection
from attune.accounts.models import User
from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.checkins.testing import Inbox, mail_of
from attune.pep.domain.cycle import term_for
from attune.tenancy import authority_scope
from attune.testing import SchoolWorld
from attune.virtualschool import partners, peps
from attune.virtualschool.models import (
    LookedAfterChild,
    PartnerPep,
    PepPartner,
    PepState,
    PupilPremiumPlus,
)
from attune.virtualschool.tests.conftest import OurChildren

pytestmark = pytest.mark.django_db

SignedIn = Callable[[User], Client]
BASE = "http://testserver/"


def invite(
    ours: OurChildren, child: LookedAfterChild, kind: Partner, email: str = ""
) -> PepPartner:
    with authority_scope(ours.las.kent):
        from django.db import transaction

        with transaction.atomic():
            found = partners.partner_invite(
                actor=ours.las.kent_officer, child=child, kind=kind, email=email, base_url=BASE
            )
    return found


def start(ours: OurChildren, child: LookedAfterChild) -> PartnerPep:
    with authority_scope(ours.las.kent):
        return peps.pep_start(actor=ours.las.kent_officer, child=child, today=timezone.localdate())


def signed_in_by_link(inbox: Inbox, email: str) -> Client:
    """Follow the newest link sent to ``email``, as the person would."""
    for envelope in reversed(inbox.messages):
        message, body = mail_of(envelope)
        if message["To"] == email:
            found = re.search(r"http://testserver(/accounts/link/[\w-]+/)", body)
            assert found
            client = Client()
            assert client.post(found.group(1)).status_code == 302
            return client
    raise AssertionError(f"no email to {email}")


def pep_url(seat: PepPartner) -> str:
    return reverse("partner:pep", kwargs={"partner_id": seat.pk})


def test_each_partner_writes_their_own_part_and_the_officer_rates_it(
    world: SchoolWorld, ours: OurChildren, smtp_inbox: Inbox, signed_in: SignedIn
) -> None:
    leo = ours.at_attune
    pep = start(ours, leo)
    teacher = invite(ours, leo, Partner.DESIGNATED_TEACHER)
    worker = invite(ours, leo, Partner.SOCIAL_WORKER)
    carer = invite(ours, leo, Partner.CARER)
    assert {m["To"] for m, _ in map(mail_of, smtp_inbox.messages)} == {
        "dt@hollybrook.example",
        "sw@kent.example",
        "carer@example.org",
    }
    _, body = mail_of(smtp_inbox.messages[0])
    assert "invited you to write Leo's Personal Education Plan" in body

    dt = signed_in_by_link(smtp_inbox, "dt@hollybrook.example")
    page = dt.get(pep_url(teacher))
    assert page.status_code == 200 and "Leo Brennan" in page.text
    base = reverse("partner:pep_term", kwargs={"partner_id": teacher.pk, "vs_pep_id": pep.pk})
    day = timezone.localdate()
    while not term_for(day).contains(day) or day.weekday() > 4:
        day -= timedelta(days=1)
    assert dt.post(base + "meeting/", {"held_on": day.isoformat()}).status_code == 302
    assert dt.post(base + "section/school/", {"school-text": "Reading well."}).status_code == 302
    assert (
        dt.post(base + "section/child/", {"child-text": "I like the drama club."}).status_code
        == 302
    )
    due = (term_for(day).due_by).isoformat()
    assert (
        dt.post(
            base + "targets/", {"description": "Drama club", "who": "Ruth Ellis", "due_on": due}
        ).status_code
        == 302
    )
    with authority_scope(ours.las.kent):
        target = PartnerPep.objects.get(pk=pep.pk).targets.get()
    response = dt.post(
        base + "funding/",
        {"amount": "350.00", "purpose": "Drama club fees", "targets": [str(target.pk)]},
    )
    assert response.status_code == 302
    # The designated teacher cannot write the social worker's part.
    assert dt.post(base + "section/care/", {"care-text": "x"}).status_code == 400

    sw = signed_in_by_link(smtp_inbox, "sw@kent.example")
    sw_base = reverse("partner:pep_term", kwargs={"partner_id": worker.pk, "vs_pep_id": pep.pk})
    assert (
        sw.post(sw_base + "section/care/", {"care-text": "Settled placement."}).status_code == 302
    )
    assert sw.post(sw_base + "meeting/", {"held_on": day.isoformat()}).status_code == 400

    home = signed_in_by_link(smtp_inbox, "carer@example.org")
    c_base = reverse("partner:pep_term", kwargs={"partner_id": carer.pk, "vs_pep_id": pep.pk})
    assert (
        home.post(c_base + "section/home/", {"home-text": "Reads every night."}).status_code == 302
    )
    text = home.get(c_base).text
    assert "Reading well." in text and "Settled placement." in text  # they write it together

    officer = signed_in(ours.las.kent_officer)
    officer_url = reverse("virtualschool:our_pep", kwargs={"la_code": 886, "vs_pep_id": pep.pk})
    assert "Reads every night." in officer.get(officer_url).text
    with authority_scope(ours.las.kent):
        funding = PupilPremiumPlus.objects.get()
    decide = reverse(
        "virtualschool:funding_decide", kwargs={"la_code": 886, "funding_id": funding.pk}
    )
    assert officer.post(decide, {"decision": "approve"}).status_code == 302
    returned = reverse("virtualschool:pep_return", kwargs={"la_code": 886, "vs_pep_id": pep.pk})
    assert officer.post(returned, {"note": "Add a reading target."}).status_code == 302
    assert "Add a reading target." in dt.get(base).text
    rate = reverse("virtualschool:pep_rate", kwargs={"la_code": 886, "vs_pep_id": pep.pk})
    assert (
        officer.post(rate, {"quality": "good", "note": "Clear and ambitious."}).status_code == 302
    )
    with authority_scope(ours.las.kent):
        pep.refresh_from_db()
        funding.refresh_from_db()
    assert (pep.state, pep.quality) == (PepState.APPROVED, "good")
    assert funding.state == "approved" and funding.amount == Decimal("350.00")
    # Rated, the PEP is locked; the impact of the money is still recorded.
    assert dt.post(base + "section/school/", {"school-text": "x"}).status_code == 400
    assert dt.post(base + "impact/", {"impact": "Joined the play."}).status_code == 302

    # The PEP now counts as held this term for the child.
    from attune.virtualschool.our_children import our_children

    with authority_scope(ours.las.kent):
        [row] = our_children(timezone.localdate(), only=leo.pk)
    assert row.pep == "held"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    for action in (
        Action.VS_PARTNER_INVITED,
        Action.VS_PEP_SECTION_WRITTEN,
        Action.VS_PEP_MEETING_RECORDED,
        Action.VS_PP_REQUESTED,
        Action.VS_PP_DECIDED,
        Action.VS_PEP_RETURNED,
        Action.VS_PEP_RATED,
        Action.VS_PP_IMPACT,
    ):
        assert action.value in actions, action
    # The words are the child's record, not the log's: digests only.
    written = AuditEvent.objects.filter(action=Action.VS_PEP_SECTION_WRITTEN.value)
    assert not any("Settled placement" in str(e.changes) for e in written)


def test_partners_see_only_their_childs_pep(
    world: SchoolWorld, ours: OurChildren, smtp_inbox: Inbox, signed_in: SignedIn
) -> None:
    leo, kieran = ours.at_attune, ours.not_on_attune
    leo_pep, kieran_pep = start(ours, leo), start(ours, kieran)
    carer = invite(ours, leo, Partner.CARER)
    kieran_child = invite(ours, kieran, Partner.CHILD, email="kieran@example.org")
    client = signed_in_by_link(smtp_inbox, "carer@example.org")
    own = reverse("partner:pep_term", kwargs={"partner_id": carer.pk, "vs_pep_id": leo_pep.pk})
    assert client.get(own).status_code == 200
    attacks = [
        # Someone else's invitation.
        reverse("partner:pep", kwargs={"partner_id": kieran_child.pk}),
        # Another child's PEP through one's own invitation.
        reverse("partner:pep_term", kwargs={"partner_id": carer.pk, "vs_pep_id": kieran_pep.pk}),
        # The officer's pages, the school's pages, the child's school record.
        reverse("virtualschool:our_pep", kwargs={"la_code": 886, "vs_pep_id": leo_pep.pk}),
        reverse("virtualschool:our_child", kwargs={"la_code": 886, "child_id": leo.pk}),
        reverse("children:school_home", kwargs={"urn": world.school.urn}),
        reverse(
            "children:pupil",
            kwargs={"urn": world.school.urn, "pupil_id": world.looked_after_child.pk},
        ),
    ]
    for url in attacks:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Kieran" not in response.text
    for url in (
        reverse(
            "partner:section",
            kwargs={"partner_id": carer.pk, "vs_pep_id": kieran_pep.pk, "section": "home"},
        ),
        reverse(
            "partner:section",
            kwargs={"partner_id": kieran_child.pk, "vs_pep_id": kieran_pep.pk, "section": "child"},
        ),
    ):
        assert client.post(url, {"home-text": "x", "child-text": "x"}).status_code == 404
    with authority_scope(ours.las.kent):
        assert not PartnerPep.objects.get(pk=kieran_pep.pk).sections.exists()


def test_a_partner_taken_off_is_refused_at_once(
    world: SchoolWorld, ours: OurChildren, smtp_inbox: Inbox, signed_in: SignedIn
) -> None:
    leo = ours.at_attune
    start(ours, leo)
    carer = invite(ours, leo, Partner.CARER)
    client = signed_in_by_link(smtp_inbox, "carer@example.org")
    assert client.get(pep_url(carer)).status_code == 200
    officer = signed_in(ours.las.kent_officer)
    remove = reverse(
        "virtualschool:partner_remove",
        kwargs={"la_code": 886, "child_id": leo.pk, "partner_id": carer.pk},
    )
    assert officer.post(remove).status_code == 302
    assert client.get(pep_url(carer)).status_code == 404


def test_a_new_email_on_the_list_takes_the_old_partner_off(
    world: SchoolWorld, ours: OurChildren, smtp_inbox: Inbox
) -> None:
    from attune.virtualschool.tests.helpers import import_roster

    leo = ours.at_attune
    carer = invite(ours, leo, Partner.CARER)
    import_roster(
        ours.las.kent,
        {
            "child_id": "K-LEO",
            "upn": leo.upn,
            "school_urn": world.school.urn,
            "school_name": world.school.name,
            "legal_forename": "Leo",
            "legal_surname": "Brennan",
            "date_of_birth": "2014-06-21",
            "looked_after_from": "2024-09-01",
            "carer_email": "new.carer@example.org",
            "designated_teacher_email": "dt@hollybrook.example",
            "social_worker_email": "sw@kent.example",
        },
        today=timezone.localdate(),
    )
    with authority_scope(ours.las.kent):
        assert PepPartner.objects.get(pk=carer.pk).revoked_at is not None


def test_the_child_writes_their_own_words_and_nothing_else(
    world: SchoolWorld, ours: OurChildren, smtp_inbox: Inbox
) -> None:
    kieran = ours.not_on_attune
    pep = start(ours, kieran)
    me = invite(ours, kieran, Partner.CHILD, email="kieran@example.org")
    with authority_scope(ours.las.kent):
        peps.pep_section_write(
            actor=me.user, pep=pep, partner=me, section=PepSection.CHILD, text="I want to draw."
        )
        with pytest.raises(peps.PepError) as refused:
            peps.pep_section_write(
                actor=me.user, pep=pep, partner=me, section=PepSection.SCHOOL, text="x"
            )
    assert refused.value.code == "pep.not_your_section"


def test_another_authority_cannot_reach_kents_peps(
    world: SchoolWorld, ours: OurChildren, signed_in: SignedIn
) -> None:
    pep = start(ours, ours.at_attune)
    medway = signed_in(ours.las.medway_head)
    for la in (886, 887):
        for name, kwargs in [
            ("virtualschool:our_pep", {"vs_pep_id": pep.pk}),
            ("virtualschool:pep_rate", {"vs_pep_id": pep.pk}),
            ("virtualschool:pep_start", {"child_id": ours.at_attune.pk}),
            ("virtualschool:invite", {"child_id": ours.at_attune.pk}),
        ]:
            url = reverse(name, kwargs={"la_code": la, **kwargs})
            assert medway.get(url).status_code in (404, 405)
            assert medway.post(url, {"quality": "good", "kind": "carer"}).status_code == 404


def test_a_pep_cannot_be_started_twice_a_term(world: SchoolWorld, ours: OurChildren) -> None:
    start(ours, ours.at_attune)
    with pytest.raises(peps.PepError) as twice:
        start(ours, ours.at_attune)
    assert twice.value.code == "pep.term_taken"
