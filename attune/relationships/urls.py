from django.urls import path

from attune.relationships import views

urlpatterns = [
    path("staff/", views.staff, name="staff"),
    path("pupils/<uuid:pupil_id>/key-adult/", views.assign, name="assign"),
    path("pupils/<uuid:pupil_id>/trusted-adult/", views.trusted_adult, name="trusted_adult"),
    path("pupils/<uuid:pupil_id>/team/", views.team, name="team"),
    path("pupils/<uuid:pupil_id>/team/close/", views.team_close_add, name="team_close_add"),
    path("pupils/<uuid:pupil_id>/team/wider/", views.team_wider_add, name="team_wider_add"),
    path(
        "pupils/<uuid:pupil_id>/team/<str:circle>/<uuid:member_id>/end/",
        views.team_member_end,
        name="team_member_end",
    ),
]
