from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django_tenants.middleware.main import TenantMainMiddleware

from .health import health_report
from .routing import MunicipalityArchived, MunicipalitySuspended, tenant_for_host


class HealthzMiddleware:
    """Answers GET /healthz before tenant routing, so load balancers and monitors get an answer
    on any host, and a database outage gives 503 rather than a routing error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path in ("/healthz", "/healthz/"):
            healthy, report = health_report()
            response = JsonResponse(report, status=200 if healthy else 503)
            response["Cache-Control"] = "no-store"
            # tenants.health logs an outage once a minute; Django would add an ERROR line for every
            # 503 a monitor polls (its handler skips a response marked as already logged).
            response._has_been_logged = True  # type: ignore[attr-defined]
            return response
        return self.get_response(request)


class CachedTenantMiddleware(TenantMainMiddleware):
    """django-tenants' router with the host lookup cached per process (see tenants.routing)."""

    def get_tenant(self, domain_model, hostname):
        return tenant_for_host(hostname)

    def process_request(self, request):
        try:
            return super().process_request(request)
        except MunicipalityArchived as archived:
            return _closed(archived.municipality, archived=True)
        except MunicipalitySuspended as suspended:
            return _closed(suspended.municipality, archived=False)


def _closed(municipality, *, archived: bool) -> HttpResponse:
    """410 for an archived host, 503 for a suspended one; answered before sessions and language,
    so the page shows Thai and English together."""
    html = render_to_string("tenants/closed.html", {"municipality": municipality, "archived": archived})
    response = HttpResponse(html, status=410 if archived else 503)
    response["Cache-Control"] = "no-store"
    return response
