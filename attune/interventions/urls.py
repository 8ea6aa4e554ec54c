from django.urls import path

from attune.interventions import views

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("start/", views.start, name="start"),
    path("new/", views.intervention_new, name="intervention_new"),
    path("measures/new/", views.measure_new, name="measure_new"),
    path("<uuid:intervention_id>/", views.intervention, name="intervention"),
    path("<uuid:intervention_id>/edit/", views.intervention_edit, name="intervention_edit"),
    path("pupils/<uuid:pupil_id>/", views.pupil, name="pupil"),
    path("pupils/<uuid:pupil_id>/new/", views.allocate, name="allocate"),
    path("allocations/<uuid:allocation_id>/", views.allocation, name="allocation"),
]
