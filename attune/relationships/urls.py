from django.urls import path

from attune.relationships import views

urlpatterns = [
    path("pupils/<uuid:pupil_id>/key-adult/", views.assign, name="assign"),
    path("pupils/<uuid:pupil_id>/trusted-adult/", views.trusted_adult, name="trusted_adult"),
]
