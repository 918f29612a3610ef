"""URLs of every municipality host (one schema each). Modules add their includes here."""

from django.urls import include, path

from api.urls import tenant_api
from tenants.views.home import home

# Friendly pages in the reader's language (cityplatform/errors.py), on every host.
handler400 = "cityplatform.errors.bad_request"
handler403 = "cityplatform.errors.permission_denied"
handler404 = "cityplatform.errors.page_not_found"
handler500 = "cityplatform.errors.server_error"

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("infrastructure/", include("infrastructure.urls")),
    path("health/", include("smarthealth.urls")),
    path("ltc/", include("ltc.urls")),  # long-term care
    path("", include("smarthealth.urls_app")),  # /sw.js, /manifest.webmanifest (offline visits)
    path("imports/", include("imports.urls")),
    path("communities/", include("communities.urls")),
    path("dashboard/", include("dashboards.urls")),
    # Citizens' pages, no login (CONTRACT §3).
    path("report/", include("infrastructure.urls_public")),
    path("open311/v2/", include("infrastructure.urls_open311")),
    path("line/", include("infrastructure.urls_line")),  # the LINE Official Account's webhook
    path("opendata/", include("opendata.urls_public")),  # open data, no login
    path("settings/open-data/", include("opendata.urls")),
    path("settings/", include("tenants.urls.settings")),
    path("change-requests/", include("tenants.urls.change_requests")),
    path("theme/", include("tenants.urls.theme_files")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", tenant_api.urls),
]
