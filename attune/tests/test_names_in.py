"""The leak checks' matcher: a name written on a page is found; a name inside a random token
is not."""

from __future__ import annotations

import string

from django.middleware.csrf import get_token
from django.test import RequestFactory

from attune.testing import names_in


def test_a_name_on_the_page_is_found_wherever_it_sits() -> None:
    page = '<td>Leo Brennan</td><input value="Leo"><p>Leo, Brennan.</p>'
    assert names_in(page, "Leo", "Brennan") == ["Leo", "Brennan"]


def test_a_name_inside_a_csrf_token_is_not_a_leak() -> None:
    token = get_token(RequestFactory().get("/"))
    assert set(token) <= set(string.ascii_letters + string.digits) and len(token) == 64
    planted = token[:20] + "Leo" + token[23:]
    page = f'<input name="csrfmiddlewaretoken" value="{planted}"><p>Maya</p>'
    assert names_in(page, "Leo", "Maya") == ["Maya"]


def test_a_longer_name_is_not_the_shorter_one() -> None:
    assert names_in("Leonie and Tomas", "Leo", "Tom") == []
