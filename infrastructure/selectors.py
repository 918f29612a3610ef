"""Reads, with their access checks: views, exports, tiles and the API fetch through these."""

from datetime import datetime

from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.db.models import Count, Exists, ExpressionWrapper, FloatField, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from communities.models import Community
from communities.selectors import community_names
from kernel.permissions import require_perm

from .geo import degrees_margin
from .models import (
    CATEGORY_ASSET_TYPES,
    DEFAULT_SLA_HOURS,
    OPEN_STATUSES,
    Asset,
    AssetStatus,
    AssetType,
    Condition,
    Priority,
    RequestCategory,
    ServiceRequest,
    SlaRule,
)

NEAREST_ASSET_METRES = 50
QUEUES = ("mine", "unassigned", "overdue", "open", "all")
# "Near an open request" for the engineer's home: a poor asset this close is likely the cause, or
# worth fixing on the same trip.
POOR_ASSET_NEAR_METRES = 100


def assets_for(user, *, filters: dict | None = None) -> QuerySet[Asset]:
    """Assets the user may see, filtered by `asset_type`, `condition`, `status`, `community`
    and `q` (code or name contains); blank filter values are ignored."""
    require_perm(user, "infrastructure.view_asset")
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


def assets_to_draw(user, *, filters: dict | None = None) -> QuerySet[Asset]:
    """Assets the user may see that wait for their line (or outline) to be drawn, filtered by
    `asset_type` and `community`, in code order."""
    filters = {name: value for name, value in (filters or {}).items() if name in ("asset_type", "community")}
    return assets_for(user, filters=filters).filter(line_pending=True).order_by("code")


def asset_to_draw_counts(user, *, community: str = "") -> dict[str, int]:
    """{asset type: how many wait for their drawing} (types with none are absent)."""
    rows = assets_to_draw(user, filters={"community": community}).order_by().values_list("asset_type")
    return dict(rows.annotate(n=Count("id")))


def asset_communities() -> list[str]:
    """The register's communities, by name (for filter drop-downs): an asset's `community` is its
    register entry's name once merge_communities has run."""
    return community_names()


# A drop-down longer than this helps nobody on a phone: the citizen types the place instead.
PLACE_CHOICES_MAX = 400


def public_place_choices() -> dict[str, list[str]]:
    """The names a citizen without a map may pick to say where (the public report page): the
    municipality's roads and its register of communities, each sorted; a list longer than
    PLACE_CHOICES_MAX is left empty. Names of public infrastructure only, nothing personal."""
    roads = (Asset.objects.filter(asset_type=AssetType.ROAD).exclude(status=AssetStatus.RETIRED)
             .exclude(name="").order_by("name").values_list("name", flat=True).distinct())
    communities = Community.objects.order_by("name").values_list("name", flat=True)
    choices = {}
    for key, qs in (("roads", roads), ("communities", communities)):
        names = list(qs[:PLACE_CHOICES_MAX + 1])
        choices[key] = names if len(names) <= PLACE_CHOICES_MAX else []
    return choices


def nearest_asset(point: Point, category: str, *, within_m: float = NEAREST_ASSET_METRES) -> Asset | None:
    """The nearest asset of a type that fits the category, at most `within_m` metres away
    (distance on the spheroid), or None."""
    types = CATEGORY_ASSET_TYPES.get(category, ())
    if not types or point is None:
        return None
    return (
        Asset.objects.filter(asset_type__in=types, geometry__dwithin=(point, degrees_margin(within_m)))
        .annotate(distance=Distance("geometry", point, spheroid=True))
        .filter(distance__lte=D(m=within_m))
        .order_by("distance", "id")
        .first()
    )


