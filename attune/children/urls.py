from django.urls import path

from attune.children import views

urlpatterns = [
    path("", views.school_home, name="school_home"),
    path("charts/<slug:key>/", views.home_chart, name="home_chart"),
    path("pupils/", views.pupils, name="pupils"),
    path("pupils/<uuid:pupil_id>/", views.pupil, name="pupil"),
    path("pupils/<uuid:pupil_id>/about/", views.pupil_about_edit, name="pupil_about_edit"),
]
