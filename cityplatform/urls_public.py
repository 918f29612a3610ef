"""URLs of the console host (PLATFORM_DOMAIN, schema `public`)."""

from django.urls import include, path

from accounts.urls import auth_urlpatterns
from api.urls import platform_api

# Friendly pages in the reader's language (cityplatform/errors.py), on every host.
handler400 = "cityplatform.errors.bad_request"
handler403 = "cityplatform.errors.permission_denied"
handler404 = "cityplatform.errors.page_not_found"
handler500 = "cityplatform.errors.server_error"

urlpatterns = [
    path("", include("tenants.urls.console")),
    path("accounts/", include((auth_urlpatterns, "accounts"))),
    path("theme/", include("tenants.urls.theme_files")),
    path("national/", include("national.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", platform_api.urls),
]
