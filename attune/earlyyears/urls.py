from django.urls import URLPattern, URLResolver, path

from attune.earlyyears import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.register, name="register"),
    path("rooms/", views.rooms, name="rooms"),
    path("rooms/<uuid:room_id>/panel/", views.room_panel, name="room_panel"),
    path("day/<str:day>/", views.day_record, name="day_record"),
    path("day/<str:day>/export.csv", views.day_record_csv, name="day_record_csv"),
    path("visits/<uuid:visit_id>/amend/", views.amend, name="amend"),
    path("children/<uuid:pupil_id>/day/<str:day>/", views.child_day, name="child_day"),
    path("children/<uuid:pupil_id>/settling-in/", views.settling_in, name="settling_in"),
    path("children/<uuid:pupil_id>/development/", views.development, name="development"),
]
