"""Checks on what people draw, report and upload (shapes, locations, photos); each raises
ValidationError with a message that names the problem, in the user's language (English msgids,
Thai in the catalogue). The attributes each asset type carries are part of the asset model:
models/attributes.py.

Photos are checked in kernel.photos (home visits take photos too); validate_photo and its limits
stay importable from here.

This module imports no model, so models, forms, services and importers can all use it. Asset
types are named by their plain values ("road"), which equal the AssetType members.
"""

import math
from dataclasses import dataclass
from functools import cached_property

from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kernel.geo import extent_problem, location_error
from kernel.photos import MAX_PHOTO_BYTES, PHOTO_FORMATS, validate_photo  # noqa: F401

LINE = ("LineString", "MultiLineString")
POLYGON = ("Polygon", "MultiPolygon")
POINT = ("Point",)

# Which shapes make sense for each asset type: a road is a line, a street light a point.
GEOMETRY_KINDS: dict[str, tuple[str, ...]] = {
    "road": LINE,
    "drain": LINE,
    "water_pipe": LINE,
    "bridge": LINE + POINT,
    "building": POLYGON + POINT,
    "streetlight": POINT,
    "cctv": POINT,
    "hydrant": POINT,
    "waste_bin": POINT,
}
_KIND_NAMES = {
    "Point": _("a point"),
    "MultiPoint": _("several points"),
    "LineString": _("a line"),
    "MultiLineString": _("a line"),
    "Polygon": _("an area (polygon)"),
    "MultiPolygon": _("an area (polygon)"),
    "GeometryCollection": _("a mixed collection of shapes"),
}
_ALLOWED_WORDS = {
    LINE: _("a line"),
    LINE + POINT: _("a line or a point"),
    POLYGON + POINT: _("an area (polygon) or a point"),
    POINT: _("a point"),
}
# Lines and areas a register may know only by one GPS point (most municipal registers do): such an
# asset is kept at its point, marked "line not drawn yet", until someone draws its shape.
DRAWABLE_TYPES = frozenset(t for t, kinds in GEOMETRY_KINDS.items() if set(kinds) & {*LINE, *POLYGON})
AREA_TYPES = frozenset(t for t, kinds in GEOMETRY_KINDS.items() if "Polygon" in kinds)

# A municipal asset drawn by hand or surveyed has tens to a few thousand points. 10,000 keeps every
# real asset, keeps an asset page and its map tile small, and as WKT (about 16–22 bytes a point)
# fits in one CSV row of the import's line limit (IMPORT_MAX_LINE_BYTES).
MAX_VERTICES = 10_000


# --- Geometry ---------------------------------------------------------------------------------


def parse_geometry(value) -> GEOSGeometry:
    """A GEOS geometry from a geometry, WKT, EWKT or GeoJSON text; WGS 84 unless it says."""
    if isinstance(value, GEOSGeometry):
        geom = value
    else:
        try:
            geom = GEOSGeometry(str(value or "").strip())
        except (GEOSException, ValueError, TypeError):
            raise ValidationError(
                _("The location could not be read. Draw it on the map or give WKT / GeoJSON."),
                code="geometry_unreadable",
            ) from None
    if geom.srid is None:
        geom.srid = 4326
    elif geom.srid != 4326:
        geom = geom.transform(4326, clone=True)
    return geom


def validate_in_thailand(geom: GEOSGeometry) -> None:
    """Coordinates must be in Thailand (kernel.geo); say so plainly when latitude and longitude
    are swapped."""
    if problem := extent_problem(*geom.extent):
        raise location_error(problem)


def validate_vertex_count(geom: GEOSGeometry) -> None:
    """At most MAX_VERTICES points: checked before anything costly (validity is quadratic at worst),
    so a million-point polygon is refused at once instead of making a 25 MB page."""
    if geom.num_coords > MAX_VERTICES:
        raise ValidationError(
            _("The shape has %(count)s points; at most %(max)s are accepted. Simplify it (e.g. in "
              "QGIS: Vector › Geometry Tools › Simplify) and try again."),
            params={"count": f"{geom.num_coords:,}", "max": f"{MAX_VERTICES:,}"},
            code="geometry_too_large",
        )


def validate_geometry(geom: GEOSGeometry) -> None:
    """Not empty, not absurdly detailed, geometrically valid (no self-intersection), in Thailand."""
    if geom is None or geom.empty:
        raise ValidationError(_("The location is empty: draw it on the map."), code="geometry_empty")
    validate_vertex_count(geom)
    if not geom.valid:
        raise ValidationError(
            _("The shape is not valid (%(reason)s). Lines of an area must not cross each other."),
            params={"reason": geom.valid_reason},
            code="geometry_invalid",
        )
    validate_in_thailand(geom)


def validate_geometry_kind(asset_type: str, geom: GEOSGeometry) -> None:
    allowed = GEOMETRY_KINDS.get(str(asset_type))
    if allowed is None or geom.geom_type in allowed:
        return
    raise ValidationError(
        _("This asset type must be drawn as %(allowed)s, not as %(given)s."),
        params={
            "allowed": _ALLOWED_WORDS[allowed],
            "given": _KIND_NAMES.get(geom.geom_type, geom.geom_type),
        },
        code="geometry_kind",
    )


