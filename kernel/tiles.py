"""Mapbox vector tiles straight from PostGIS (`ST_AsMVT`), shared by every module's map.

Maps of 100,000 features stay fluent only if the browser gets tiles, never the whole layer as
GeoJSON; the database cuts and encodes each tile in one query. The features come from a Django
queryset, so the same access-checked selector that feeds a list page also feeds its map.
"""

import math
from collections.abc import Sequence
from typing import Any

from django.contrib.gis.geos import Polygon
from django.db import connection
from django.db.models import QuerySet
from django.http import HttpResponse
from psycopg import sql

MVT_CONTENT_TYPE = "application/vnd.mapbox-vector-tile"
MAX_ZOOM = 22
EXTENT = 4096
BUFFER = 64


def tile_is_valid(z: int, x: int, y: int, *, max_zoom: int = MAX_ZOOM) -> bool:
    return 0 <= z <= max_zoom and 0 <= x < 2**z and 0 <= y < 2**z


def tile_bounds(z: int, x: int, y: int, *, margin: float = BUFFER / EXTENT) -> Polygon:
    """The tile's WGS 84 bounding box, widened by the MVT buffer so edge features are kept."""
    n = 1 << z

    def lon(tx: float) -> float:
        return tx / n * 360.0 - 180.0

    def lat(ty: float) -> float:
        return float(math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * ty / n)))))

    west, east = lon(x - margin), lon(x + 1 + margin)
    north, south = lat(max(y - margin, 0)), lat(min(y + 1 + margin, n))
    return Polygon.from_bbox((west, south, east, north))


def mvt_sql(
    queryset: QuerySet[Any],
    *,
    layer: str,
    fields: Sequence[str],
    z: int,
    x: int,
    y: int,
    geometry_field: str = "geometry",
) -> tuple[sql.Composed, list[Any]]:
    """The SQL (and its parameters) that encodes the features of `queryset` (geometry in SRID
    4326) inside tile z/x/y as one MVT layer.

    `fields` are the attribute names carried in the tile (plain fields or annotations of the
    queryset). Keep them free of personal data: tiles are bulk data.
    """
    source = queryset.filter(**{f"{geometry_field}__bboverlaps": tile_bounds(z, x, y)}).values(
        *fields, geometry_field
    )
    inner_sql, inner_params = source.query.sql_with_params()
    query = sql.SQL(
        "SELECT ST_AsMVT(tile, %s, {extent}, 'mvt_geom') FROM ("
        " SELECT ST_AsMVTGeom(ST_Transform(src.{geom}, 3857), ST_TileEnvelope(%s, %s, %s),"
        " {extent}, {buffer}, true) AS mvt_geom, {columns}"
        " FROM ({inner}) AS src) AS tile WHERE tile.mvt_geom IS NOT NULL"
    ).format(
        extent=sql.Literal(EXTENT),
        buffer=sql.Literal(BUFFER),
        geom=sql.Identifier(geometry_field),
        columns=sql.SQL(", ").join(sql.SQL("src.{}").format(sql.Identifier(f)) for f in fields),
        inner=sql.SQL(inner_sql),
    )
    return query, [layer, z, x, y, *inner_params]


def mvt_layers(layers: Sequence[tuple[sql.Composable, Sequence[Any]]]) -> bytes:
    """Several MVT layers (each a (query, params) pair as `mvt_sql` returns) cut in ONE
    statement: MVT layers concatenate byte for byte into one tile, and one round trip per tile
    instead of one per layer keeps the endpoint close to the bare SQL."""
    if not layers:
        return b""
    query = sql.SQL("SELECT {}").format(
        sql.SQL(" || ").join(
            sql.SQL("COALESCE(({}), ''::bytea)").format(layer_sql) for layer_sql, _params in layers
        )
    )
    params = [param for _sql, layer_params in layers for param in layer_params]
    with connection.cursor() as cursor:
        cursor.execute(query.as_string(cursor.connection), params)
        row = cursor.fetchone()
    return bytes(row[0]) if row and row[0] is not None else b""


def mvt_tile(
    queryset: QuerySet[Any],
    *,
    layer: str,
    fields: Sequence[str],
    z: int,
    x: int,
    y: int,
    geometry_field: str = "geometry",
) -> bytes:
    """The features of `queryset` inside tile z/x/y, as MVT bytes (one layer)."""
    return mvt_layers([
        mvt_sql(queryset, layer=layer, fields=fields, z=z, x=x, y=y, geometry_field=geometry_field)
    ])


def tile_response(data: bytes, *, max_age: int = 60) -> HttpResponse:
    """Tiles are tenant data behind a login: cache in the browser only, never in shared caches."""
    response = HttpResponse(data, content_type=MVT_CONTENT_TYPE)
    response["Cache-Control"] = f"private, max-age={max_age}"
    return response
