from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.county, name="county"),
    path("schools/<str:school_urn>/", views.school, name="school"),
    path("schools/<str:school_urn>/children/<uuid:pupil_id>/", views.child, name="child"),
    path("api-tokens/", views.api_tokens, name="api_tokens"),
    path("api-tokens/<uuid:token_id>/revoke/", views.api_token_revoke, name="api_token_revoke"),
]
