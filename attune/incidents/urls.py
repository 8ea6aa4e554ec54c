from django.urls import path

from attune.incidents import views

urlpatterns = [
    path("", views.school, name="school"),
    path("pupils/<uuid:pupil_id>/", views.pupil, name="pupil"),
    path("pupils/<uuid:pupil_id>/new/", views.new, name="new"),
    path("<uuid:incident_id>/", views.incident, name="incident"),
    path("<uuid:incident_id>/edit/", views.edit, name="edit"),
]
