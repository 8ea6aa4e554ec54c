"""Our own 404 and 500 pages, with DEBUG on and off: never Django's list of every URL or a
traceback, and drawn without the request's context (which may be what failed)."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from attune import testing
from attune.testing import SignedIn

pytestmark = [pytest.mark.django_db, pytest.mark.urls("attune.tests.error_urls")]

MODES = [pytest.param(False, id="debug off"), pytest.param(True, id="debug on")]


def check_not_found(page: str) -> None:
    assert "We could not find that page" in page
    assert "<title>Page not found · Attune</title>" in page
    assert "URLconf" not in page and "DEBUG = True" not in page


@pytest.mark.parametrize("debug", MODES)
def test_an_unknown_address_gets_our_not_found_page(debug: bool, signed_in: SignedIn) -> None:
    world = testing.school_world()
    with override_settings(DEBUG=debug):
        response = signed_in(world.lead).get("/no-such-page/")
    assert response.status_code == 404
    check_not_found(response.content.decode())


@pytest.mark.parametrize("debug", MODES)
def test_a_child_out_of_reach_gets_the_same_page(debug: bool, signed_in: SignedIn) -> None:
    world = testing.school_world()
    other = testing.school_world(urn="100002", name="Other School")
    client = signed_in(world.lead)
    with override_settings(DEBUG=debug):
        for url in (
            f"/s/{world.school.urn}/pupils/{other.child.pk}/",  # a view's own 404
            f"/s/{other.school.urn}/pupils/",  # another school: the tenancy 404
        ):
            response = client.get(url)
            assert response.status_code == 404, url
            check_not_found(response.content.decode())


@pytest.mark.parametrize("debug", MODES)
def test_a_failure_gets_our_sorry_page(debug: bool) -> None:
    client = Client(raise_request_exception=False)
    with override_settings(DEBUG=debug):
        response = client.get("/test-fails/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, something went wrong on our side" in page
    assert "Traceback" not in page and "deliberate" not in page


def test_a_missing_slash_is_still_redirected(signed_in: SignedIn) -> None:
    world = testing.school_world()
    with override_settings(DEBUG=True):
        response = signed_in(world.lead).get(f"/s/{world.school.urn}/pupils")
    assert response.status_code == 301
