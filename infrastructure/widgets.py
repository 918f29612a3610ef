"""This module's home-page widgets (tenants.registry), permission-checked through the module's
selectors: figures (one GROUP BY each) and the engineer's day (my requests, the unassigned ones,
poor assets near open requests); and its set-up tasks. Imported from InfrastructureConfig.ready()."""

from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from tenants.registry import SetupTask, Widget, register_setup_task, register_widget

from .models import Asset, AssetStatus, Condition, RequestCategory, SlaRule
from .selectors import (
    POOR_ASSET_NEAR_METRES,
    assets_for,
    assets_poor_near_open_requests,
    service_request_counts_by_category,
    service_requests_for,
)
from .views.requests import sla_state

ROWS_SHOWN = 8


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


def _queue(request, queue: str) -> dict:
    """The first rows of one of the staff queues, with their SLA state, and its size."""
    qs = service_requests_for(request.user, queue=queue)
    rows = list(qs[:ROWS_SHOWN])
    now = timezone.now()
    for obj in rows:
        obj.sla = sla_state(obj, now)
        obj.url = reverse("infrastructure:request-detail", args=[obj.pk])
    total = qs.count() if len(rows) == ROWS_SHOWN else len(rows)
    return {"rows": rows, "total": total,
            "queue_url": f"{reverse('infrastructure:request-list')}?{urlencode({'queue': queue})}"}


def my_requests_context(request) -> dict:
    context = _queue(request, "mine")
    # The overdue ones come first anyway (ordered by due time); the count says how many.
    context["overdue"] = service_requests_for(request.user, queue="mine").filter(
        due_at__lt=timezone.now()).count()
    return context


def unassigned_context(request) -> dict:
    return {**_queue(request, "unassigned"),
            "can_take": request.user.has_perm("infrastructure.change_servicerequest")}


def poor_near_requests_context(request) -> dict:
    qs = assets_poor_near_open_requests(request.user)
    rows = list(qs[:ROWS_SHOWN])
    for asset in rows:
        asset.url = reverse("infrastructure:asset-detail", args=[asset.pk])
        asset.request_url = reverse("infrastructure:request-detail", args=[asset.near_request_id])
    total = qs.count() if len(rows) == ROWS_SHOWN else len(rows)
    return {"rows": rows, "total": total, "metres": POOR_ASSET_NEAR_METRES}


register_widget(Widget(
    "requests.open", _("Open service requests"), "service_requests", "widgets/requests_open.html",
    context=open_requests_context, permission="infrastructure.view_servicerequest", order=30,
    roles=(Role.ENGINEER.value, Role.ADMIN.value),
))
register_widget(Widget(
    "assets.condition", _("Assets by condition"), "infrastructure", "widgets/assets_condition.html",
    context=asset_condition_context, permission="infrastructure.view_asset", order=40,
    roles=(Role.ENGINEER.value,),
))
# The engineer's day. Off for accounts without a role: "mine" means nothing to a superuser.
register_widget(Widget(
    "requests.mine", _("My open requests"), "service_requests", "widgets/requests_mine.html",
    context=my_requests_context, permission="infrastructure.change_servicerequest", order=6,
    default_on=False, roles=(Role.ENGINEER.value,),
))
register_widget(Widget(
    "requests.unassigned", _("Unassigned requests"), "service_requests", "widgets/requests_unassigned.html",
    context=unassigned_context, permission="infrastructure.change_servicerequest", order=7,
    default_on=False, roles=(Role.ENGINEER.value,),
))
register_widget(Widget(
    "assets.poor_near_requests", _("Assets in poor condition near open requests"), "infrastructure",
    "widgets/assets_poor_near_requests.html", context=poor_near_requests_context,
    permission="infrastructure.view_asset", order=8, default_on=False, roles=(Role.ENGINEER.value,),
))

register_setup_task(SetupTask(
    "assets-import", _("The asset registry"), "imports:upload", modules=("infrastructure", "imports"),
    done=lambda request: Asset.objects.exists(), permission="imports.import_assets", order=40,
    hint=_("Import roads, drains, street lights… from Excel, CSV or GeoJSON, or draw them."),
))
register_setup_task(SetupTask(
    "sla", _("Service request due times"), "infrastructure:sla-settings", modules=("service_requests",),
    done=lambda request: SlaRule.objects.exists(), permission="infrastructure.manage_sla", order=30,
    hint=_("The defaults apply until you set your own: check them once."),
))
