"""The school's side of the family page (``/s/<urn>/families/``): the office's list of
absences families told us about, each child's family contacts, and replies read."""

from django.urls import URLPattern, URLResolver, path

from attune.families import school_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("absences/", school_views.absences, name="absences"),
    path("absences/<uuid:report_id>/", school_views.confirm, name="confirm"),
    path("pupils/<uuid:pupil_id>/", school_views.contacts, name="contacts"),
    path("replies/<uuid:reply_id>/seen/", school_views.reply_seen, name="reply_seen"),
]
