from django.urls import path

from attune.privacy import views

urlpatterns = [
    path("", views.home, name="home"),
    path("rules/", views.rule_set, name="rule_set"),
    path("holds/", views.hold_add, name="hold_add"),
    path("holds/<uuid:hold_id>/lift/", views.hold_release, name="hold_release"),
    path("children/<uuid:pupil_id>/", views.child, name="child"),
    path("children/<uuid:pupil_id>/export.json", views.export_json, name="export_json"),
    path("children/<uuid:pupil_id>/export.pdf", views.export_pdf, name="export_pdf"),
    path("children/<uuid:pupil_id>/ask/", views.request_new, name="request_new"),
    path("children/<uuid:pupil_id>/break-glass/", views.break_glass, name="break_glass"),
    path("break-glass/", views.break_glass_report, name="break_glass_report"),
    path("requests/", views.requests, name="requests"),
    path("requests/<uuid:request_id>/", views.request_detail, name="request_detail"),
]
