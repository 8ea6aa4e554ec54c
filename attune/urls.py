from django.urls import include, path

from attune.accounts.views import home

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include(("attune.accounts.urls", "accounts"))),
    path("s/<str:urn>/", include(("attune.people.urls", "people"))),
    path("s/<str:urn>/", include(("attune.relationships.urls", "relationships"))),
]
