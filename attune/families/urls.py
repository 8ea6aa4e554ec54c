"""The family page: what a parent or carer reaches after signing in by an emailed link
(``/family/``)."""

from django.urls import URLPattern, URLResolver, path

from attune.families import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("<uuid:pupil_id>/", views.child, name="child"),
    path("<uuid:pupil_id>/notes/<uuid:noticing_id>/", views.reply, name="reply"),
    path("<uuid:pupil_id>/absence/", views.absence, name="absence"),
    path("<uuid:pupil_id>/you-said/", views.you_said, name="you_said"),
    path("<uuid:pupil_id>/hearing/", views.hearing, name="hearing"),
    path("<uuid:pupil_id>/note-from-home/", views.home_note, name="home_note"),
]
