"""The console (platform host, schema `public`), namespace `tenants`; one URL module per area."""

from django.urls import path

from . import urls_console_components, urls_console_platform, urls_console_requests, urls_console_theme, views

app_name = "tenants"

urlpatterns = [
    path("", views.console, name="console"),
    path("municipalities/new/", views.municipality_create_view, name="municipality-create"),
    *urls_console_platform.urlpatterns,
    *urls_console_theme.urlpatterns,
    *urls_console_components.urlpatterns,
    *urls_console_requests.urlpatterns,
]