def service_requests_for(
    user, *, queue: str | None = None, category: str | None = None, status: str | None = None,
    q: str | None = None, unpinned: bool = False,
) -> QuerySet[ServiceRequest]:
    """Requests the user may see. Queues: "mine" (open, assigned to the user), "unassigned" (open,
    nobody's yet), "overdue" (open, past due), "open", "all" (or None). Open queues are ordered by
    due time, "all" newest first. `q` matches the tracking code, description or address;
    `unpinned` keeps only those reported in words, still without a pin on the map."""
    require_perm(user, "infrastructure.view_servicerequest")
    if queue not in (None, *QUEUES):
        raise ValueError(f"unknown queue {queue!r}")
    qs = ServiceRequest.objects.select_related("asset", "assignee")
    if queue == "mine":
        qs = qs.filter(assignee=user, status__in=OPEN_STATUSES)
    elif queue == "unassigned":
        qs = qs.filter(assignee=None, status__in=OPEN_STATUSES)
    elif queue == "overdue":
        qs = qs.filter(status__in=OPEN_STATUSES, due_at__lt=timezone.now())
    elif queue == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    if category:
        qs = qs.filter(category=category)
    if status:
        qs = qs.filter(status=status)
    if unpinned:
        qs = qs.filter(location__isnull=True)
    q = (q or "").strip()
    if q:
        qs = qs.filter(
            Q(tracking_code__icontains=q) | Q(description__icontains=q) | Q(address_text__icontains=q)
        )
    if queue in ("mine", "unassigned", "overdue", "open"):
        return qs.order_by("due_at", "id")
    return qs.order_by("-received_at", "-id")


def service_request_counts_by_category(
    user, *, category: str | None = None, now: datetime | None = None
) -> dict[str, dict[str, int]]:
    """{category: {"open": n, "overdue": n}} over the open requests the user may see (one
    category when given); a category without open requests is absent. `now` decides what is
    overdue, so a page can count with the same clock it shows."""
    now = now or timezone.now()
    rows = (
        service_requests_for(user, queue="open", category=category).order_by().values("category")
        .annotate(open=Count("id"), overdue=Count("id", filter=Q(due_at__lt=now)))
    )
    return {row["category"]: {"open": row["open"], "overdue": row["overdue"]} for row in rows}


def assets_poor_near_open_requests(
    user, *, within_m: float = POOR_ASSET_NEAR_METRES
) -> QuerySet[Asset]:
    """Assets in poor condition or out of service (not retired) within `within_m` metres of an open
    request the user may see, annotated with `near_request_id` and `near_request_code` (the
    nearest such request) and `near_metres`; the closest pairs first."""
    requests = service_requests_for(user, queue="open")
    geometry = ExpressionWrapper(OuterRef("geometry"), output_field=GeometryField(srid=4326))
    near = (requests.filter(location__dwithin=(geometry, degrees_margin(within_m)))
            .annotate(metres=Distance("location", geometry, spheroid=True))
            .filter(metres__lte=D(m=within_m)).order_by("metres", "id"))
    return (
        assets_for(user).filter(condition__in=[Condition.POOR, Condition.OUT_OF_SERVICE])
        .exclude(status=AssetStatus.RETIRED)
        .filter(Exists(near))
        .annotate(near_request_id=Subquery(near.values("pk")[:1]),
                  near_request_code=Subquery(near.values("tracking_code")[:1]),
                  near_metres=Subquery(near.values("metres")[:1], output_field=FloatField()))
        .order_by("near_metres", "code")
    )


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


# "Nearby" on the citizens' report page: close enough to be the same broken thing.
NEARBY_OPEN_METRES = 100
NEARBY_OPEN_MAX = 10


def open_requests_near(
    point: Point, category: str, *, within_m: float = NEARBY_OPEN_METRES
) -> list[ServiceRequest]:
    """Open requests of `category` with a pin within `within_m` metres, nearest first, for the
    public report page. Public by design (no user): callers show only the public fields."""
    if point is None or category not in RequestCategory.values:
        return []
    return list(
        ServiceRequest.objects.filter(
            category=category, status__in=OPEN_STATUSES, location__isnull=False,
            location__dwithin=(point, degrees_margin(within_m)),
        )
        .annotate(distance=Distance("location", point, spheroid=True))
        .filter(distance__lte=D(m=within_m))
        .only("id", "tracking_code", "category", "status", "received_at", "location")
        .order_by("distance", "id")[:NEARBY_OPEN_MAX]
    )
