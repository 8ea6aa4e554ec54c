"""A school not on Attune enters its register marks through its link (``/register/``)."""

from django.urls import URLPattern, URLResolver, path

from . import register_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("<str:secret>/", register_views.week, name="week"),
    path("<str:secret>/upload/", register_views.upload, name="upload"),
]
