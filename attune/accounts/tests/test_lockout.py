"""Too many wrong passwords pause signing in (django-axes); the pause lifts on its own."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attune import testing
from attune.testing import SchoolWorld

pytestmark = pytest.mark.django_db


def attempt(client: Client, email: str, password: str, address: str = "192.0.2.10") -> int:
    response = client.post(
        reverse("accounts:login"),
        {"username": email, "password": password},
        REMOTE_ADDR=address,
    )
    return response.status_code


def test_a_burst_of_wrong_passwords_pauses_sign_in_then_the_pause_lifts(
    world: SchoolWorld, client: Client, settings: object
) -> None:
    email = world.teacher.email
    statuses = [attempt(client, email, f"wrong-guess-{n}") for n in range(20)]
    assert statuses[:4] == [200] * 4  # "did not match", try again
    assert set(statuses[4:]) == {429}  # the fifth failure locks; the burst stays locked

    locked = client.post(
        reverse("accounts:login"),
        {"username": email, "password": testing.PASSWORD},
        REMOTE_ADDR="192.0.2.10",
    )
    assert locked.status_code == 429
    assert "Signing in is paused for now" in locked.text
    assert "for 15 minutes" in locked.text
    assert "_auth_user_id" not in client.session

    # Someone else at another address is not locked out by this burst.
    assert attempt(Client(), email, testing.PASSWORD, address="198.51.100.7") == 302

    # Fifteen minutes later the pause has lifted.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert attempt(client, email, testing.PASSWORD) == 302
    assert client.session["_auth_user_id"] == str(world.teacher.pk)


def test_a_success_clears_earlier_failures(world: SchoolWorld, client: Client) -> None:
    email = world.teacher.email
    for n in range(4):
        attempt(client, email, f"wrong-{n}")
    assert attempt(client, email, testing.PASSWORD) == 302
    client.logout()
    for n in range(4):
        assert attempt(client, email, f"wrong-again-{n}") == 200
