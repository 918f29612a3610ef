"""`GET /api/v1/assets/` (a GeoJSON FeatureCollection) and `GET /api/v1/assets/{code}` (a Feature)."""

import datetime as dt
import json
from typing import Literal

from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from pydantic import Field

from infrastructure.models import AssetStatus, AssetType, Condition
from infrastructure.selectors import assets_for

from ..base import finish
from ..errors import with_errors
from ..gates import require_module
from ..geo import BBOX_PATTERN, Geometry, choice_enum, parse_bbox
from ..paging import MAX_PAGE_SIZE, Link, feature_collection, list_version, page_slice

router = Router(tags=["assets"])

AssetTypeCode = choice_enum("AssetTypeCode", AssetType.values)
ConditionCode = choice_enum("ConditionCode", Condition.values)
StatusCode = choice_enum("AssetStatusCode", AssetStatus.values)


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
    line_pending: bool = Field(
        default=False, description="a road, drain, pipe, bridge or building known only by one point "
        "(the register's): its line or outline is not drawn yet")


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
          "updated_at", "line_pending")


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
    count, cached = list_version(request, qs)
    if cached is not None:
        return cached
    start, end = page_slice(filters.page, filters.page_size, count)
    returned, features = _features_json(qs.order_by("code").values("id")[start:end])
    head = json.dumps(feature_collection(request, count=count, returned=returned, page=filters.page,
                                         page_size=filters.page_size), ensure_ascii=False)
    # The page's features are built as JSON by PostgreSQL and spliced in: building and checking
    # 1,000 dicts in Python cost ~8× the SQL (bench/api). The shape is AssetFeature's, which
    # schemathesis checks on every run of make test.
    return finish(request, HttpResponse(head[:-1] + ', "features": ' + features + "}",
                                        content_type="application/json; charset=utf-8"))


_FEATURES_SQL = """
    SELECT count(*), coalesce(json_agg(json_build_object(
        'type', 'Feature', 'id', a.code, 'geometry', ST_AsGeoJSON(a.geometry, 7)::json,
        'properties', json_build_object(
            'code', a.code, 'asset_type', a.asset_type,
            'asset_type_label', %s::jsonb -> 'asset_type' ->> a.asset_type,
            'name', a.name, 'condition', a.condition,
            'condition_label', %s::jsonb -> 'condition' ->> a.condition,
            'status', a.status, 'status_label', %s::jsonb -> 'status' ->> a.status,
            'installed_on', a.installed_on, 'community', a.community, 'attributes', a.attributes,
            'updated_at', a.updated_at, 'line_pending', a.line_pending)
    ) ORDER BY a.code), '[]')::text
    FROM infrastructure_asset a WHERE a.id IN ({ids})
"""


def _features_json(page_ids) -> tuple[int, str]:
    """(how many, the JSON array of the Features) for a sliced queryset of asset ids."""
    labels = json.dumps({
        "asset_type": {c.value: str(c.label) for c in AssetType},
        "condition": {c.value: str(c.label) for c in Condition},
        "status": {c.value: str(c.label) for c in AssetStatus},
    }, ensure_ascii=False)
    ids_sql, ids_params = page_ids.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(_FEATURES_SQL.format(ids=ids_sql), [labels, labels, labels, *ids_params])
        return cursor.fetchone()


@router.get("/{code}", response=with_errors({200: AssetFeature}), summary="One asset as a GeoJSON Feature")
def asset_detail(request, code: str):
    require_module(request, "infrastructure")
    row = get_object_or_404(_rows(assets_for(request.user)), code=code)
    return feature(row)

