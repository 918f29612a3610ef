"""`GET /api/v1/assets/` (a GeoJSON FeatureCollection) and `GET /api/v1/assets/{code}` (a Feature)."""

import datetime as dt
import json
from enum import Enum
from typing import Literal

from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db.models import Count, Max, Sum
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from pydantic import Field

from infrastructure.models import AssetStatus, AssetType, Condition
from infrastructure.selectors import assets_for

from ..errors import with_errors
from ..gates import require_module
from ..geo import BBOX_PATTERN, Geometry, parse_bbox
from ..paging import MAX_PAGE_SIZE, Link, list_etag, not_modified, page_links, page_slice

router = Router(tags=["assets"])
GEOJSON = "application/geo+json"

AssetTypeCode = Enum("AssetTypeCode", {c.value: c.value for c in AssetType}, type=str)
ConditionCode = Enum("ConditionCode", {c.value: c.value for c in Condition}, type=str)
StatusCode = Enum("AssetStatusCode", {c.value: c.value for c in AssetStatus}, type=str)


class AssetProperties(Schema):
    code: str
    asset_type: str
    asset_type_label: str
    name: str
    condition: str
    condition_label: str
    status: str
    status_label: str
    installed_on: dt.date | None
    community: str
    attributes: dict
    updated_at: dt.datetime


class AssetFeature(Schema):
    type: Literal["Feature"] = "Feature"
    id: str
    geometry: Geometry
    properties: AssetProperties


class AssetCollection(Schema):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[AssetFeature]
    numberMatched: int  # noqa: N815  (OGC API – Features names)
    numberReturned: int  # noqa: N815
    page: int
    page_size: int
    links: list[Link]


class AssetFilters(Schema):
    asset_type: AssetTypeCode | None = None
    condition: ConditionCode | None = None
    status: StatusCode | None = None
    community: str | None = Field(default=None, max_length=120)
    q: str | None = Field(default=None, max_length=100, description="part of the code or name")
    bbox: str | None = Field(default=None, pattern=BBOX_PATTERN,
                             description="minlon,minlat,maxlon,maxlat (WGS 84)")
    page: int = Field(default=1, ge=1, le=1_000_000)
    page_size: int = Field(default=100, ge=1, le=MAX_PAGE_SIZE)


FIELDS = ("code", "asset_type", "name", "condition", "status", "installed_on", "community", "attributes",
          "updated_at")


def feature(row: dict) -> dict:
    properties = {name: row[name] for name in FIELDS}
    properties["asset_type_label"] = str(AssetType(row["asset_type"]).label)
    properties["condition_label"] = str(Condition(row["condition"]).label)
    properties["status_label"] = str(AssetStatus(row["status"]).label)
    return {"type": "Feature", "id": row["code"], "geometry": json.loads(row["geojson"]),
            "properties": properties}


def _rows(queryset):
    return queryset.annotate(geojson=AsGeoJSON("geometry", precision=7)).values(*FIELDS, "geojson")


@router.get("/", response=with_errors({200: AssetCollection}), summary="Assets as GeoJSON",
            openapi_extra={"responses": {304: {"description": "Not modified (If-None-Match)"}}})
def asset_list(request, filters: Query[AssetFilters]):
    """Assets of this municipality as a GeoJSON FeatureCollection, ordered by code. Send the
    `ETag` back as `If-None-Match` to get 304 when nothing changed."""
    require_module(request, "infrastructure")
    qs = assets_for(request.user, filters={
        "asset_type": filters.asset_type.value if filters.asset_type else "",
        "condition": filters.condition.value if filters.condition else "",
        "status": filters.status.value if filters.status else "",
        "community": filters.community or "", "q": filters.q or "",
    })
    if box := parse_bbox(filters.bbox):
        qs = qs.filter(geometry__intersects=box)
    version = qs.aggregate(n=Count("id"), changed=Max("updated_at"), ids=Sum("id"))
    etag = list_etag(request, version)
    if (cached := not_modified(request, etag)) is not None:
        return cached
    count = version["n"]
    start, end = page_slice(filters.page, filters.page_size, count)
    features = [feature(row) for row in _rows(qs.order_by("code"))[start:end]]
    request.response_etag = etag
    return {
        "type": "FeatureCollection", "features": features, "numberMatched": count,
        "numberReturned": len(features), "page": filters.page, "page_size": filters.page_size,
        "links": page_links(request, page=filters.page, page_size=filters.page_size, count=count,
                            media_type=GEOJSON),
    }


@router.get("/{code}", response=with_errors({200: AssetFeature}), summary="One asset as a GeoJSON Feature")
def asset_detail(request, code: str):
    require_module(request, "infrastructure")
    row = get_object_or_404(_rows(assets_for(request.user)), code=code)
    return feature(row)

