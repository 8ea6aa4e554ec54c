"""Two-factor sign-in: who needs it, setting it up, codes, recovery codes, and the one gate."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from attune import testing
from attune.accounts.models import User
from attune.accounts.roles import Role, role_needs_two_factor
from attune.accounts.testing import current_code, enrol_two_factor
from attune.auditlog.actions import Action
from attune.auditlog.models import AuditEvent
from attune.testing import SchoolWorld, SignedIn

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "needed"),
    [
        (Role.ATTACHMENT_LEAD, True),
        (Role.HEADTEACHER, True),
        (Role.ADMINISTRATOR, True),
        (Role.VIRTUAL_SCHOOL, True),
        (Role.KEY_ADULT, True),
        (Role.TEACHER, False),
        (Role.OFFICE, False),
    ],
)
def test_roles_that_read_sensitive_notes_or_the_audit_trail_need_two_factor(
    role: Role, needed: bool
) -> None:
    assert role_needs_two_factor(role) is needed


def password_sign_in(client: Client, user: User) -> str:
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": testing.PASSWORD}
    )
    assert response.status_code == 302, response.text
    return str(response["Location"])


def home_url(world: SchoolWorld) -> str:
    return reverse("children:school_home", kwargs={"urn": world.school.urn})


def test_a_password_alone_does_not_open_a_leads_school_pages(
    world: SchoolWorld, client: Client
) -> None:
    after = password_sign_in(client, world.lead)
    assert after.startswith(reverse("accounts:two_factor"))
    response = client.get(home_url(world))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor") + "?next=")
    # With no app yet, the code page sends them to set one up, keeping where they were going.
    setup = client.get(response["Location"])
    assert setup["Location"].startswith(reverse("accounts:two_factor_setup") + "?next=")


def test_htmx_requests_are_redirected_the_htmx_way(world: SchoolWorld, client: Client) -> None:
    password_sign_in(client, world.lead)
    response = client.get(home_url(world), headers={"HX-Request": "true"})
    assert response["HX-Redirect"].startswith(reverse("accounts:two_factor"))


def test_a_teacher_signs_in_with_a_password_alone(world: SchoolWorld, client: Client) -> None:
    assert password_sign_in(client, world.teacher) == reverse("home")
    assert client.get(home_url(world)).status_code == 200


def test_setting_up_an_app_shows_a_qr_code_then_recovery_codes(
    world: SchoolWorld, client: Client
) -> None:
    password_sign_in(client, world.lead)
    setup_url = reverse("accounts:two_factor_setup") + "?next=" + home_url(world)
    page = client.get(setup_url)
    assert page.status_code == 200
    assert "<svg" in page.text and 'aria-label="QR code' in page.text
    device = TOTPDevice.objects.get(user=world.lead, confirmed=False)

    wrong = client.post(setup_url, {"code": "000000" if current_code(device) != "000000" else "1"})
    assert "That code did not match" in wrong.text
    assert not TOTPDevice.objects.filter(user=world.lead, confirmed=True).exists()

    device.refresh_from_db()
    device.throttling_failure_count = 0  # skip django-otp's wait after the wrong code
    device.throttling_failure_timestamp = None
    device.save()
    done = client.post(setup_url, {"code": current_code(device)})
    assert done.status_code == 200
    assert "Your recovery codes" in done.text
    assert done["Cache-Control"] == "no-store"
    codes = StaticToken.objects.filter(device__user=world.lead)
    assert codes.count() == 10
    assert all(code.token in done.text for code in codes)
    assert client.get(home_url(world)).status_code == 200
    assert AuditEvent.objects.filter(action=Action.TWO_FACTOR_ENABLED).count() == 1


def test_a_code_from_the_app_opens_the_school_and_a_wrong_one_explains(
    world: SchoolWorld, client: Client
) -> None:
    device = enrol_two_factor(world.lead)
    password_sign_in(client, world.lead)
    url = reverse("accounts:two_factor") + "?next=" + home_url(world)
    wrong = client.post(url, {"code": "12345x"})
    assert wrong.status_code == 200
    assert "That code did not work" in wrong.text
    assert 'aria-describedby="id_code_helptext id_code_error"' in wrong.text
    # django-otp slows guessing down: straight after a wrong code even the right one waits.
    assert "That code did not work" in client.post(url, {"code": current_code(device)}).text
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    response = client.post(url, {"code": current_code(device)})
    assert response.status_code == 302
    assert response["Location"] == home_url(world)
    assert client.get(home_url(world)).status_code == 200


def test_a_recovery_code_works_once(world: SchoolWorld, client: Client) -> None:
    enrol_two_factor(world.head)
    from attune.accounts.two_factor import _new_recovery_codes

    code = _new_recovery_codes(world.head)[0]
    password_sign_in(client, world.head)
    assert client.post(reverse("accounts:two_factor"), {"code": code}).status_code == 302
    assert client.get(home_url(world)).status_code == 200
    other = Client()
    password_sign_in(other, world.head)
    reused = other.post(reverse("accounts:two_factor"), {"code": code})
    assert "That code did not work" in reused.text


def test_replacing_the_app_needs_the_current_code_first(world: SchoolWorld, client: Client) -> None:
    enrol_two_factor(world.lead)
    password_sign_in(client, world.lead)
    response = client.get(reverse("accounts:two_factor_setup"))
    assert response["Location"].startswith(reverse("accounts:two_factor"))
    assert not TOTPDevice.objects.filter(user=world.lead, confirmed=False).exists()


def test_new_recovery_codes_replace_the_old_ones(world: SchoolWorld, signed_in: SignedIn) -> None:
    from attune.accounts.two_factor import _new_recovery_codes

    old = set(_new_recovery_codes(world.lead))
    client = signed_in(world.lead)
    response = client.post(reverse("accounts:recovery_codes"))
    assert response.status_code == 200
    new = set(StaticToken.objects.filter(device__user=world.lead).values_list("token", flat=True))
    assert len(new) == 10 and not new & old
    assert AuditEvent.objects.filter(action=Action.RECOVERY_CODES_REPLACED).count() == 1


def test_new_recovery_codes_need_a_verified_session(world: SchoolWorld, client: Client) -> None:
    enrol_two_factor(world.lead)
    password_sign_in(client, world.lead)
    response = client.post(reverse("accounts:recovery_codes"))
    assert response["Location"].startswith(reverse("accounts:two_factor"))


def test_the_sign_in_settings_page_describes_each_state(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    assert (
        "Two-factor sign-in is on" in signed_in(world.lead).get(reverse("accounts:security")).text
    )
    teacher_page = signed_in(world.teacher).get(reverse("accounts:security"))
    assert "Your role does not need it" in teacher_page.text


def test_a_lost_phone_is_reset_by_command_and_ends_sessions(
    world: SchoolWorld, signed_in: SignedIn
) -> None:
    from django.core.management import call_command

    client = signed_in(world.lead)
    call_command("two_factor_reset", world.lead.email.upper())
    assert not TOTPDevice.objects.filter(user=world.lead).exists()
    assert client.get(home_url(world)).status_code == 302
    password_sign_in(client, world.lead)
    setup = client.get(reverse("accounts:two_factor"))
    assert setup["Location"].startswith(reverse("accounts:two_factor_setup"))
    assert AuditEvent.objects.filter(action=Action.TWO_FACTOR_RESET).count() == 1
