"""Fixtures shared by every Django test: two schools, each with its own cast.

Nothing here imports a model at module level, so the pure domain tests still run without
Django at all (``pytest -p no:django attune/*/tests/test_domain_*.py``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import settings as hypothesis_settings

# No per-example deadline: a loaded CI machine is not a failing rule, and speed is measured in
# benchmarks/, never asserted in tests.
hypothesis_settings.register_profile("attune", deadline=None)
hypothesis_settings.load_profile("attune")

if TYPE_CHECKING:
    from django.test import Client

    from attune.accounts.models import User
    from attune.checkins.testing import Inbox
    from attune.testing import SchoolWorld


@pytest.fixture(autouse=True)
def _fast_passwords(request: pytest.FixtureRequest) -> None:
    """Real hashing is slow by design; tests need sign-in to work, not to resist attack."""
    if request.config.pluginmanager.has_plugin("django"):
        settings = request.getfixturevalue("settings")
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True, scope="session")
def _no_statistics_after_requests(request: pytest.FixtureRequest) -> None:
    """SQLite's planner statistics are gathered after a request, once in ten minutes a
    process (``attune/sqlite_stats.py``): in a test worker the first request would do it,
    a hundred queries inside whichever test counts that request's queries. Tests of small
    rows need no statistics; ``test_sqlite_stats.py`` turns it back on for itself."""
    if request.config.pluginmanager.has_plugin("django"):
        from attune import sqlite_stats

        sqlite_stats.next_run = math.inf


@pytest.fixture(autouse=True)
def _empty_cache(request: pytest.FixtureRequest) -> Iterator[None]:
    """Figures kept in the cache (``virtualschool/kept.py``) must not outlive the test that
    worked them out: the next test's rows can have the same ids."""
    if not request.config.pluginmanager.has_plugin("django"):
        yield
        return
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def checkpoint_dir(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """Each test keeps the audit record's checkpoints in its own folder, never the
    developer's data folder (``attune/auditlog/checkpoints.py``)."""
    folder = tmp_path / "audit-checkpoints"
    if request.config.pluginmanager.has_plugin("django"):
        request.getfixturevalue("settings").ATTUNE_AUDIT_CHECKPOINT_DIR = folder
    return folder


@pytest.fixture
def world(db: None) -> SchoolWorld:
    """Hollybrook Primary: the school most tests work in."""
    from attune.testing import school_world

    return school_world()


@pytest.fixture
def other_world(db: None) -> SchoolWorld:
    """Riverside Academy: a second school whose data must never leak into the first."""
    from attune.testing import school_world

    return school_world("100009", "Riverside Academy")


@pytest.fixture
def in_school(world: SchoolWorld) -> Iterator[None]:
    """Run the whole test inside ``world``'s school scope (for service and selector tests)."""
    from attune.tenancy import school_scope

    with school_scope(world.school):
        yield


@pytest.fixture
def signed_in(client: Client) -> Callable[[User], Client]:
    """``signed_in(user)`` returns the test client signed in as that user, fully: with the
    second factor passed too when the user's role needs it, and the session's clocks started.
    """
    from attune.accounts.testing import sign_in_fully

    def sign_in(user: User) -> Client:
        return sign_in_fully(client, user)

    return sign_in


@pytest.fixture
def smtp_inbox(settings: Any) -> Iterator[Inbox]:
    """A real SMTP server on a free local port, with Attune's mailer pointed at it."""
    from aiosmtpd.controller import Controller

    from attune.checkins.testing import Inbox, free_port, point_mail_at

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    point_mail_at(settings, controller.port)
    try:
        yield inbox
    finally:
        controller.stop()
