from django.urls import URLPattern, URLResolver, path

from . import children_views, views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.county, name="county"),
    path("schools/<str:school_urn>/", views.school, name="school"),
    path("schools/<str:school_urn>/children/<uuid:pupil_id>/", views.child, name="child"),
    path("api-tokens/", views.api_tokens, name="api_tokens"),
    path("api-tokens/<uuid:token_id>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    # The authority's own children, by name.
    path("children/", children_views.children, name="children"),
    path("children/<uuid:child_id>/", children_views.child, name="our_child"),
    path("children/<uuid:child_id>/invite/", children_views.invite, name="invite"),
    path(
        "children/<uuid:child_id>/partners/<uuid:partner_id>/remove/",
        children_views.partner_remove,
        name="partner_remove",
    ),
    path("children/<uuid:child_id>/pep/", children_views.pep_start, name="pep_start"),
    path("peps/<uuid:vs_pep_id>/", children_views.our_pep, name="our_pep"),
    path("peps/<uuid:vs_pep_id>/rate/", children_views.pep_rate, name="pep_rate"),
    path("peps/<uuid:vs_pep_id>/return/", children_views.pep_return, name="pep_return"),
    path("funding/<uuid:funding_id>/decide/", children_views.funding_decide, name="funding_decide"),
    path("registers/", children_views.register_list, name="registers"),
    path(
        "registers/<str:school_urn>/link/",
        children_views.register_link_new,
        name="register_link_new",
    ),
    path(
        "registers/links/<uuid:link_id>/revoke/",
        children_views.register_link_revoke,
        name="register_link_revoke",
    ),
]
