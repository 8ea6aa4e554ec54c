"""Password spraying: many emails from one address pause that address, not everyone."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from attune import testing
from attune.testing import SchoolWorld

pytestmark = pytest.mark.django_db

SPRAYER = "203.0.113.66"


def attempt(client: Client, email: str, password: str, address: str) -> int:
    response = client.post(
        reverse("accounts:login"),
        {"username": email, "password": password},
        REMOTE_ADDR=address,
    )
    return response.status_code


def test_one_password_tried_on_30_emails_from_one_address_is_stopped(
    world: SchoolWorld, client: Client, settings: object
) -> None:
    statuses = [
        attempt(client, f"staff{n}@{world.school.urn}.attune.test", "Summer2026!", SPRAYER)
        for n in range(30)
    ]
    # Each email fails only once, so the per-email pause never trips; the address limit does.
    assert statuses[:19] == [200] * 19
    assert set(statuses[19:]) == {429}
    # Even the right password for a real account is refused from that address for now.
    assert attempt(Client(), world.teacher.email, testing.PASSWORD, SPRAYER) == 429
    # Staff elsewhere (a different address) sign in as normal.
    assert attempt(Client(), world.teacher.email, testing.PASSWORD, "198.51.100.20") == 302


def test_a_few_mistakes_from_a_shared_school_address_lock_nobody_else_out(
    world: SchoolWorld,
) -> None:
    shared = "192.0.2.44"
    for n in range(4):
        assert attempt(Client(), world.office.email, f"wrong-{n}", shared) == 200
    for n in range(4):
        assert attempt(Client(), world.lead.email, f"oops-{n}", shared) == 200
    assert attempt(Client(), world.teacher.email, testing.PASSWORD, shared) == 302
