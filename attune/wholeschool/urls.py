from django.urls import URLPattern, path

from attune.wholeschool import views

urlpatterns: list[URLPattern] = [
    path("", views.whole_school, name="hub"),
    path("audits/", views.audit_list, name="audit_list"),
    path("audits/<uuid:run_id>/", views.audit_edit, name="audit_edit"),
    path("audits/<uuid:run_id>/autosave/", views.audit_autosave, name="audit_autosave"),
    path("audits/<uuid:run_id>/results/", views.audit_results, name="audit_results"),
    path("audits/<uuid:run_id>/actions/", views.audit_actions, name="audit_actions"),
    path(
        "audits/<uuid:run_id>/actions/<uuid:action_id>/",
        views.audit_action_status,
        name="audit_action_status",
    ),
    path("audits/<uuid:run_id>/audit.csv", views.audit_csv, name="audit_csv"),
    path("audits/<uuid:run_id>/audit.pdf", views.audit_pdf, name="audit_pdf"),
]
