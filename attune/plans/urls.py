from django.urls import path

from attune.plans import views

# Plans, meetings, actions and "you said" items are addressed by UUID, never by a number.
urlpatterns = [
    path("reviews-due/", views.reviews_due, name="reviews_due"),
    path("pupils/<uuid:pupil_id>/", views.pupil_plans, name="pupil_plans"),
    path("pupils/<uuid:pupil_id>/new/", views.plan_new, name="plan_new"),
    path("pupils/<uuid:pupil_id>/chronology/", views.chronology, name="chronology"),
    path("<uuid:plan_id>/", views.plan, name="plan"),
    path("<uuid:plan_id>/next-steps/", views.step_add, name="step_add"),
    path("<uuid:plan_id>/targets/", views.target_new, name="target_add"),
    path("<uuid:plan_id>/review/", views.review, name="review"),
    path("<uuid:plan_id>/close/", views.close, name="close"),
    path("pupils/<uuid:pupil_id>/handover/", views.handover, name="handover"),
    path("pupils/<uuid:pupil_id>/contacts/", views.contacts, name="contacts"),
    path("pupils/<uuid:pupil_id>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<uuid:meeting_id>/", views.meeting, name="meeting"),
    path("meetings/<uuid:meeting_id>/actions/", views.meeting_action_new, name="action_add"),
    path(
        "meetings/<uuid:meeting_id>/actions/<uuid:action_id>/done/",
        views.meeting_action_complete,
        name="action_done",
    ),
    path("pupils/<uuid:pupil_id>/you-said/new/", views.you_said_new, name="you_said_new"),
    path("you-said/", views.you_said_school, name="you_said_school"),
    path("you-said/waiting/", views.you_said_waiting, name="you_said_waiting"),
    path("you-said/<uuid:item_id>/", views.you_said, name="you_said"),
    path("you-said/<uuid:item_id>/sign-off/", views.you_said_sign_off, name="you_said_sign_off"),
]
