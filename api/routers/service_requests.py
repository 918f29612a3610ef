"""`GET, POST /api/v1/service-requests/`, `GET /api/v1/service-requests/summary/` (figures, no
personal data) and `GET /api/v1/service-requests/{tracking_code}`.

Lists are GeoJSON like the assets. The reporter's name, phone and e-mail are personal data: they
appear only on one request's detail, and only for roles that handle requests (as on the web page).
"""

import datetime as dt
import enum
from typing import Literal

from django.contrib.gis.geos import Point
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from dashboards.aggregates import Filters, request_aggregates, updated_at
from dashboards.models import Part
from dashboards.targets import actual_values, targets_current
from dashboards.targets import yardsticks as dashboard_yardsticks
from infrastructure.models import Channel, Priority, RequestCategory, RequestStatus, ServiceRequest
from infrastructure.models.requests import tracking_code_normalise
from infrastructure.selectors import QUEUES, service_requests_for
from infrastructure.services.requests import service_request_create
from kernel.permissions import require_perm

from ..errors import with_errors
from ..gates import require_module
from ..geo import BBOX_PATTERN, IsoDate, choice_enum, parse_bbox
from ..paging import MAX_PAGE_SIZE, Link, feature_collection, list_version, page_slice

router = Router(tags=["service requests"])

CategoryCode = choice_enum("CategoryCode", RequestCategory.values)
PriorityCode = choice_enum("PriorityCode", Priority.values)
StatusCode = choice_enum("RequestStatusCode", RequestStatus.values)
QueueCode = choice_enum("QueueCode", QUEUES)
StaffChannel = choice_enum("StaffChannel", (Channel.STAFF, Channel.PHONE, Channel.LINE))


class PointGeometry(Schema):
    type: Literal["Point"] = "Point"
    coordinates: list[float] = Field(min_length=2, max_length=2)


class RequestProperties(Schema):
    tracking_code: str
    category: str
    category_label: str
    description: str
    address_text: str
    priority: str
    priority_label: str
    status: str
    status_label: str
    channel: str
    asset_code: str | None
    assignee: str | None
    received_at: dt.datetime
    due_at: dt.datetime
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    updated_at: dt.datetime
    is_open: bool
    is_overdue: bool
    resolved_late: bool


class Reporter(Schema):
    name: str
    phone: str
    email: str


class RequestDetailProperties(RequestProperties):
    reporter: Reporter | None = Field(default=None, description="only for roles that handle requests")


# null (GeoJSON's "unlocated" feature) for a request reported with an address only, until staff
# place it on the map.
class RequestFeature(Schema):
    type: Literal["Feature"] = "Feature"
    id: str
    geometry: PointGeometry | None
    properties: RequestProperties


class RequestDetail(Schema):
    type: Literal["Feature"] = "Feature"
    id: str
    geometry: PointGeometry | None
    properties: RequestDetailProperties


class RequestCollection(Schema):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[RequestFeature]
    numberMatched: int  # noqa: N815
    numberReturned: int  # noqa: N815
    page: int
    page_size: int
    links: list[Link]


class RequestFilters(Schema):
    queue: QueueCode | None = Field(default=None, description="mine, unassigned, overdue, open or all")
    status: StatusCode | None = None
    category: CategoryCode | None = None
    q: str | None = Field(default=None, max_length=100, description="tracking code, description or address")
    bbox: str | None = Field(default=None, pattern=BBOX_PATTERN)
    received_from: IsoDate | None = None
    received_to: IsoDate | None = None
    page: int = Field(default=1, ge=1, le=1_000_000)
    page_size: int = Field(default=100, ge=1, le=MAX_PAGE_SIZE)


class RequestIn(Schema):
    category: CategoryCode
    description: str = Field(min_length=1, max_length=5000)
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    address_text: str = Field(default="", max_length=300)
    priority: PriorityCode = PriorityCode("normal")
    channel: StaffChannel = Field(default=StaffChannel("staff"), description="how the request reached staff")
    reporter_name: str = Field(default="", max_length=150)
    reporter_phone: str = Field(default="", max_length=20)
    reporter_email: str = Field(default="", max_length=254)


def feature(service_request: ServiceRequest, now: dt.datetime, *, reporter: bool | None = None) -> dict:
    r = service_request
    properties = {
        "tracking_code": r.tracking_code, "category": r.category,
        "category_label": str(r.get_category_display()),
        "description": r.description, "address_text": r.address_text, "priority": r.priority,
        "priority_label": str(r.get_priority_display()), "status": r.status,
        "status_label": str(r.get_status_display()), "channel": r.channel,
        "asset_code": r.asset.code if r.asset_id else None,
        "assignee": r.assignee.get_username() if r.assignee_id else None,
        "received_at": r.received_at, "due_at": r.due_at, "resolved_at": r.resolved_at,
        "closed_at": r.closed_at, "updated_at": r.updated_at, "is_open": r.is_open,
        "is_overdue": r.is_overdue(now), "resolved_late": r.resolved_late,
    }
    if reporter is not None:
        contact = {"name": r.reporter_name, "phone": r.reporter_phone, "email": r.reporter_email}
        properties["reporter"] = contact if reporter else None
    geometry = None
    if r.location is not None:
        geometry = {"type": "Point", "coordinates": [round(r.location.x, 7), round(r.location.y, 7)]}
    return {"type": "Feature", "id": r.tracking_code, "geometry": geometry, "properties": properties}


