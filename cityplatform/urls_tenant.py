"""URLs of every municipality host (one schema each). Modules add their includes here."""

from django.urls import include, path

from tenants.views import home

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
