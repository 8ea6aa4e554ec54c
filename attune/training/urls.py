from django.urls import path

from attune.training import views

urlpatterns = [
    path("", views.overview, name="overview"),
    path("courses/", views.course_list, name="courses"),
    path("courses/suggested/", views.courses_suggested, name="courses_suggested"),
    path("courses/<uuid:course_id>/", views.course, name="course"),
    path("record/", views.record, name="record"),
    path(
        "attendance/<uuid:attendance_id>/remove/",
        views.attendance_delete,
        name="attendance_remove",
    ),
    path("staff/<uuid:staff_id>/", views.person, name="person"),
    path("mine/", views.mine, name="mine"),
    path("supervision/", views.supervision, name="supervision"),
    path("supervision/new/", views.supervision_new, name="supervision_new"),
    path("supervision/mine/", views.supervision_mine, name="supervision_mine"),
    path(
        "supervision/<uuid:supervision_id>/",
        views.supervision_detail,
        name="supervision_detail",
    ),
]
