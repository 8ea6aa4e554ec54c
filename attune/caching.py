"""Nothing Attune serves is kept by a browser: a page about a child on a shared computer must
not come back from its cache after the adult has signed out.

Static files (served before this by WhiteNoise, with long cache lifetimes) are the only
exception; every other response says ``Cache-Control: no-store``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response["Cache-Control"] = "no-store"
        return response