@router.get("/", response=with_errors({200: RequestCollection}), summary="Service requests as GeoJSON",
            openapi_extra={"responses": {304: {"description": "Not modified (If-None-Match)"}}})
def request_list(request, filters: Query[RequestFilters]):
    """Requests, newest first (the open queues: soonest due first). Filters as on the staff queue."""
    require_module(request, "service_requests")
    qs = service_requests_for(
        request.user, queue=filters.queue.value if filters.queue else None,
        category=filters.category.value if filters.category else None,
        status=filters.status.value if filters.status else None, q=filters.q,
    )
    if box := parse_bbox(filters.bbox):
        qs = qs.filter(location__intersects=box)
    if filters.received_from:
        qs = qs.filter(received_at__date__gte=filters.received_from)
    if filters.received_to:
        qs = qs.filter(received_at__date__lte=filters.received_to)
    # "mine" and "overdue" also change with the clock and the reader: part of the version.
    count, cached = list_version(
        request, qs, who=request.user.pk if filters.queue and filters.queue.value == "mine" else None,
        minute=timezone.now().strftime("%Y%m%d%H%M") if filters.queue else None)
    if cached is not None:
        return cached
    start, end = page_slice(filters.page, filters.page_size, count)
    now = timezone.now()
    features = [feature(r, now) for r in qs[start:end]]
    return {**feature_collection(request, count=count, returned=len(features), page=filters.page,
                                 page_size=filters.page_size), "features": features}


@router.post("/", response=with_errors({201: RequestDetail}), summary="File a service request")
def request_create(request, payload: RequestIn):
    """Staff file a request received by phone, LINE or in person. The due time comes from the
    SLA table; the nearest matching asset within 50 m is linked."""
    require_module(request, "service_requests")
    require_perm(request.user, "infrastructure.add_servicerequest")
    data = payload.dict()
    channel = data.pop("channel").value
    data["category"] = data["category"].value
    data["priority"] = data["priority"].value
    data["location"] = Point(data.pop("lon"), data.pop("lat"), srid=4326)
    created = service_request_create(data=data, user=request.user, channel=channel)
    handles = request.user.has_perm("infrastructure.change_servicerequest")
    return Status(201, feature(created, timezone.now(), reporter=handles))


class YardstickOut(Schema):
    figure: str = Field(description="sla_compliance, overdue_rate or reopen_rate")
    target: float = Field(description="per cent, set by the municipality's administrator")
    actual: float | None
    status: Literal["met", "not_met", "no_data"]


class RequestSummary(Schema):
    months: int = Field(description="the period: the current month and the months before it")
    since: dt.date = Field(description="first day of the period")
    community: str = Field(description="empty = the whole municipality")
    refreshed_at: dt.datetime | None = Field(description="when the figures were computed (the dashboard's)")
    opened: int = Field(description="requests received in the period")
    resolved: int = Field(description="requests resolved in the period")
    resolved_on_time: int = Field(description="of those, resolved at or before their due time")
    sla_compliance_rate: float | None = Field(description="resolved_on_time / resolved × 100, one decimal")
    open: int = Field(description="requests open when the figures were computed")
    overdue: int = Field(description="of those, past their due time")
    overdue_rate: float | None = Field(description="overdue / open × 100, one decimal")
    targets: list[YardstickOut]


class Period(enum.IntEnum):
    """The dashboard's periods (dashboards.aggregates.PERIODS), in months."""

    THREE = 3
    SIX = 6
    TWELVE = 12


class SummaryFilters(Schema):
    months: Period = Field(default=Period.TWELVE, description="3, 6 or 12")
    community: str = Field(default="", max_length=120, description="a community of the dashboard")


# Declared before /{tracking_code}. The same figures and definitions (kernel.yardsticks) as the
# dashboard and the national snapshot: read from the dashboard's aggregate tables.
@router.get("/summary/", response=with_errors({200: RequestSummary}),
            summary="Service-request figures: SLA compliance and overdue rates (no personal data)")
def request_summary(request, filters: Query[SummaryFilters]):
    require_module(request, "service_requests")
    require_perm(request.user, "infrastructure.view_servicerequest")
    months = int(filters.months)
    figures = request_aggregates(Filters(community=filters.community, months=months))
    yardsticks = dashboard_yardsticks(targets=targets_current(), actuals=actual_values(requests=figures))
    return {
        "months": months, "since": figures["since"], "community": filters.community,
        "refreshed_at": updated_at().get(Part.INFRASTRUCTURE),
        "opened": figures["opened"], "resolved": figures["resolved_on_time"] + figures["resolved_late"],
        "resolved_on_time": figures["resolved_on_time"], "sla_compliance_rate": figures["sla_rate"],
        "open": figures["open"], "overdue": figures["overdue"], "overdue_rate": figures["overdue_rate"],
        "targets": [{"figure": y["key"], "target": float(y["target"]), "actual": y["actual"],
                     "status": y["status"]} for y in yardsticks.values()],
    }


@router.get("/{tracking_code}", response=with_errors({200: RequestDetail}), summary="One service request")
def request_detail(request, tracking_code: str):
    require_module(request, "service_requests")
    code = tracking_code_normalise(tracking_code) or tracking_code
    found = get_object_or_404(service_requests_for(request.user), tracking_code=code)
    handles = request.user.has_perm("infrastructure.change_servicerequest")
    return feature(found, timezone.now(), reporter=handles)
