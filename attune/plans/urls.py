from django.urls import path

from attune.plans import views

urlpatterns = [
    path("reviews-due/", views.reviews_due, name="reviews_due"),
    path("pupils/<uuid:pupil_id>/", views.pupil_plans, name="pupil_plans"),
    path("pupils/<uuid:pupil_id>/new/", views.plan_new, name="plan_new"),
    path("pupils/<uuid:pupil_id>/chronology/", views.chronology, name="chronology"),
    path("<int:plan_id>/", views.plan, name="plan"),
    path("<int:plan_id>/next-steps/", views.step_add, name="step_add"),
    path("<int:plan_id>/targets/", views.target_new, name="target_add"),
    path("<int:plan_id>/review/", views.review, name="review"),
    path("pupils/<uuid:pupil_id>/handover/", views.handover, name="handover"),
    path("pupils/<uuid:pupil_id>/contacts/", views.contacts, name="contacts"),
    path("pupils/<uuid:pupil_id>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:meeting_id>/", views.meeting, name="meeting"),
    path("meetings/<int:meeting_id>/actions/", views.meeting_action_new, name="action_add"),
    path(
        "meetings/<int:meeting_id>/actions/<int:action_id>/done/",
        views.meeting_action_complete,
        name="action_done",
    ),
]
