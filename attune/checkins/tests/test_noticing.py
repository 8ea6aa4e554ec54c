"""Positive noticing from Today, how good news goes home, and keeping in touch with an absent
child: the pages, their checks, who may use them, and the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from attune import testing
from attune.accounts.roles import Role
from attune.attendance.models import SessionMark
from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.checkins.models import (
    EmailHome,
    FamilySharing,
    KeepInTouchContact,
    KeepInTouchRoutine,
    Noticing,
)
from attune.checkins.testing import share_by_email
from attune.checkins.tests.conftest import make_relationship
from attune.relationships.models import KeyAdultRelationship
from attune.tenancy import school_scope
from attune.testing import SchoolUrls, SchoolWorld, SignedIn

pytestmark = pytest.mark.django_db

url = SchoolUrls("checkins")


def sharing_data(**overrides: str) -> dict[str, str]:
    return {
        "channel": "email",
        "home_name": "Ms Fletcher",
        "email": "fletcher.home@example.test",
        "phone": "",
        "consent_given_by": "Mum, at the review meeting",
        "consent_given_on": (timezone.localdate() - timedelta(days=3)).isoformat(),
        "child_view": "Email is fine, Mum reads it at tea time.",
    } | overrides


def noticing_data(world: SchoolWorld, **overrides: str) -> dict[str, str]:
    return {
        "pupil": str(world.child.pk),
        "on": timezone.localdate().isoformat(),
        "child_in_school": "yes",
        "proud_of": "Reading her poem to the class.",
        "noticed": "She helped a new girl find the lunch hall.",
        "shared_by": "child_tells",
        "phone_outcome": "",
        "share_note": "",
    } | overrides


def in_scope(world: SchoolWorld, query: Callable[[], Any]) -> Any:
    with school_scope(world.school):
        return query()


@pytest.fixture
def relationship(world: SchoolWorld) -> KeyAdultRelationship:
    return make_relationship(world)


# ---------------------------------------------------------------------------------------------
# How good news goes home


def test_the_key_adult_records_how_good_news_goes_home(
    world: SchoolWorld, relationship: KeyAdultRelationship, signed_in: SignedIn
) -> None:
    client = signed_in(world.key_adult_user)

    response = client.post(url(world, "sharing", pupil_id=world.child.pk), sharing_data())

    assert response.status_code == 302
    saved = in_scope(world, lambda: FamilySharing.objects.get(pupil=world.child))
    assert (saved.channel, saved.email, saved.consent_given_by) == (
        "email",
        "fletcher.home@example.test",
        "Mum, at the review meeting",
    )
    event = in_scope(world, lambda: AuditEvent.objects.get(action=Action.SHARING_HOME_SET))
    assert event.pupil_id == world.child.pk
    assert "fletcher.home@example.test" not in str(event.changes)  # no address in the trail
    page = client.get(
        reverse("children:pupil", kwargs={"urn": world.school.urn, "pupil_id": world.child.pk})
    )
    assert "Good news goes home by <strong>email</strong>" in page.text
    assert "Email is fine, Mum reads it at tea time." in page.text


@pytest.mark.parametrize(
    ("overrides", "code_text", "field"),
    [
        ({"email": ""}, "Give the email address the family asked us to use.", "email"),
        (
            {"consent_given_on": "", "consent_given_by": ""},
            "Email needs the family&#x27;s consent first",
            "consent_given_on",
        ),
        ({"consent_given_by": ""}, "Say who gave consent", "consent_given_by"),
        (
            {"consent_given_on": (timezone.localdate() + timedelta(days=2)).isoformat()},
            "Consent cannot be dated in the future.",
            "consent_given_on",
        ),
    ],
)
def test_email_without_an_address_or_consent_is_refused_and_nothing_typed_is_lost(
    world: SchoolWorld,
    relationship: KeyAdultRelationship,
    signed_in: SignedIn,
    overrides: dict[str, str],
    code_text: str,
    field: str,
) -> None:
    client = signed_in(world.key_adult_user)

    response = client.post(
        url(world, "sharing", pupil_id=world.child.pk), sharing_data(**overrides)
    )

    assert response.status_code == 200
    assert code_text in response.text
    assert f'id="id_{field}_error"' in response.text
    assert "Email is fine, Mum reads it at tea time." in response.text  # kept
    assert 'value="Ms Fletcher"' in response.text
    assert not in_scope(world, lambda: FamilySharing.objects.exists())


def test_the_co_worker_and_a_teacher_cannot_change_it_and_the_lead_can(
    world: SchoolWorld, relationship: KeyAdultRelationship, signed_in: SignedIn
) -> None:
    co_worker = testing.user(world.school, Role.KEY_ADULT, person=world.other_adult)
    target = url(world, "sharing", pupil_id=world.child.pk)

    assert signed_in(co_worker).get(target).status_code == 404
    assert signed_in(world.teacher).post(target, sharing_data()).status_code == 404
    assert signed_in(world.lead).post(target, sharing_data(channel="phone")).status_code == 302
    assert in_scope(world, lambda: FamilySharing.objects.get().channel) == "phone"


def test_another_school_gets_404_for_the_family_pages(
    world: SchoolWorld, other_world: SchoolWorld, signed_in: SignedIn
) -> None:
    client = signed_in(other_world.lead)
    for name in ("sharing", "keeping_in_touch"):
        theirs = reverse(
            f"checkins:{name}", kwargs={"urn": other_world.school.urn, "pupil_id": world.child.pk}
        )
        assert client.get(theirs).status_code == 404
        assert client.post(theirs, sharing_data()).status_code == 404


# ---------------------------------------------------------------------------------------------
# Noticing


def test_from_today_one_tap_opens_noticing_for_the_child_with_the_family_s_choice(
    world: SchoolWorld, relationship: KeyAdultRelationship, signed_in: SignedIn
) -> None:
    share_by_email(world, channel="child_tells")
    client = signed_in(world.key_adult_user)

    today = client.get(url(world, "today")).text
    link = f"{url(world, 'noticing')}?pupil={world.child.pk}"
    assert f'href="{link}"' in today
    page = client.get(link)

    assert page.status_code == 200
    assert f'<option value="{world.child.pk}" selected>' in page.text
    assert 'value="child_tells" id="id_shared_by_2" checked' in page.text
    assert "The family asked for: <strong>The child tells them</strong>" in page.text


def test_two_positives_are_saved_and_audited_and_today_shows_them(
    world: SchoolWorld, relationship: KeyAdultRelationship, signed_in: SignedIn
) -> None:
    client = signed_in(world.key_adult_user)

    response = client.post(url(world, "noticing"), noticing_data(world))

    assert response.status_code == 302
    assert response["Location"].endswith(f"#child-{relationship.pk}")
    saved = in_scope(world, lambda: Noticing.objects.get())
    assert (saved.proud_of, saved.noticed, saved.shared_by) == (
        "Reading her poem to the class.",
        "She helped a new girl find the lunch hall.",
        "child_tells",
    )
    assert (saved.recorded_by_staff, saved.relationship) == (world.key_adult, relationship)
    event = in_scope(world, lambda: AuditEvent.objects.get(action=Action.NOTICING_RECORDED))
    assert event.changes["shared_by"] == "child_tells"
    page = client.get(response["Location"])
    assert "Maya will tell them at home." in page.text
    assert "Noticed once on this day" in page.text


def test_a_phone_call_needs_its_outcome(
    world: SchoolWorld, relationship: KeyAdultRelationship, signed_in: SignedIn
) -> None:
    client = signed_in(world.key_adult_user)

    refused = client.post(url(world, "noticing"), noticing_data(world, shared_by="phone"))
    saved = client.post(
        url(world, "noticing"),
        noticing_data(world, shared_by="phone", phone_outcome="spoke", share_note="Dad beamed."),
    )

    assert "Say how the phone call went." in refused.text
    assert 'id="id_phone_outcome_error"' in refused.text
    assert saved.status_code == 302
    noticing = in_scope(world, lambda: Noticing.objects.get())
    assert (noticing.phone_outcome, noticing.share_note) == ("spoke", "Dad beamed.")


def test_on_an_absent_day_effort_is_noticed(
    world: SchoolWorld, relationship: KeyAdultRelationship, signed_in: SignedIn
) -> None:
    client = signed_in(world.key_adult_user)
    data = noticing_data(
        world,
        child_in_school="no",
        proud_of="Sent in her spelling practice by email.",
        noticed="She answered my call and told me about her day.",
    )

    assert client.post(url(world, "noticing"), data).status_code == 302
    assert in_scope(world, lambda: Noticing.objects.get().child_in_school) is False


@pytest.mark.parametrize(
    ("overrides", "message", "field"),
    [
        (
            {"on": (timezone.localdate() + timedelta(days=1)).isoformat()},
            "the date cannot be in the future",
            "on",
        ),
        ({"shared_by": "email"}, "There is no email address for this family yet.", "shared_by"),
        ({"proud_of": ""}, "This field is required.", "proud_of"),
    ],
)
def test_bad_noticing_gets_a_clear_message_and_keeps_what_was_typed(
    world: SchoolWorld,
    relationship: KeyAdultRelationship,
    signed_in: SignedIn,
    overrides: dict[str, str],
    message: str,
    field: str,
) -> None:
    client = signed_in(world.key_adult_user)

    response = client.post(url(world, "noticing"), noticing_data(world, **overrides))

    assert response.status_code == 200
    assert message in response.text
    assert f'id="id_{field}_error"' in response.text
    assert "She helped a new girl find the lunch hall." in response.text
    assert not in_scope(world, lambda: Noticing.objects.exists())


def test_email_without_consent_is_refused_for_noticing(
    world: SchoolWorld, relationship: KeyAdultRelationship, signed_in: SignedIn
) -> None:
    share_by_email(world, channel="phone", consent_given_on=None, consent_given_by="")
    client = signed_in(world.key_adult_user)

    response = client.post(url(world, "noticing"), noticing_data(world, shared_by="email"))

    assert "The family has not agreed to email yet" in response.text
    assert not in_scope(world, lambda: Noticing.objects.exists())


def test_noticing_for_a_child_who_is_not_yours_is_refused_with_a_message(
    world: SchoolWorld,
    other_world: SchoolWorld,
    relationship: KeyAdultRelationship,
    signed_in: SignedIn,
) -> None:
    make_relationship(
        world, pupil=world.looked_after_child, key_adult=world.other_adult, co_worker=None
    )
    client = signed_in(world.key_adult_user)

    for pupil in (world.looked_after_child, other_world.child):
        response = client.post(url(world, "noticing"), noticing_data(world, pupil=str(pupil.pk)))
        assert "only record noticing for children you are key adult or co-worker for" in (
            response.text
        )
        assert 'id="id_pupil_error"' in response.text
        assert "Reading her poem to the class." in response.text
    assert not in_scope(world, lambda: Noticing.objects.exists())


def test_email_noticing_queues_one_message_home(
    world: SchoolWorld, relationship: KeyAdultRelationship, signed_in: SignedIn
) -> None:
    share_by_email(world, home_name="Ms Fletcher")
    client = signed_in(world.key_adult_user)

    client.post(url(world, "noticing"), noticing_data(world, shared_by="email"))

    email = in_scope(world, lambda: EmailHome.objects.get())
    assert (email.to, email.status, email.attempts) == ("fletcher.home@example.test", "queued", 0)
    assert email.subject == "Good news about Maya from Hollybrook Primary School"
    assert email.body.startswith("Hello Ms Fletcher,\n\nTwo good things from Maya's day today.")
    assert "Reading her poem to the class." in email.body
    assert "What Priya noticed:" in email.body


def test_roles_without_check_ins_cannot_notice(world: SchoolWorld, signed_in: SignedIn) -> None:
    for role in (Role.VIRTUAL_SCHOOL, Role.ADMINISTRATOR):
        client = signed_in(testing.user(world.school, role))
        assert client.get(url(world, "noticing")).status_code == 403


# ---------------------------------------------------------------------------------------------
# Keeping in touch


def absent_today(world: SchoolWorld, pupil: Any, code: str = "I") -> None:
    with school_scope(world.school):
        SessionMark.objects.create(
            school=world.school,
            pupil=pupil,
            date=timezone.localdate(),
            session="AM",
            code=code,
            original_code=code,
        )


def test_the_routine_is_set_and_its_adult_sees_the_absent_child_on_today(
    world: SchoolWorld, relationship: KeyAdultRelationship, signed_in: SignedIn
) -> None:
    lead = signed_in(world.lead)
    response = lead.post(
        url(world, "keeping_in_touch", pupil_id=world.child.pk),
        {
            "form": "routine",
            "routine-staff": str(world.other_adult.pk),
            "routine-at": "09:30",
            "routine-by": "phone",
            "routine-with_whom": "Maya, then Mum",
            "routine-notes": "",
        },
    )
    assert response.status_code == 302
    routine = in_scope(world, lambda: KeepInTouchRoutine.objects.get())
    assert (routine.staff, routine.at) == (world.other_adult, time(9, 30))
    absent_today(world, world.child)
    tom = signed_in(testing.user(world.school, Role.TEACHER, person=world.other_adult))

    today = tom.get(url(world, "today"))

    assert "Keeping in touch today" in today.text
    assert "09:30 by phone call, with Maya, then Mum." in today.text
    assert (
        in_scope(world, lambda: AuditEvent.objects.filter(action=Action.KEEP_IN_TOUCH_SET).count())
        == 1
    )


def test_a_contact_is_logged_from_today_with_what_was_agreed(
    world: SchoolWorld, relationship: KeyAdultRelationship, signed_in: SignedIn
) -> None:
    with school_scope(world.school):
        KeepInTouchRoutine.objects.create(
            school=world.school, pupil=world.child, staff=world.key_adult, at=time(9, 30)
        )
    absent_today(world, world.child)
    client = signed_in(world.key_adult_user)

    response = client.post(
        url(world, "keeping_in_touch", pupil_id=world.child.pk),
        {
            "form": "contact",
            "back": "today",
            "contact-on": timezone.localdate().isoformat(),
            "contact-by": "phone",
            "contact-outcome": "spoke_child",
            "contact-agreed": "She will try the first lesson tomorrow.",
        },
    )

    assert response.status_code == 302
    assert response["Location"].endswith(f"#touch-{world.child.pk}")
    contact = in_scope(world, lambda: KeepInTouchContact.objects.get())
    assert (contact.outcome, contact.agreed, contact.staff) == (
        "spoke_child",
        "She will try the first lesson tomorrow.",
        world.key_adult,
    )
    page = client.get(url(world, "today"))
    assert "Phone call: Spoke to the child · agreed: She will try the first lesson" in page.text
    assert (
        in_scope(
            world, lambda: AuditEvent.objects.filter(action=Action.KEEP_IN_TOUCH_LOGGED).count()
        )
        == 1
    )


def test_a_contact_in_the_future_is_refused(
    world: SchoolWorld, relationship: KeyAdultRelationship, signed_in: SignedIn
) -> None:
    client = signed_in(world.key_adult_user)
    response = client.post(
        url(world, "keeping_in_touch", pupil_id=world.child.pk),
        {
            "form": "contact",
            "contact-on": (timezone.localdate() + timedelta(days=1)).isoformat(),
            "contact-by": "text",
            "contact-outcome": "message_left",
            "contact-agreed": "Call back at four.",
        },
    )
    assert "cannot be logged for a day that has not happened yet" in response.text
    assert 'value="Call back at four."' in response.text
    assert not in_scope(world, lambda: KeepInTouchContact.objects.exists())


def test_only_leads_and_the_key_adult_set_the_routine_and_strangers_get_404(
    world: SchoolWorld, relationship: KeyAdultRelationship, signed_in: SignedIn
) -> None:
    target = url(world, "keeping_in_touch", pupil_id=world.child.pk)
    co_worker = signed_in(testing.user(world.school, Role.KEY_ADULT, person=world.other_adult))
    routine = {
        "form": "routine",
        "routine-staff": str(world.other_adult.pk),
        "routine-at": "09:00",
        "routine-by": "text",
    }

    assert co_worker.get(target).status_code == 200  # may log contacts
    assert co_worker.post(target, routine).status_code == 404
    assert signed_in(world.teacher).get(target).status_code == 404
    assert not in_scope(world, lambda: KeepInTouchRoutine.objects.exists())


# ---------------------------------------------------------------------------------------------
# Today: arrival from the register


def test_today_shows_who_is_in_who_is_absent_and_who_has_no_mark(
    world: SchoolWorld, relationship: KeyAdultRelationship, signed_in: SignedIn
) -> None:
    from attune.checkins.tests.conftest import make_plan

    make_plan(relationship)
    leo = make_relationship(world, pupil=world.looked_after_child, co_worker=None)
    make_plan(leo)
    third = testing.pupil(world.school, forename="Sam", surname="Adeyemi")
    make_relationship(world, pupil=third, co_worker=None)
    absent_today(world, world.child, "I")
    absent_today(world, world.looked_after_child, "/")
    client = signed_in(world.key_adult_user)

    text = client.get(url(world, "today")).text

    assert f'id="arrival-{relationship.pk}">Not in school<' in text
    assert f'id="arrival-{leo.pk}">In school<' in text
    assert "No register mark yet" in text
    if timezone.localdate().weekday() < 5:
        assert "The child is not in school today." in text  # so no check-ins are due for Maya
        assert text.count('name="slot" value="start"') == 1  # only Leo's


def test_the_afternoon_mark_counts_after_noon(
    world: SchoolWorld, relationship: KeyAdultRelationship
) -> None:
    from attune.checkins.selectors import arrivals_on

    day = date(2026, 11, 20)
    with school_scope(world.school):
        for session, code in (("AM", "/"), ("PM", "O")):
            SessionMark.objects.create(
                school=world.school,
                pupil=world.child,
                date=day,
                session=session,
                code=code,
                original_code=code,
            )
        morning = arrivals_on(day, [world.child.pk], afternoon=False)
        afternoon = arrivals_on(day, [world.child.pk], afternoon=True)
    assert (morning[world.child.pk].value, afternoon[world.child.pk].value) == (
        "in_school",
        "absent",
    )


# ---------------------------------------------------------------------------------------------
# Every page about the child logs a read of their record


@pytest.mark.parametrize(
    ("name", "who"),
    [
        ("sharing", "key_adult_user"),
        ("keeping_in_touch", "key_adult_user"),
        ("plan", "key_adult_user"),
        ("noticing", "key_adult_user"),
        ("messages_home", "lead"),
    ],
)
def test_each_page_about_the_child_logs_a_read_and_a_refusal_logs_none(
    world: SchoolWorld,
    relationship: KeyAdultRelationship,
    signed_in: SignedIn,
    name: str,
    who: str,
) -> None:
    share_by_email(world)
    client = signed_in(world.key_adult_user)
    client.post(url(world, "noticing"), noticing_data(world, shared_by="email"))
    reads = AuditEvent.objects.filter(action=Action.RECORD_VIEWED, pupil_id=world.child.pk)
    if name == "noticing":
        target = f"{url(world, 'noticing')}?pupil={world.child.pk}"
    elif name == "messages_home":
        target = url(world, name)
    else:
        target = url(world, name, pupil_id=world.child.pk)
        assert signed_in(world.teacher).get(target).status_code == 404
    assert not in_scope(world, reads.exists)

    assert signed_in(getattr(world, who)).get(target).status_code == 200

    [read] = in_scope(world, lambda: list(reads))
    assert read.actor_id == getattr(world, who).pk
