from django.urls import path

from attune.checkins import views

urlpatterns = [
    path("", views.today, name="today"),
    path("log/<uuid:relationship_id>/", views.log, name="log"),
    path("pupils/<uuid:pupil_id>/plan/", views.plan, name="plan"),
    path("absences/", views.absences, name="absences"),
    path("absences/<uuid:absence_id>/remove/", views.absence_remove, name="absence_remove"),
    path("across-the-school/", views.across_school, name="across_school"),
    path(
        "relationships/<uuid:relationship_id>/attunement/",
        views.attunement,
        name="attunement",
    ),
    path("relationships/<uuid:relationship_id>/targets/", views.target, name="target"),
    path("noticing/", views.noticing, name="noticing"),
    path("pupils/<uuid:pupil_id>/sharing/", views.sharing, name="sharing"),
    path(
        "pupils/<uuid:pupil_id>/keeping-in-touch/",
        views.keeping_in_touch,
        name="keeping_in_touch",
    ),
    path("messages-home/", views.messages_home_page, name="messages_home"),
    path("messages-home/<uuid:email_id>/retry/", views.email_retry, name="email_retry"),
]
