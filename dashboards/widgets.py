"""Home-page widgets (tenants.registry) from the aggregate tables: a few key figures each, with
a link to the full dashboard; the dashboard's headline figures make the executive's home.
Imported from DashboardsConfig.ready()."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from tenants.registry import Widget, register_widget

from .aggregates import (
    Filters,
    asset_aggregates,
    health_aggregates,
    request_aggregates,
    road_aggregates,
    updated_at,
)
from .models import Part
from .sections import duration_text, link


def _common(request, part: str) -> dict:
    can = request.user.has_perm("dashboards.view_dashboard")
    return {"dashboard_url": reverse("dashboards:index") if can else None,
            "updated_at": updated_at().get(part)}


def infrastructure_context(request) -> dict:
    filters = Filters()
    assets = asset_aggregates(filters)
    return {**_common(request, Part.INFRASTRUCTURE), "assets": assets, "roads": road_aggregates(filters),
            "poor_url": link("infrastructure:asset-list", condition="poor")}


def requests_context(request) -> dict:
    figures = request_aggregates(Filters())
    return {**_common(request, Part.INFRASTRUCTURE), "requests": figures,
            "median": duration_text(figures["median_hours"]),
            "overdue_url": link("infrastructure:request-list", queue="overdue")}


def health_context(request) -> dict:
    return {**_common(request, Part.HEALTH), "health": health_aggregates(Filters())}


register_widget(Widget(
    "dashboards.infrastructure", _("Infrastructure in figures"), "infrastructure",
    "dashboards/widget_infrastructure.html", context=infrastructure_context,
    permission="infrastructure.view_asset", order=60, default_width="third", roles=(Role.EXECUTIVE.value,),
))
register_widget(Widget(
    "dashboards.requests", _("Service requests in figures"), "service_requests",
    "dashboards/widget_requests.html", context=requests_context,
    permission="infrastructure.view_servicerequest", order=61, default_width="third",
    roles=(Role.EXECUTIVE.value,),
))
register_widget(Widget(
    "dashboards.health", _("Health in figures"), "smarthealth",
    "dashboards/widget_health.html", context=health_context,
    permission="dashboards.view_health_dashboard", order=62, default_width="third",
    roles=(Role.EXECUTIVE.value,),
))
