"""Our own "page not found" and "something went wrong" pages, the same with DEBUG on or off.

With DEBUG on, Django answers a 404 with a page that lists every URL pattern, and a 500 with a
traceback; a newcomer trying the demo met the first on a child's link. These pages are drawn
from the templates alone, never from the request's context, because the context (the signed-in
user, the school) may be what failed. With DEBUG on the traceback still goes to the console
through Django's ``django.request`` logger.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return HttpResponse(render_to_string("errors/404.html"), status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return HttpResponse(render_to_string("errors/500.html"), status=500)


class ErrorPagesMiddleware:
    """With DEBUG on, put our pages in place of Django's technical ones (off, the URLconf's
    handler404 and handler500 already serve them)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not settings.DEBUG:
            return response
        failed = getattr(request, "_attune_failed", None)
        if failed == 500 and response.status_code == 500:
            return server_error(request)
        unresolved = getattr(request, "resolver_match", None) is None
        if response.status_code == 404 and (failed == 404 or unresolved):
            return not_found(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        # Only noted: Django still logs the failure (and tests still see it) as it always does.
        request._attune_failed = 404 if isinstance(exception, Http404) else 500  # type: ignore[attr-defined]
