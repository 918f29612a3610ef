"""Reads, with their access checks: views, exports, tiles and the API fetch through these."""

from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone

from .geo import degrees_margin
from .models import (
    CATEGORY_ASSET_TYPES,
    DEFAULT_SLA_HOURS,
    OPEN_STATUSES,
    Asset,
    Priority,
    RequestCategory,
    ServiceRequest,
    SlaRule,
)

NEAREST_ASSET_METRES = 50
QUEUES = ("mine", "overdue", "open", "all")


def _require(user, perm: str) -> None:
    if user is None or not user.has_perm(perm):
        raise PermissionDenied


def assets_for(user, *, filters: dict | None = None) -> QuerySet[Asset]:
    """Assets the user may see, filtered by `asset_type`, `condition`, `status`, `community`
    and `q` (code or name contains); blank filter values are ignored."""
    _require(user, "infrastructure.view_asset")
    filters = filters or {}
    qs = Asset.objects.all()
    for name in ("asset_type", "condition", "status", "community"):
        value = filters.get(name)
        if value:
            qs = qs.filter(**{name: value})
    q = (filters.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    return qs


def asset_communities() -> list[str]:
    """The communities named on assets, sorted (for filter drop-downs)."""
    return list(
        Asset.objects.exclude(community="")
        .order_by("community")
        .values_list("community", flat=True)
        .distinct()
    )


def nearest_asset(point: Point, category: str, *, within_m: float = NEAREST_ASSET_METRES) -> Asset | None:
    """The nearest asset of a type that fits the category, at most `within_m` metres away
    (distance on the spheroid), or None."""
    types = CATEGORY_ASSET_TYPES.get(category, ())
    if not types or point is None:
        return None
    return (
        Asset.objects.filter(asset_type__in=types, geometry__dwithin=(point, degrees_margin(within_m)))
        .annotate(distance=Distance("geometry", point, spheroid=True))
        .filter(distance__lte=within_m)
        .order_by("distance", "id")
        .first()
    )


def service_requests_for(
    user, *, queue: str | None = None, category: str | None = None, status: str | None = None,
    q: str | None = None,
) -> QuerySet[ServiceRequest]:
    """Requests the user may see. Queues: "mine" (open, assigned to the user), "overdue" (open,
    past due), "open", "all" (or None). Open queues are ordered by due time, "all" newest first.
    `q` matches the tracking code, description or address."""
    _require(user, "infrastructure.view_servicerequest")
    if queue not in (None, *QUEUES):
        raise ValueError(f"unknown queue {queue!r}")
    qs = ServiceRequest.objects.select_related("asset", "assignee")
    if queue == "mine":
        qs = qs.filter(assignee=user, status__in=OPEN_STATUSES)
    elif queue == "overdue":
        qs = qs.filter(status__in=OPEN_STATUSES, due_at__lt=timezone.now())
    elif queue == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    if category:
        qs = qs.filter(category=category)
    if status:
        qs = qs.filter(status=status)
    q = (q or "").strip()
    if q:
        qs = qs.filter(
            Q(tracking_code__icontains=q) | Q(description__icontains=q) | Q(address_text__icontains=q)
        )
    if queue in ("mine", "overdue", "open"):
        return qs.order_by("due_at", "id")
    return qs.order_by("-received_at", "-id")


def sla_table() -> dict[str, dict[str, int]]:
    """{category: {priority: hours}} for every pair: stored rules, defaults elsewhere."""
    stored = {(r.category, r.priority): r.hours for r in SlaRule.objects.all()}
    return {
        category.value: {
            priority.value: stored.get((category.value, priority.value),
                                       DEFAULT_SLA_HOURS[(category.value, priority.value)])
            for priority in Priority
        }
        for category in RequestCategory
    }
