"""A municipality's boundary from an uploaded GeoJSON file: a Polygon or MultiPolygon (bare, as a
Feature, or the polygons of a FeatureCollection), valid, in WGS 84 and inside Thailand (the kernel's
one Thailand box). Every refusal says in the reader's language what is wrong with the file."""

import json
import math
from typing import Any, cast

from django.contrib.gis.gdal.error import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kernel.geo import OUTSIDE, SWAPPED, THAILAND, extent_problem

MAX_BOUNDARY_BYTES = 5 * 1024 * 1024  # a province's detailed outline is ~1 MB
_WGS84_NAMES = ("crs84", "4326", "wgs84", "wgs 84")
_POLYGONS = ("Polygon", "MultiPolygon")


def _refuse(message, code: str, **params: Any) -> ValidationError:
    return ValidationError(message, code=code, params=params or None)


def _no_constants(name: str) -> float:
    raise ValueError(name)


def _geometries(document: Any) -> list[Any]:
    """The geometry objects a GeoJSON document holds (FeatureCollection, Feature or bare)."""
    if not isinstance(document, dict):
        raise _refuse(_("The boundary file is not a GeoJSON object."), "boundary_not_geojson")
    kind = document.get("type")
    if kind == "FeatureCollection":
        features = document.get("features")
        if not isinstance(features, list):
            raise _refuse(_("The boundary file is not a GeoJSON object."), "boundary_not_geojson")
        return [f.get("geometry") for f in features if isinstance(f, dict) and f.get("geometry")]
    if kind == "Feature":
        return [document["geometry"]] if document.get("geometry") else []
    return [document]


def _crs_is_wgs84(document: dict) -> bool:
    crs = document.get("crs")
    if not crs:
        return True  # RFC 7946: GeoJSON is WGS 84 longitude/latitude
    name = str((crs.get("properties") or {}).get("name", "")).lower() if isinstance(crs, dict) else ""
    return any(name.endswith(w) or w in name.replace(":", " ").split() for w in _WGS84_NAMES)


def boundary_from_geojson(data: bytes) -> MultiPolygon:
    """The boundary as a MultiPolygon (SRID 4326); ValidationError with a clear reason otherwise."""
    if len(data) > MAX_BOUNDARY_BYTES:
        raise _refuse(_("The boundary file may be at most %(mb)s MB."), "boundary_too_big",
                      mb=MAX_BOUNDARY_BYTES // (1024 * 1024))
    try:
        document = json.loads(data.decode("utf-8-sig"), parse_constant=_no_constants)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise _refuse(_("The boundary file is not GeoJSON (it cannot be read as JSON)."),
                      "boundary_not_json") from error
    geometries = _geometries(document)
    if isinstance(document, dict) and not _crs_is_wgs84(document):
        raise _refuse(_("The boundary must be in WGS 84 longitude/latitude (EPSG:4326), as GeoJSON is."),
                      "boundary_crs")
    if not geometries:
        raise _refuse(_("The boundary file holds no polygon."), "boundary_empty")
    polygons: list[Any] = []
    for geometry in geometries:
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        if kind not in _POLYGONS:
            raise _refuse(_("The boundary file holds a %(type)s; a boundary is a Polygon or a MultiPolygon."),
                          "boundary_type", type=kind or "?")
        try:
            shape = GEOSGeometry(json.dumps(geometry), srid=4326)
        except (GEOSException, GDALException, ValueError, TypeError) as error:
            raise _refuse(_("The boundary's coordinates cannot be read."), "boundary_unreadable") from error
        polygons.extend(list(cast(MultiPolygon, shape)) if shape.geom_type == "MultiPolygon" else [shape])
    boundary = MultiPolygon(polygons, srid=4326)
    if boundary.empty or not all(math.isfinite(v) for v in boundary.extent):
        raise _refuse(_("The boundary file holds no polygon."), "boundary_empty")
    _check(boundary)
    if not boundary.valid:
        # Several valid parts that touch or overlap (say, the subdistricts a municipality covers,
        # one feature each) make one area.
        merged = boundary.unary_union
        boundary = merged if isinstance(merged, MultiPolygon) else MultiPolygon(merged, srid=4326)
    return boundary


def _check(boundary: MultiPolygon) -> None:
    problem = extent_problem(*boundary.extent)
    if problem == SWAPPED:
        raise _refuse(_("The boundary lies outside Thailand: its latitude and longitude look swapped "
                        "(GeoJSON gives longitude first, then latitude)."), "boundary_swapped")
    if problem == OUTSIDE:
        raise _refuse(_("The boundary lies outside Thailand (longitude %(min_lon)s–%(max_lon)s, "
                        "latitude %(min_lat)s–%(max_lat)s)."), "boundary_outside", **THAILAND.params())
    invalid = [polygon for polygon in boundary if not polygon.valid]
    if invalid:
        raise _refuse(_("The boundary is not a valid shape (%(reason)s): its outline crosses itself."),
                      "boundary_invalid", reason=invalid[0].valid_reason)
