"""The school's own page for what it shares with the Virtual School (``/s/<urn>/sharing/``)."""

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.sharing, name="edit"),
]
