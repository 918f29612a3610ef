"""Measurements in metres on WGS 84 geometries, done by PostGIS on the geography type (the
coordinates are degrees, so a plain ST_Length would answer in degrees)."""

from django.contrib.gis.geos import GEOSGeometry
from django.db import connection


def geodesic_length_m(geom: GEOSGeometry) -> float:
    """Length of a line in metres on the spheroid; 0 for points and areas."""
    if geom is None or geom.geom_type not in ("LineString", "MultiLineString"):
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT ST_Length(ST_GeomFromEWKB(%s)::geography)", [bytes(geom.ewkb)])
        return float(cursor.fetchone()[0] or 0.0)


def degrees_margin(metres: float) -> float:
    """A distance in degrees that is always ≥ `metres` anywhere in Thailand (lat ≤ 21°): a cheap
    index-using pre-filter before the exact distance in metres."""
    return metres / 100_000  # one degree of longitude at 21° N is ≈ 104 km
