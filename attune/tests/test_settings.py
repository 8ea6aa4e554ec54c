"""Settings come from the environment, and production refuses what is only safe for the demo."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

LONG_KEY = "k" * 50


def load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    """Import the settings in a fresh interpreter with exactly these ATTUNE-relevant values."""
    ours = {"SECRET_KEY", "DEBUG", "ATTUNE_ENV", "DATABASE_URL", "ATTUNE_AUDIT_KEY"}
    clean = {k: v for k, v in os.environ.items() if k not in ours}
    code = (
        "import attune.settings as s; "
        "print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.SESSION_COOKIE_SECURE)"
    )
    return subprocess.run(  # noqa: S603 - our own interpreter and a fixed snippet
        [sys.executable, "-c", code], env=clean | env, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({}, "production refuses the demo key"),
        ({"SECRET_KEY": "too-short"}, "production refuses the demo key"),
        ({"SECRET_KEY": LONG_KEY, "DEBUG": "true"}, "DEBUG must be off"),
        ({"SECRET_KEY": LONG_KEY}, "Set ATTUNE_AUDIT_KEY"),
        ({"SECRET_KEY": LONG_KEY, "ATTUNE_AUDIT_KEY": "short"}, "Set ATTUNE_AUDIT_KEY"),
    ],
)
def test_production_refuses_demo_secrets_and_debug(env: dict[str, str], complaint: str) -> None:
    result = load_settings(ATTUNE_ENV="production", **env)
    assert result.returncode != 0
    assert complaint in result.stderr


def test_production_with_a_real_key_starts_secure() -> None:
    result = load_settings(ATTUNE_ENV="production", SECRET_KEY=LONG_KEY, ATTUNE_AUDIT_KEY="a" * 48)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "django.db.backends.sqlite3", "True"]


def test_database_url_selects_postgresql() -> None:
    result = load_settings(DATABASE_URL="postgres://attune@db.example:5432/attune")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[1] == "django.db.backends.postgresql"
