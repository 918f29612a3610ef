"""How the asset map's vector tiles are cut: which fields travel, from which zoom assets travel
one by one, the grid clusters below it, and the road/drain base layer. Shared by the tile views
(views/maps.py) and the map benchmark (bench/map.py), which cuts the same tiles in raw SQL to
measure the web layer's cost.

The budget (issue 16): no tile of the 100,000-asset benchmark over 250 KB at any zoom, for a field
phone on 3G. What keeps a tile in it, measured by `bench/map`:
- only what the map styles by and what a tap needs: the id (the popup fetches the rest, names
  included, one asset at a time), the condition, and `pending` only on the few assets whose line
  is not drawn yet (a NULL attribute is not encoded at all). Codes and names were two thirds of
  the old z14 tile (658 KB);
- geometry simplified to half a screen pixel of the tile's zoom before it is encoded;
- grid clusters below each type's detail zoom: point types (street lights, bins…, the dense
  ones) one zoom later than lines and areas.
"""

from django.db.models import F, Value
from django.db.models.functions import NullIf
from psycopg import sql

from kernel.tiles import BUFFER, EXTENT, tile_bounds

from .validators import GEOMETRY_KINDS, POINT

# The asset attributes a tile carries from the detail zoom on (`pending` is line_pending, sent
# only when true).
ASSET_TILE_FIELDS = ("id", "condition", "pending")

# From its detail zoom on every asset of a type is its own feature; below it each layer travels
# as a grid of clusters: one point per occupied cell of 1/8 × 1/8 tile (32 screen pixels) with
# the number of assets in it and the worst condition among them, computed by the query that
# encodes the tile (GROUP BY on the cell of each asset's bounding-box centre: no per-row
# reprojection). An asset is counted in the one tile that holds its centre, so counts add up
# across tiles. At z14 a tile is ≈ 2.4 km wide: a dense town centre has thousands of lights in
# it, and they alone were a third of the tile, so points wait for z15 (≈ 1.2 km).
LINE_DETAIL_ZOOM = 14
POINT_DETAIL_ZOOM = 15
CLUSTER_CELLS = 8  # per tile side
# Condition values from best to worst: a cluster shows the worst condition among its assets.
CONDITION_SEVERITY = ("good", "fair", "poor", "out_of_service")

# The fallback base under the asset map: the road and drain lines the municipality holds, drawn
# faintly whatever the filters, so the town's streets show even when the base map does not load.
BASE_TYPES = ("road", "drain")
BASE_MIN_ZOOM = LINE_DETAIL_ZOOM  # below it the municipality's outline stands in


def detail_zoom(asset_type: str) -> int:
    """The first zoom at which assets of this type travel one by one."""
    return POINT_DETAIL_ZOOM if GEOMETRY_KINDS.get(asset_type) == POINT else LINE_DETAIL_ZOOM


def simplify_tolerance(z: int) -> float:
    """Half a screen pixel at zoom z, in degrees of longitude (a 256-pixel tile spans 360 / 2^z)."""
    return 360.0 / 2**z / 512


def _detail_query(inner: sql.Composable, *, columns: sql.Composable, simplify: bool) -> sql.Composed:
    geometry = (
        sql.SQL("ST_Simplify(src.geometry, %s, true)") if simplify else sql.SQL("src.geometry")
    )
    return sql.SQL(
        "SELECT ST_AsMVT(tile, %s, {extent}, 'mvt_geom') FROM ("
        " SELECT ST_AsMVTGeom(ST_Transform({geometry}, 3857), ST_TileEnvelope(%s, %s, %s),"
        " {extent}, {buffer}, true) AS mvt_geom{columns}"
        " FROM ({inner}) AS src) AS tile WHERE tile.mvt_geom IS NOT NULL"
    ).format(
        extent=sql.Literal(EXTENT), buffer=sql.Literal(BUFFER), geometry=geometry,
        columns=columns, inner=inner,
    )


