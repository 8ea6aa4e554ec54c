from django.urls import path

from attune.checkins import views

urlpatterns = [
    path("", views.today, name="today"),
    path("log/<uuid:relationship_id>/", views.log, name="log"),
    path("pupils/<uuid:pupil_id>/plan/", views.plan, name="plan"),
    path("absences/", views.absences, name="absences"),
    path("absences/<uuid:absence_id>/remove/", views.absence_remove, name="absence_remove"),
    path("oversight/", views.oversight_page, name="oversight"),
    path(
        "relationships/<uuid:relationship_id>/attunement/",
        views.attunement,
        name="attunement",
    ),
    path("relationships/<uuid:relationship_id>/targets/", views.target, name="target"),
]
