from django.urls import path

from attune.auditlog import views

urlpatterns = [
    path("", views.events, name="events"),
    path("export.csv", views.export, name="export"),
]
