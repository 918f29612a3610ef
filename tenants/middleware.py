from django.core.exceptions import DisallowedHost
from django.http import HttpResponse, JsonResponse
from django_tenants.middleware.main import TenantMainMiddleware

from kernel.error_pages import standalone_page

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
            request.get_host()
        except DisallowedHost:
            # django-tenants would answer an empty 404: a person behind a misconfigured proxy
            # gets the friendly page of a request that cannot be served.
            return standalone_page(request, "400.html", {}, status=400)
        try:
            return super().process_request(request)
        except MunicipalityArchived as archived:
            return _closed(request, archived.municipality, archived=True)
        except MunicipalitySuspended as suspended:
            return _closed(request, suspended.municipality, archived=False)


def _closed(request, municipality, *, archived: bool) -> HttpResponse:
    """410 for an archived host, 503 for a suspended one, in the reader's language and the
    municipality's colours. Its logo is left out: the closed host does not serve it either."""
    from .context_processors import theme_context

    theme = dict(theme_context(municipality), logo_url="")  # themes live in the public schema
    return standalone_page(request, "tenants/closed.html", {"archived": archived},
                           status=410 if archived else 503, municipality=municipality, theme=theme)
