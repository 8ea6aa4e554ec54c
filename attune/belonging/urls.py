from django.urls import URLPattern, path

from attune.belonging import views

urlpatterns: list[URLPattern] = [
    path("rounds/", views.round_list, name="round_list"),
    path("rounds/<uuid:round_id>/", views.round_results, name="round_results"),
    path("kiosk/", views.kiosk_home, name="kiosk_home"),
    path("kiosk/<uuid:round_id>/", views.kiosk_choose, name="kiosk_choose"),
    path("kiosk/<uuid:round_id>/answer/", views.kiosk_answer, name="kiosk_answer"),
    path("kiosk/<uuid:round_id>/thanks/", views.kiosk_thanks, name="kiosk_thanks"),
]
