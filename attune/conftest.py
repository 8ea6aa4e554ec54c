"""Fixtures shared by every Django test: two schools, each with its own cast."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from attune import testing
from attune.accounts.models import User


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Settings) -> None:
    """Real hashing is slow by design; tests need sign-in to work, not to resist attack."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db: None) -> testing.SchoolWorld:
    """Hollybrook Primary: the school most tests work in."""
    return testing.school_world()


@pytest.fixture
def other_world(db: None) -> testing.SchoolWorld:
    """Riverside Academy: a second school whose data must never leak into the first."""
    return testing.school_world("100009", "Riverside Academy")


@pytest.fixture
def signed_in(client: Client) -> Callable[[User], Client]:
    """``signed_in(user)`` returns the test client signed in as that user."""

    def sign_in(user: User) -> Client:
        client.force_login(user)
        return client

    return sign_in