def detail_sql(queryset, *, layer: str, z: int, x: int, y: int) -> tuple[sql.Composed, list]:
    """The SQL (and its parameters) for `queryset`'s assets of one type inside tile z/x/y, one
    feature each with ASSET_TILE_FIELDS, lines and areas simplified for the zoom."""
    source = (
        queryset.filter(geometry__bboverlaps=tile_bounds(z, x, y))
        .annotate(pending=NullIf(F("line_pending"), Value(False)))
        .values(*ASSET_TILE_FIELDS, "geometry")
    )
    inner_sql, inner_params = source.query.sql_with_params()
    simplify = GEOMETRY_KINDS.get(layer) != POINT
    columns = sql.SQL("").join(
        sql.SQL(", src.{}").format(sql.Identifier(name)) for name in ASSET_TILE_FIELDS
    )
    query = _detail_query(sql.SQL(inner_sql), columns=columns, simplify=simplify)
    tolerance = [simplify_tolerance(z)] if simplify else []
    return query, [layer, *tolerance, z, x, y, *inner_params]


def base_sql(queryset, *, layer: str, z: int, x: int, y: int) -> tuple[sql.Composed, list]:
    """The SQL (and its parameters) for the base layer of one line type in tile z/x/y: shapes
    only, simplified for the zoom."""
    source = queryset.filter(geometry__bboverlaps=tile_bounds(z, x, y)).values("geometry")
    inner_sql, inner_params = source.query.sql_with_params()
    query = _detail_query(sql.SQL(inner_sql), columns=sql.SQL(""), simplify=True)
    return query, [layer, simplify_tolerance(z), z, x, y, *inner_params]


def cluster_sql(queryset, *, layer: str, z: int, x: int, y: int) -> tuple[sql.Composed, list]:
    """The SQL (and its parameters) for grid clusters of `queryset`'s assets inside tile z/x/y,
    as one MVT layer: a point per occupied cell with `count` and the worst `condition`."""
    bounds = tile_bounds(z, x, y, margin=0)
    west, south, east, north = bounds.extent
    cell = 360.0 / 2**z / CLUSTER_CELLS  # degrees; lines up with tile edges in longitude
    source = queryset.filter(geometry__bboverlaps=bounds).values("geometry", "condition")
    inner_sql, inner_params = source.query.sql_with_params()
    query = sql.SQL(
        "SELECT ST_AsMVT(tile, %s, {extent}, 'mvt_geom') FROM ("
        " SELECT ST_AsMVTGeom(ST_Transform(ST_SetSRID(ST_MakePoint(avg(c.cx), avg(c.cy)), 4326), 3857),"
        " ST_TileEnvelope(%s, %s, %s), {extent}, {buffer}, true) AS mvt_geom, count(*)::int AS count,"
        " ({names})[max(c.rank) + 1] AS condition"
        " FROM (SELECT (ST_XMin(src.geometry) + ST_XMax(src.geometry)) / 2 AS cx,"
        " (ST_YMin(src.geometry) + ST_YMax(src.geometry)) / 2 AS cy,"
        " CASE src.condition {severity} ELSE 0 END AS rank FROM ({inner}) AS src) AS c"
        " WHERE c.cx >= %s AND c.cx < %s AND c.cy >= %s AND c.cy < %s"
        " GROUP BY floor(c.cx / %s), floor(c.cy / %s)"
        ") AS tile WHERE tile.mvt_geom IS NOT NULL"
    ).format(
        extent=sql.Literal(EXTENT),
        buffer=sql.Literal(BUFFER),
        names=sql.SQL("ARRAY[{}]").format(sql.SQL(", ").join(sql.Literal(n) for n in CONDITION_SEVERITY)),
        severity=sql.SQL(" ").join(
            sql.SQL("WHEN {} THEN {}").format(sql.Literal(name), sql.Literal(rank))
            for rank, name in enumerate(CONDITION_SEVERITY)
        ),
        inner=sql.SQL(inner_sql),
    )
    params = [layer, z, x, y, *inner_params, west, east, south, north, cell, cell]
    return query, params
