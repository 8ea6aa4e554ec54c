"""The demo's families: a few children at the school and the nursery have a parent who can use
the family page, the first child's other parent is marked "no contact", and
``attune demo_family_link`` prints a working link for the first family (refused in production)."""

from __future__ import annotations

import re
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from attune.accounts import links
from attune.accounts.models import User
from attune.demo.generator import build_demo
from attune.families.demo import FIRST_FAMILY_EMAIL
from attune.people.models import PupilContact
from attune.tenancy import scopes_disabled

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 11)


def test_the_demo_has_families_and_a_link_for_the_first(settings: object) -> None:
    build_demo(pupils=80, staff=14, today=TODAY)
    with scopes_disabled():
        barred = PupilContact.objects.filter(no_contact=True, contact__email__endswith=".invalid")
        assert barred.count() == 2  # the first child's other parent, at each setting
        emails = [link.contact.email for link in barred.select_related("contact")]
        barred_users = list(User.objects.filter(email__in=emails))
    assert all(not links.live_accesses(user) for user in barred_users)

    out = StringIO()
    call_command("demo_family_link", "--base-url", "http://testserver/", stdout=out)
    url = re.search(r"http://testserver(/accounts/link/\S+/)", out.getvalue())
    assert url, out.getvalue()
    client = Client()
    client.post(url.group(1))
    page = client.get("/family/", follow=True)
    assert page.status_code == 200
    assert "Good news from school" in page.content.decode()
    assert User.objects.get(email=FIRST_FAMILY_EMAIL).email == FIRST_FAMILY_EMAIL


def test_the_family_link_is_refused_in_production(settings: object) -> None:
    settings.PRODUCTION = True  # type: ignore[attr-defined]
    with pytest.raises(CommandError, match="production"):
        call_command("demo_family_link")


def test_the_family_link_is_refused_without_a_demo() -> None:
    with pytest.raises(CommandError, match="attune demo"):
        call_command("demo_family_link")
