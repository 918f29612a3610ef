"""Open311 GeoReport v2 (namespace `open311`), mounted at /open311/v2/ on every municipality
host. JSON only (the spec's .xml variants are not served)."""

from django.urls import path

from .views import open311 as views

app_name = "open311"
urlpatterns = [
    path("services.json", views.services, name="services"),
    path("services/<str:code>.json", views.service, name="service"),
    path("requests.json", views.requests_collection, name="requests"),
    path("requests/<str:code>.json", views.request_detail, name="request"),
    path("openapi.json", views.openapi, name="openapi"),  # this API as OpenAPI 3.1, for tools
]
