from django.urls import include, path

from attune.accounts.views import home
from attune.virtualschool.api import api_urls

handler404 = "attune.error_pages.not_found"
handler500 = "attune.error_pages.server_error"

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include(("attune.accounts.urls", "accounts"))),
    path("s/<str:urn>/", include(("attune.children.urls", "children"))),
    path("s/<str:urn>/", include(("attune.relationships.urls", "relationships"))),
    path("s/<str:urn>/attendance/", include(("attune.attendance.urls", "attendance"))),
    path("s/<str:urn>/check-ins/", include(("attune.checkins.urls", "checkins"))),
    path("s/<str:urn>/whole-school/", include(("attune.wholeschool.urls", "wholeschool"))),
    path("s/<str:urn>/plans/", include(("attune.plans.urls", "plans"))),
    path("s/<str:urn>/belonging/", include(("attune.belonging.urls", "belonging"))),
    path("s/<str:urn>/training/", include(("attune.training.urls", "training"))),
    path("s/<str:urn>/interventions/", include(("attune.interventions.urls", "interventions"))),
    path("s/<str:urn>/incidents/", include(("attune.incidents.urls", "incidents"))),
    path("s/<str:urn>/privacy/", include(("attune.privacy.urls", "privacy"))),
    path("s/<str:urn>/early-years/", include(("attune.earlyyears.urls", "earlyyears"))),
    path("s/<str:urn>/pep/", include(("attune.pep.urls", "pep"))),
    path("la/<str:la_code>/", include(("attune.virtualschool.urls", "virtualschool"))),
    path("s/<str:urn>/sharing/", include(("attune.virtualschool.school_urls", "sharing"))),
    path("partner/", include(("attune.virtualschool.partner_urls", "partner"))),
    path("family/", include(("attune.families.urls", "family"))),
    path("s/<str:urn>/families/", include(("attune.families.school_urls", "families"))),
    path("register/", include(("attune.virtualschool.register_urls", "register"))),
    path("api/v1/", api_urls()),
    path("s/<str:urn>/audit-trail/", include(("attune.privacy.trail_urls", "trail"))),
    path("s/<str:urn>/mis/", include(("attune.mis.urls", "mis"))),
]

# A page whose address asks for something unusable (a date before 1990, say) says why.
handler400 = "attune.bad_requests.bad_request"
