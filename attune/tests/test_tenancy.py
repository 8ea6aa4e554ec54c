"""The school boundary: one place scopes every query, and nothing crosses it by any URL."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_scopes.exceptions import ScopeError

from attune.accounts.models import User
from attune.people.models import Pupil, Staff
from attune.relationships.models import KeyAdultRelationship
from attune.tenancy import SchoolOwned, school_scope
from attune.testing import SchoolWorld

pytestmark = pytest.mark.django_db


def school_owned_models() -> list[type[SchoolOwned]]:
    return [m for m in apps.get_models() if issubclass(m, SchoolOwned)]


def test_every_school_owned_model_refuses_an_unscoped_query(world: SchoolWorld) -> None:
    assert len(school_owned_models()) >= 6
    for model in school_owned_models():
        with pytest.raises(ScopeError):
            list(model.objects.all())
        with pytest.raises(ScopeError):
            model.objects.filter(pk=1).exists()


def test_related_managers_refuse_an_unscoped_query_too(world: SchoolWorld) -> None:
    with pytest.raises(ScopeError):
        list(world.looked_after_child.cohort_memberships.all())


def test_a_scope_only_returns_that_schools_rows(
    world: SchoolWorld, other_world: SchoolWorld
) -> None:
    with school_scope(world.school):
        names = {p.legal_forename for p in Pupil.objects.all()}
        assert Pupil.objects.count() == 2
        assert not Pupil.objects.filter(pk=other_world.child.pk).exists()
        assert not Staff.objects.filter(pk=other_world.key_adult.pk).exists()
    assert names == {"Maya", "Leo"}


PLACEHOLDERS: dict[str, object] = {"uuid": uuid.UUID(int=1), "int": 999_999}


def _school_urls() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every named URL under /s/<urn>/, with the (converter, name) of each route argument."""
    found: list[tuple[str, list[tuple[str, str]]]] = []

    def walk(patterns: list[URLPattern | URLResolver], namespace: str, route: str) -> None:
        for pattern in patterns:
            here = route + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner, here)
            elif pattern.name and "<str:urn>" in here:
                found.append((f"{namespace}{pattern.name}", re.findall(r"<(\w+):(\w+)>", here)))

    walk(get_resolver().url_patterns, "", "")
    return found


def _url(name: str, arguments: list[tuple[str, str]], world: SchoolWorld) -> str:
    """``name`` in ``world``'s school: its unassigned child where a pupil is needed, and a
    well-formed identifier of nothing for any other object (that must 404 all the same)."""
    kwargs: dict[str, object] = {}
    for converter, argument in arguments:
        if argument == "urn":
            kwargs[argument] = world.school.urn
        elif argument == "pupil_id":
            kwargs[argument] = world.child.pk
        else:
            kwargs[argument] = PLACEHOLDERS.get(converter, "nothing-here")
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_user_of_school_a_cannot_reach_anything_of_school_b_by_any_url(
    world: SchoolWorld,
    other_world: SchoolWorld,
    signed_in: Callable[[User], Client],
    method: str,
) -> None:
    urls = [_url(name, arguments, other_world) for name, arguments in _school_urls()]
    assert len(urls) >= 6, urls
    # The most powerful person in school A, against every page of school B.
    client = signed_in(world.lead)
    for url in urls:
        data = {"reason": "x", "key_adult": str(other_world.key_adult.pk), "about_me": "changed"}
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (method, url, response.status_code)
    with school_scope(other_world.school):
        assert not KeyAdultRelationship.objects.exists()


def test_school_b_pupil_is_not_found_through_school_a_urls_either(
    world: SchoolWorld, other_world: SchoolWorld, signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(world.lead)
    for name in ("children:pupil", "relationships:assign", "children:pupil_about_edit"):
        url = reverse(name, kwargs={"urn": world.school.urn, "pupil_id": other_world.child.pk})
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"about_me": "changed"}).status_code == 404, url
    with school_scope(other_world.school):
        assert Pupil.objects.get(pk=other_world.child.pk).about_me == ""


def test_signed_out_visitors_are_sent_to_sign_in(world: SchoolWorld, client: Client) -> None:
    response = client.get(reverse("children:pupils", kwargs={"urn": world.school.urn}))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
