from django.urls import URLPattern, path

from attune.wholeschool import views

urlpatterns: list[URLPattern] = [
    path("", views.whole_school, name="hub"),
    path("audits/", views.relational_audit_list, name="relational_audit_list"),
    path("audits/<uuid:run_id>/", views.relational_audit_edit, name="relational_audit_edit"),
    path(
        "audits/<uuid:run_id>/autosave/",
        views.relational_audit_autosave,
        name="relational_audit_autosave",
    ),
    path(
        "audits/<uuid:run_id>/results/",
        views.relational_audit_results,
        name="relational_audit_results",
    ),
    path(
        "audits/<uuid:run_id>/actions/",
        views.relational_audit_actions,
        name="relational_audit_actions",
    ),
    path(
        "audits/<uuid:run_id>/actions/<uuid:action_id>/",
        views.relational_audit_action_status,
        name="relational_audit_action_status",
    ),
    path("audits/<uuid:run_id>/audit.csv", views.relational_audit_csv, name="relational_audit_csv"),
    path("audits/<uuid:run_id>/audit.pdf", views.relational_audit_pdf, name="relational_audit_pdf"),
]
