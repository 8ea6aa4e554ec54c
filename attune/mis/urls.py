from django.urls import path

from attune.mis import views

urlpatterns = [
    path("", views.connection, name="connection"),
    path("sync/", views.sync_now, name="sync_now"),
]
