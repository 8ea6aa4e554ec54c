from django.urls import path

from attune.privacy import trail_views as views

urlpatterns = [
    path("", views.events, name="events"),
    path("export.csv", views.export, name="export"),
]
