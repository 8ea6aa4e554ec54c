"""The real URLs plus one page that fails, for the error page tests."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from attune.urls import handler404, handler500
from attune.urls import urlpatterns as real


@login_not_required
def fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a deliberate failure")


urlpatterns = [path("test-fails/", fails), *real]

__all__ = ["handler404", "handler500", "urlpatterns"]
