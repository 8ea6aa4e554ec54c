from django.urls import path

from attune.pep import views

# PEPs and their targets are addressed by UUID, never by a number.
urlpatterns = [
    path("", views.school_list, name="school"),
    path("pupils/<uuid:pupil_id>/", views.pupil_peps, name="pupil"),
    path("pupils/<uuid:pupil_id>/new/", views.pep_new, name="new"),
    path("<uuid:pep_id>/", views.pep_page, name="pep"),
    path("<uuid:pep_id>/held/", views.hold, name="hold"),
    path("<uuid:pep_id>/sign-off/", views.sign_off, name="sign_off"),
    path("<uuid:pep_id>/targets/", views.target_new, name="target_add"),
    path(
        "<uuid:pep_id>/targets/<uuid:target_id>/review/",
        views.target_review,
        name="target_review",
    ),
    path("<uuid:pep_id>/pdf/", views.pep_download, name="pdf"),
]
