"""Headers and defaults: a strict Content Security Policy, framing refused, CSRF everywhere,
and Django's deployment checklist passing in production mode."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from attune.accounts.models import User
from attune.testing import SchoolWorld

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def test_every_page_sends_a_strict_content_security_policy(
    world: SchoolWorld, signed_in: Callable[[User], Client]
) -> None:
    response = signed_in(world.lead).get(reverse("children:pupils", kwargs={"urn": "100001"}))
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_sign_in_page_has_the_policy_too(client: Client) -> None:
    response = client.get(reverse("accounts:login"))
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert '"includeIndicatorStyles": false' in response.text


def test_a_post_without_the_csrf_token_is_refused(world: SchoolWorld) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> block"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "inline event handler"),
    (re.compile(r"\bhx-on\b|hx-vals\s*=\s*['\"]js:", re.I), "htmx evaluated script"),
]


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")), ids=str)
def test_no_template_needs_unsafe_inline(template: Path) -> None:
    text = template.read_text()
    found = [what for pattern, what in INLINE if pattern.search(text)]
    assert not found, f"{template.relative_to(TEMPLATES)}: {found}"


def production_env(tmp_path: Path) -> dict[str, str]:
    ours = {
        "SECRET_KEY",
        "DEBUG",
        "ATTUNE_ENV",
        "DATABASE_URL",
        "ALLOWED_HOSTS",
        "ATTUNE_AUDIT_KEY",
    }
    clean = {k: v for k, v in os.environ.items() if k not in ours}
    return clean | {
        "ATTUNE_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ATTUNE_AUDIT_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "attune.example.org",
        "ATTUNE_DATA_DIR": str(tmp_path),
    }


def test_django_deployment_checks_pass_in_production_mode(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "attune.cli", "check", "--deploy", "--fail-level", "WARNING"]
    result = subprocess.run(  # noqa: S603 - our own interpreter and fixed arguments
        command, env=production_env(tmp_path), capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_production_turns_on_hsts_and_secure_cookies(tmp_path: Path) -> None:
    code = (
        "import attune.settings as s; print(s.SECURE_HSTS_SECONDS >= 31536000, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT)"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed snippet
        [sys.executable, "-c", code],
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True"] * 4


def test_no_page_about_a_child_may_be_kept_by_the_browser(
    world: SchoolWorld, signed_in: Callable[[User], Client]
) -> None:
    """Every school page, export and partial (and the error pages) says ``no-store``, so a
    shared computer's browser keeps nothing to show the next person."""
    from attune.tests.test_attack_matrix import Target, urls_for

    client = signed_in(world.head)
    kept = []
    urls = [url for _, url in urls_for(Target(world, world.looked_after_child))]
    for url in [*urls, "/", "/accounts/login/", "/s/999999/pupils/", "/api/v1/docs"]:
        response = client.get(url)
        if response.get("Cache-Control") != "no-store":
            kept.append((url, response.status_code, response.get("Cache-Control")))
    assert len(urls) > 100
    assert not kept, kept
