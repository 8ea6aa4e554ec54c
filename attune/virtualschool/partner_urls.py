"""The pages a PEP partner reaches by an emailed link (``/partner/``)."""

from django.urls import URLPattern, URLResolver, path

from . import partner_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("pep/<uuid:partner_id>/", partner_views.pep, name="pep"),
    path("pep/<uuid:partner_id>/<uuid:vs_pep_id>/", partner_views.pep_term, name="pep_term"),
    path(
        "pep/<uuid:partner_id>/<uuid:vs_pep_id>/section/<str:section>/",
        partner_views.section,
        name="section",
    ),
    path("pep/<uuid:partner_id>/<uuid:vs_pep_id>/meeting/", partner_views.meeting, name="meeting"),
    path("pep/<uuid:partner_id>/<uuid:vs_pep_id>/targets/", partner_views.target, name="target"),
    path("pep/<uuid:partner_id>/<uuid:vs_pep_id>/funding/", partner_views.funding, name="funding"),
    path("pep/<uuid:partner_id>/<uuid:vs_pep_id>/impact/", partner_views.impact, name="impact"),
]