def may_wait_for_drawing(asset_type: str, geom: GEOSGeometry | None) -> bool:
    """Whether this asset may be held at a point until its line (or outline) is drawn."""
    return str(asset_type) in DRAWABLE_TYPES and geom is not None and geom.geom_type == "Point"


def validate_asset_geometry(asset_type: str, geom: GEOSGeometry, *, line_pending: bool = False) -> None:
    """A shape the asset type can have; a line or area type waiting for its drawing may be a point."""
    validate_geometry(geom)
    if line_pending and may_wait_for_drawing(asset_type, geom):
        return
    validate_geometry_kind(asset_type, geom)


def validate_point(point: GEOSGeometry) -> None:
    """A location reported by a citizen or staff member: one point in Thailand."""
    if point is None or point.empty:
        raise ValidationError(_("The location is empty: pick it on the map."), code="geometry_empty")
    if point.geom_type != "Point":
        raise ValidationError(_("The location must be a single point."), code="geometry_kind")
    validate_in_thailand(point)


def haversine_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in km; plenty for a 'is this in our town' check."""
    lon1, lat1, lon2, lat2 = map(math.radians, (lon1, lat1, lon2, lat2))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def distance_km(a, b) -> float:
    """haversine_km between two points."""
    return haversine_km(a.x, a.y, b.x, b.y)


def validate_near_municipality(location, municipality) -> None:
    """A reported point inside the municipality's boundary, or at most REPORT_MAX_DISTANCE_KM from
    its centre (the citizens' page and Open311: a national app may send a report to the wrong
    municipality)."""
    from django.conf import settings

    centre = getattr(municipality, "centre", None)
    if centre is None:
        return
    boundary = getattr(municipality, "boundary", None)
    if boundary is not None and boundary.contains(location):
        return
    max_km = settings.REPORT_MAX_DISTANCE_KM
    distance = distance_km(location, centre)
    if distance > max_km:
        raise ValidationError(
            _("This place is %(km)s km from %(name)s. Report problems in other areas to the "
              "municipality responsible there."),
            params={"km": f"{distance:,.0f}", "name": municipality.name_th},
            code="too_far",
        )


def reported_location(lat: float, lon: float, municipality):
    """The Point of a reported problem, checked: in Thailand and near the municipality."""
    from django.contrib.gis.geos import Point

    location = Point(lon, lat, srid=4326)
    validate_point(location)
    validate_near_municipality(location, municipality)
    return location


# --- The municipality's area -------------------------------------------------------------------


def _positions(coords):
    """Every (x, y) of a GEOS `coords` value, however deeply a shape nests them."""
    if coords and isinstance(coords[0], int | float):
        yield coords[0], coords[1]
        return
    for part in coords:
        yield from _positions(part)


@dataclass(frozen=True)
class MunicipalArea:
    """Where a municipality's assets may lie: inside its boundary, or with every point at most
    `max_km` from its centre. It is validate_near_municipality's rule applied to whole shapes (a
    road may run on past the border), with the same distance. What the platform does not know
    (no centre, no boundary) checks nothing beyond Thailand."""

    name: str = ""
    centre: GEOSGeometry | None = None
    boundary: GEOSGeometry | None = None
    max_km: float = 0.0

    @classmethod
    def of(cls, municipality) -> "MunicipalArea":
        from django.conf import settings

        if municipality is None:
            return cls()
        return cls(name=municipality.name_th, centre=getattr(municipality, "centre", None),
                   boundary=getattr(municipality, "boundary", None),
                   max_km=float(settings.REPORT_MAX_DISTANCE_KM))

    @property
    def known(self) -> bool:
        return self.centre is not None or self.boundary is not None

    def too_far(self, km: float) -> ValidationError:
        return ValidationError(
            _("The location is %(km)s km from the centre of %(name)s: outside the municipality "
              "(at most %(max)s km is accepted)."),
            params={"km": f"{km:,.0f}", "name": self.name, "max": f"{self.max_km:,.0f}"},
            code="outside_municipality",
        )

    def outside_boundary(self) -> ValidationError:
        return ValidationError(_("The location is outside the boundary of %(name)s."),
                               params={"name": self.name}, code="outside_municipality")

    @cached_property
    def _prepared_boundary(self):
        return self.boundary.prepared if self.boundary is not None else None

    def in_boundary(self, geom: GEOSGeometry) -> bool:
        return self._prepared_boundary is not None and self._prepared_boundary.contains(geom)

    def problem(self, geom: GEOSGeometry) -> ValidationError | None:
        """None when `geom` lies in the municipality (or nothing is known); else why not."""
        if not self.known or self.in_boundary(geom):
            return None
        if self.centre is None:
            return self.outside_boundary()
        cx, cy = self.centre.x, self.centre.y
        farthest = max(haversine_km(cx, cy, x, y) for x, y in _positions(geom.coords))
        return self.too_far(farthest) if farthest > self.max_km else None
