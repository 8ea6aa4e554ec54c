"""The demo keeps two-factor on: demo sign-ins share a published app key and a code command."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from attune import testing
from attune.accounts.demo import demo_code_now, demo_totp_secret, demo_two_factor_enrol
from attune.testing import SchoolWorld

pytestmark = pytest.mark.django_db


def test_demo_users_who_need_it_sign_in_with_the_demo_code(
    world: SchoolWorld, client: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    enrolled = demo_two_factor_enrol([world.lead.email, world.teacher.email])
    assert enrolled == [world.lead.email]
    client.post(
        reverse("accounts:login"), {"username": world.lead.email, "password": testing.PASSWORD}
    )
    call_command("demo_code")
    printed = capsys.readouterr().out
    assert demo_totp_secret() in printed
    code = printed.split()[0]
    assert code == demo_code_now()
    assert client.post(reverse("accounts:two_factor"), {"code": code}).status_code == 302
    home = reverse("children:school_home", kwargs={"urn": world.school.urn})
    assert client.get(home).status_code == 200


def test_the_demo_code_is_refused_in_production(settings: object) -> None:
    settings.PRODUCTION = True  # type: ignore[attr-defined]
    with pytest.raises(CommandError):
        call_command("demo_code")
