from django.urls import path

from attune.attendance import views

urlpatterns = [
    path("", views.school, name="school"),
    path("attention/", views.attention, name="attention"),
    path("cohorts/", views.cohorts, name="cohorts"),
    path("cohorts.csv", views.cohorts_csv, name="cohorts_csv"),
    path("upload/", views.upload, name="upload"),
    path("terms/", views.terms, name="terms"),
    path("terms/<uuid:term_id>/", views.term_edit, name="term_edit"),
    path("terms/<uuid:term_id>/remove/", views.term_remove, name="term_remove"),
    path("pupils/<uuid:pupil_id>/", views.pupil, name="pupil"),
    path("pupils/<uuid:pupil_id>/concerns/new/", views.concern, name="concern_new"),
    path("pupils/<uuid:pupil_id>/concerns/<uuid:concern_id>/", views.concern, name="concern"),
]
