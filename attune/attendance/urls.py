from django.urls import path

from attune.attendance import views

urlpatterns = [
    path("pupils/<uuid:pupil_id>/", views.pupil, name="pupil"),
]
