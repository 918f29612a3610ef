"""Open311 GeoReport v2 (namespace `open311`), mounted at /open311/v2/ on every municipality
host. Every endpoint in XML (`.xml`, the spec's required format) and JSON (`.json`); reverse
with kwargs `fmt` ("xml" or "json")."""

from django.urls import path, re_path

from .views import open311 as views

app_name = "open311"
FORMAT = r"\.(?P<fmt>xml|json)$"
urlpatterns = [
    re_path(r"^discovery" + FORMAT, views.discovery_view, name="discovery"),
    re_path(r"^services" + FORMAT, views.services, name="services"),
    re_path(r"^services/(?P<code>[^/]+)" + FORMAT, views.service, name="service"),
    re_path(r"^requests" + FORMAT, views.requests_collection, name="requests"),
    re_path(r"^requests/(?P<code>[^/]+)" + FORMAT, views.request_detail, name="request"),
    path("openapi.json", views.openapi, name="openapi"),  # the JSON endpoints as OpenAPI 3.1, for tools
]
