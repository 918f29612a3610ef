"""GeoJSON pieces and query types shared by the lists."""

import datetime as dt
from enum import Enum
from typing import Annotated, Any, Literal

from django.contrib.gis.geos import Polygon
from django.utils.translation import gettext_lazy as _
from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Field

from .errors import ApiError, field_error

BBOX_PATTERN = r"^\s*-?\d+(\.\d+)?\s*,\s*-?\d+(\.\d+)?\s*,\s*-?\d+(\.\d+)?\s*,\s*-?\d+(\.\d+)?\s*$"


class Geometry(Schema):
    """A GeoJSON geometry in WGS 84 (lon, lat)."""

    model_config = ConfigDict(extra="allow")
    type: Literal["Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon",
                  "GeometryCollection"]
    coordinates: list[Any] | None = Field(default=None)


def parse_bbox(text: str | None) -> Polygon | None:
    """`minlon,minlat,maxlon,maxlat` (WGS 84) as a polygon, or None when not given."""
    if not text:
        return None
    bad = ApiError(422, fields=[field_error("bbox", _(
        "Give bbox as minlon,minlat,maxlon,maxlat in degrees (WGS 84), e.g. 99.50,7.40,99.53,7.42."))])
    try:
        west, south, east, north = (float(part) for part in text.split(","))
    except ValueError:
        raise bad from None
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise bad
    # A box with no width or height (a point someone clicked) still finds what lies on it.
    if west == east:
        west, east = west - 1e-7, east + 1e-7
    if south == north:
        south, north = south - 1e-7, north + 1e-7
    polygon = Polygon.from_bbox((west, south, east, north))
    polygon.srid = 4326
    return polygon


def _iso_date(value):
    # pydantic would also take 0 or 1700000000 as a Unix time; a query date is yyyy-mm-dd.
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or len(value) != 10:
        raise ValueError("use yyyy-mm-dd (ค.ศ.), e.g. 2026-11-24")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]


def choice_enum(name: str, values) -> type[Enum]:
    """A str Enum of a model's choice values: the OpenAPI document lists them, ninja checks them."""
    return Enum(name, {str(value): str(value) for value in values}, type=str)
