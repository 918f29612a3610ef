"""This module's home-page widgets (tenants.registry): one GROUP BY each, permission-checked
through the module's selectors. Imported from InfrastructureConfig.ready()."""

from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tenants.registry import Widget, register_widget

from .models import AssetStatus, Condition, RequestCategory
from .selectors import assets_for, service_request_counts_by_category


def open_requests_context(request) -> dict:
    rows = service_request_counts_by_category(request.user)
    queue = reverse("infrastructure:request-list")
    categories = [
        {"label": category.label, "open": rows[category.value]["open"],
         "overdue": rows[category.value]["overdue"],
         "url": f"{queue}?{urlencode({'queue': 'open', 'category': category.value})}",
         "overdue_url": f"{queue}?{urlencode({'queue': 'overdue', 'category': category.value})}"}
        for category in RequestCategory if category.value in rows
    ]
    return {
        "categories": categories,
        "total_open": sum(c["open"] for c in categories),
        "total_overdue": sum(c["overdue"] for c in categories),
        "open_url": f"{queue}?queue=open",
        "overdue_url": f"{queue}?queue=overdue",
    }


def asset_condition_context(request) -> dict:
    # Retired assets are history, not the state of the town.
    counts = dict(
        assets_for(request.user).exclude(status=AssetStatus.RETIRED).order_by()
        .values_list("condition").annotate(n=Count("id"))
    )
    assets = reverse("infrastructure:asset-list")
    conditions = [
        {"value": c.value, "label": c.label, "count": counts.get(c.value, 0),
         "url": f"{assets}?{urlencode({'condition': c.value})}"}
        for c in Condition
    ]
    total = sum(c["count"] for c in conditions)
    for c in conditions:
        c["percent"] = round(100 * c["count"] / total) if total else 0
    return {"conditions": conditions, "total": total, "assets_url": assets}


register_widget(Widget(
    "requests.open", _("Open service requests"), "service_requests", "widgets/requests_open.html",
    context=open_requests_context, permission="infrastructure.view_servicerequest", order=30,
))
register_widget(Widget(
    "assets.condition", _("Assets by condition"), "infrastructure", "widgets/assets_condition.html",
    context=asset_condition_context, permission="infrastructure.view_asset", order=40,
))
