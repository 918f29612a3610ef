"""How the asset map's vector tiles are cut: which fields travel, from which zoom assets travel
one by one, and the grid clusters below it. Shared by the tile view (views/maps.py) and the map
benchmark (bench/map.py), which cuts the same tiles in raw SQL to measure the web layer's cost.
"""

from psycopg import sql

from kernel.tiles import BUFFER, EXTENT, tile_bounds

# The asset fields a tile carries from DETAIL_ZOOM on: what the map styles and labels by
# (`line_pending`: a line or area known only by its point, drawn as a dashed ring).
ASSET_TILE_FIELDS = ("id", "asset_type", "condition", "code", "name", "line_pending")

# How the asset tiles stay light with 100,000 assets (a pilot-sized town has a few thousand):
# from DETAIL_ZOOM on (a tile ≈ 2.4 km wide) every asset is its own feature, with only the
# fields the map needs. Below it one tile covers a whole town, and 100,000 assets one by one
# would be megabytes per tile and seconds of encoding (measured by `bench/map`: a z12 tile of
# the centre was 2.2 MB). There each layer travels as a grid of clusters instead: one point per
# occupied cell of 1/8 × 1/8 tile (32 screen pixels) with the number of assets in it and the
# worst condition among them, computed by the query that encodes the tile (GROUP BY on the
# cell of each asset's bounding-box centre: no per-row reprojection). An asset is counted in
# the one tile that holds its centre, so counts add up across tiles.
DETAIL_ZOOM = 14
CLUSTER_CELLS = 8  # per tile side
# Condition values from best to worst: a cluster shows the worst condition among its assets.
CONDITION_SEVERITY = ("good", "fair", "poor", "out_of_service")


def detail_zoom(asset_type: str) -> int:
    """The first zoom at which assets of this type travel one by one (the same for every type
    today; a per-type answer keeps the browser and the benchmark honest if that changes)."""
    return DETAIL_ZOOM


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
