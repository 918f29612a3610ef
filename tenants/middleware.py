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
            html = render_to_string("tenants/archived.html", {"archived": archived.municipality})
            response = HttpResponse(html, status=410)
            response["Cache-Control"] = "no-store"
            return response
        except MunicipalitySuspended as suspended:
            # Answered before sessions and language: the page shows Thai and English together.
            html = render_to_string("tenants/suspended.html", {"suspended": suspended.municipality})
            response = HttpResponse(html, status=503)
            response["Cache-Control"] = "no-store"
            return response
