"""The asset map on 100,000 assets: the vector-tile endpoint against the raw `ST_AsMVT` SQL for
the same tiles, the weight of every tile per zoom (asset tiles and the road/drain base layer), and
the asset list page against a trivial signed-in page.

The tile endpoint runs through Django's test client with a signed-in engineer, so every
middleware (tenant routing, session, authentication, CSP…) and the permission check are paid
for; the raw SQL is the same tile cut by hand in one statement per tile, sent with psycopg
straight to the municipality's schema. Their ratio is what the web layer costs on top of
PostGIS (issue 3 target: ≤ 1.5×). The tiles' weight is what a field phone on 3G downloads
(issue 16 target: no tile over 250 KB at any zoom).
"""

import statistics
from urllib.parse import urlencode

import psycopg
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_tenants.utils import schema_context
from psycopg import sql

from bench.harness import Report, Row, fmt_ratio, fmt_time, p95, timed
from infrastructure.models import AssetType
from infrastructure.tiles import (
    BASE_MIN_ZOOM,
    CLUSTER_CELLS,
    CONDITION_SEVERITY,
    detail_zoom,
    simplify_tolerance,
)
from infrastructure.validators import GEOMETRY_KINDS, POINT
from kernel.tiles import BUFFER, EXTENT, tile_bounds
from tenants.services.municipalities import municipality_create

SCHEMA = "benchmap"
HOST = f"{SCHEMA}.localhost"
CENTRE = (99.519, 7.41)  # Kantang (lon, lat)
SPREAD = 0.06  # degrees either side of the centre (≈ 6.6 km), denser towards the middle
# (type, code prefix, how many, shape): 100,000 in all, in the proportions of a town's registry.
MIX = [
    ("streetlight", "SL", 36_000, "point"),
    ("waste_bin", "WB", 14_000, "point"),
    ("cctv", "CC", 3_000, "point"),
    ("hydrant", "HY", 3_000, "point"),
    ("road", "RD", 18_000, "line"),
    ("drain", "DR", 12_000, "line"),
    ("water_pipe", "WP", 8_000, "line"),
    ("bridge", "BR", 500, "line"),
    ("building", "BD", 5_500, "area"),
]
ZOOMS = (11, 12, 13, 14, 15, 16)
ROUNDS = 7  # timed requests per tile and method, after one untimed warm-up each
PAGE_ROUNDS = 15
TILE_TARGET = 1.5
TILE_MAX_KB = 250


def run(report: Report) -> None:
    report.progress(f"creating municipality {SCHEMA}")
    municipality_create(
        schema_name=SCHEMA, domain=HOST, name_th="เทศบาลทดสอบแผนที่", name_en="Map bench",
        province_code="92", district_code="9202", lat=CENTRE[1], lon=CENTRE[0],
    )
    total = sum(n for _t, _p, n, _s in MIX)
    report.progress(f"loading {total:,} assets with one INSERT … SELECT generate_series")
    elapsed, _ = timed(load_assets)
    report.progress(f"loaded in {fmt_time(elapsed)}")
    client = _engineer_client()
    tiles = _tiles()
    with _raw_connection() as raw:
        sizes = _bench_tiles(report, client, raw, tiles, total)
    _weigh_tiles(report, client, tiles, sizes)
    _bench_pages(report, client)


# --- Data -------------------------------------------------------------------------------------

def load_assets(schema: str = SCHEMA) -> None:
    spec = sql.SQL(", ").join(
        sql.SQL("({}, {}, {}, {})").format(sql.Literal(t), sql.Literal(p), sql.Literal(n), sql.Literal(s))
        for t, p, n, s in MIX
    )
    lon, lat = CENTRE
    # random() + random() - 1 is a triangle distribution: dense downtown, sparse outskirts.
    statement = sql.SQL("""
        SELECT setseed(0.42);
        INSERT INTO infrastructure_asset (code, asset_type, name, geometry, condition, status,
            installed_on, community, attributes, notes, created_at, updated_at)
        SELECT prefix || '-' || lpad(i::text, 6, '0'), asset_type, prefix || ' ' || i,
            CASE shape
              WHEN 'point' THEN ST_SetSRID(ST_MakePoint(x, y), 4326)
              WHEN 'line' THEN ST_SetSRID(ST_MakeLine(ARRAY[ST_MakePoint(x, y),
                  ST_MakePoint(x + len * cos(a), y + len * sin(a)),
                  ST_MakePoint(x + len * (cos(a) + 0.3), y + len * (sin(a) - 0.2))]), 4326)
              ELSE ST_MakeEnvelope(x, y, x + 0.0001 + len / 20, y + 0.0001 + len / 25, 4326)
            END,
            CASE WHEN c < 0.6 THEN 'good' WHEN c < 0.85 THEN 'fair' WHEN c < 0.96 THEN 'poor'
                 ELSE 'out_of_service' END,
            'in_use', DATE '2000-01-01' + (i % 8000), 'ชุมชนที่ ' || (1 + i % 24), '{{}}'::jsonb, '',
            now(), now()
        FROM (
            SELECT s.asset_type, s.prefix, s.shape, g AS i,
                {lon} + (random() + random() - 1) * {spread} AS x,
                {lat} + (random() + random() - 1) * {spread} AS y,
                0.0005 + random() * 0.0025 AS len, random() * 2 * pi() AS a, random() AS c
            FROM (VALUES {spec}) AS s(asset_type, prefix, n, shape), generate_series(1, s.n) AS g
        ) AS rows;
        ANALYZE infrastructure_asset;
    """).format(spec=spec, lon=sql.Literal(lon), lat=sql.Literal(lat), spread=sql.Literal(SPREAD))
    with schema_context(schema), connection.cursor() as cursor:
        cursor.execute(statement.as_string(cursor.connection))


def _engineer_client() -> Client:
    from accounts.models import User
    from accounts.roles import Role
    from accounts.services import user_set_role

    with schema_context(SCHEMA):
        user = User.objects.create_user(username="engineer", password="bench-pass-1234")
        user_set_role(user=user, role=Role.ENGINEER)
        client = Client(HTTP_HOST=HOST)
        client.force_login(user)
    return client


def _tiles() -> list[tuple[int, int, int]]:
    """Two tiles per zoom: the one holding the centre and its eastern neighbour."""
    import math

    lon, lat = CENTRE
    tiles = []
    for z in ZOOMS:
        n = 2**z
        x = int((lon + 180) / 360 * n)
        y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
        tiles += [(z, x, y), (z, x + 1, y)]
    return tiles


# --- Raw SQL for the same tiles ---------------------------------------------------------------

def _raw_connection() -> psycopg.Connection:
    s = connection.settings_dict
    conn = psycopg.connect(
        host=s["HOST"], port=s["PORT"], user=s["USER"], password=s["PASSWORD"], dbname=s["NAME"],
        autocommit=True,
    )
    conn.execute(sql.SQL("SET search_path = {}, public").format(sql.Identifier(SCHEMA)))
    return conn


def _raw_layer(asset_type: str, z: int, x: int, y: int) -> sql.Composable:
    envelope = sql.SQL("ST_TileEnvelope({}, {}, {})").format(sql.Literal(z), sql.Literal(x), sql.Literal(y))
    if z >= detail_zoom(asset_type):
        box = tile_bounds(z, x, y).extent
        # Lines and areas simplified to half a pixel of the zoom; `pending` only when true.
        tolerance = sql.Literal(simplify_tolerance(z))
        geometry = (sql.SQL("geometry") if GEOMETRY_KINDS[asset_type] == POINT
                    else sql.SQL("ST_Simplify(geometry, {}, true)").format(tolerance))
        return sql.SQL(
            "SELECT ST_AsMVT(t, {layer}, {extent}, 'mvt_geom') FROM ("
            " SELECT ST_AsMVTGeom(ST_Transform({geometry}, 3857), {envelope}, {extent}, {buffer}, true)"
            " AS mvt_geom, id, condition, NULLIF(line_pending, false) AS pending FROM infrastructure_asset"
            " WHERE asset_type = {layer} AND geometry && ST_MakeEnvelope({box}, 4326)) AS t"
            " WHERE t.mvt_geom IS NOT NULL"
        ).format(
            layer=sql.Literal(asset_type), extent=sql.Literal(EXTENT), buffer=sql.Literal(BUFFER),
            geometry=geometry, envelope=envelope, box=sql.SQL(", ").join(map(sql.Literal, box)),
        )
    west, south, east, north = tile_bounds(z, x, y, margin=0).extent
    cell = 360.0 / 2**z / CLUSTER_CELLS
    severity = sql.SQL(" ").join(
        sql.SQL("WHEN {} THEN {}").format(sql.Literal(name), sql.Literal(rank))
        for rank, name in enumerate(CONDITION_SEVERITY)
    )
    return sql.SQL(
        "SELECT ST_AsMVT(t, {layer}, {extent}, 'mvt_geom') FROM ("
        " SELECT ST_AsMVTGeom(ST_Transform(ST_SetSRID(ST_MakePoint(avg(cx), avg(cy)), 4326), 3857),"
        " {envelope}, {extent}, {buffer}, true) AS mvt_geom,"
        " count(*)::int AS count, ({names})[max(rank) + 1] AS condition FROM ("
        "  SELECT (ST_XMin(geometry) + ST_XMax(geometry)) / 2 AS cx,"
        "  (ST_YMin(geometry) + ST_YMax(geometry)) / 2 AS cy,"
        "  CASE condition {severity} ELSE 0 END AS rank FROM infrastructure_asset"
        "  WHERE asset_type = {layer} AND geometry && ST_MakeEnvelope({w}, {s}, {e}, {n}, 4326)) AS c"
        " WHERE cx >= {w} AND cx < {e} AND cy >= {s} AND cy < {n}"
        " GROUP BY floor(cx / {cell}), floor(cy / {cell})) AS t"
        " WHERE t.mvt_geom IS NOT NULL"
    ).format(
        layer=sql.Literal(asset_type), extent=sql.Literal(EXTENT), buffer=sql.Literal(BUFFER),
        envelope=envelope,
        names=sql.SQL("ARRAY[{}]").format(sql.SQL(", ").join(map(sql.Literal, CONDITION_SEVERITY))),
        severity=severity, w=sql.Literal(west), s=sql.Literal(south), e=sql.Literal(east),
        n=sql.Literal(north), cell=sql.Literal(cell),
    )


def _raw_tile_sql(z: int, x: int, y: int) -> sql.Composable:
    """The whole tile in one statement: every type's layer, concatenated."""
    return sql.SQL("SELECT {}").format(sql.SQL(" || ").join(
        # In the endpoint's layer order, so both cut byte-identical tiles.
        sql.SQL("COALESCE(({}), ''::bytea)").format(_raw_layer(t, z, x, y)) for t in AssetType.values
    ))


# --- Timing -----------------------------------------------------------------------------------

def _bench_tiles(report: Report, client: Client, raw: psycopg.Connection, tiles, total: int) -> dict:
    endpoint: dict[int, list[float]] = {z: [] for z in ZOOMS}
    direct: dict[int, list[float]] = {z: [] for z in ZOOMS}
    sizes: dict[int, list[tuple[int, int]]] = {z: [] for z in ZOOMS}
    queries = {tile: _raw_tile_sql(*tile).as_string(raw) for tile in tiles}
    urls = {tile: reverse("infrastructure:asset-tiles", urlconf="cityplatform.urls_tenant", args=tile)
            for tile in tiles}

    def fetch(tile):
        response = client.get(urls[tile])
        assert response.status_code == 200, (tile, response.status_code)
        return response.content

    def cut(tile):
        return bytes(raw.execute(queries[tile]).fetchone()[0])

    report.progress(f"timing {len(tiles)} tiles × {ROUNDS} rounds, endpoint and raw SQL interleaved")
    for tile in tiles:
        web, sql_bytes = fetch(tile), cut(tile)  # warm-up: plans, caches, imports
        sizes[tile[0]].append((len(web), len(sql_bytes)))
        for _round in range(ROUNDS):
            endpoint[tile[0]].append(timed(fetch, tile)[0])
            direct[tile[0]].append(timed(cut, tile)[0])

    everything_web = [t for z in ZOOMS for t in endpoint[z]]
    everything_raw = [t for z in ZOOMS for t in direct[z]]
    ratio = statistics.median(everything_web) / statistics.median(everything_raw)
    notes = []
    for z in ZOOMS:
        web, bare = endpoint[z], direct[z]
        kb = " + ".join(f"{w / 1024:.0f}" for w, _r in sizes[z])
        same = all(w == r for w, r in sizes[z])
        notes.append(
            f"z{z}: endpoint p50 {fmt_time(statistics.median(web))} p95 {fmt_time(p95(web))}; "
            f"raw SQL p50 {fmt_time(statistics.median(bare))} p95 {fmt_time(p95(bare))}; "
            f"{fmt_ratio(statistics.median(web), statistics.median(bare))}; tiles {kb} KB"
            f"{'' if same else ' (sizes differ from the raw SQL tiles!)'}"
        )
    notes.append(
        f"{total:,} assets in {SCHEMA}; grid clusters below z{detail_zoom('road')} (lines, areas) and "
        f"z{detail_zoom('streetlight')} (points); two tiles per zoom: the centre's and its eastern neighbour"
    )
    report.add(Row(
        name="map.asset_tiles",
        figures=(f"endpoint p50 {fmt_time(statistics.median(everything_web))} "
                 f"p95 {fmt_time(p95(everything_web))}"),
        target=f"≤ {TILE_TARGET}× raw SQL (p50)",
        verdict=Report.verdict(ratio <= TILE_TARGET),
        baseline=(f"vs raw ST_AsMVT p50 {fmt_time(statistics.median(everything_raw))} "
                  f"p95 {fmt_time(p95(everything_raw))}: ×{ratio:.2f}"),
        notes=notes,
    ))
    return sizes


def _weigh_tiles(report: Report, client: Client, tiles, sizes: dict[int, list[tuple[int, int]]]) -> None:
    """Every tile's weight per zoom: the asset tiles timed above, and the road and drain base layer
    drawn under them (from BASE_MIN_ZOOM; empty below)."""
    base: dict[int, list[int]] = {z: [] for z in ZOOMS}
    for tile in tiles:
        url = reverse("infrastructure:asset-base-tiles", urlconf="cityplatform.urls_tenant", args=tile)
        response = client.get(url)
        assert response.status_code == 200, (tile, response.status_code)
        base[tile[0]].append(len(response.content))
    heaviest = max(
        [(web, f"asset z{z}") for z in ZOOMS for web, _raw in sizes[z]]
        + [(size, f"base z{z}") for z in ZOOMS for size in base[z]]
    )
    notes = [
        f"z{z}: asset tiles {' + '.join(f'{w / 1024:.0f}' for w, _r in sizes[z])} KB; "
        f"base {' + '.join(f'{b / 1024:.0f}' for b in base[z])} KB"
        + ("" if z >= BASE_MIN_ZOOM else f" (no base below z{BASE_MIN_ZOOM})")
        for z in ZOOMS
    ]
    report.add(Row(
        name="map.tile_weight",
        figures=f"heaviest {heaviest[0] / 1024:.0f} KB ({heaviest[1]})",
        target=f"≤ {TILE_MAX_KB} KB every tile",
        verdict=Report.verdict(heaviest[0] <= TILE_MAX_KB * 1024),
        baseline="before issue 16: 658 KB (asset z14)",
        notes=notes,
    ))


def _bench_pages(report: Report, client: Client) -> None:
    def url(name: str, **query) -> str:
        path = reverse(name, urlconf="cityplatform.urls_tenant")
        return f"{path}?{urlencode(query)}" if query else path

    pages = {
        "first page": url("infrastructure:asset-list"),
        "filtered page": url("infrastructure:asset-list", asset_type="streetlight", condition="poor",
                             community="ชุมชนที่ 7"),
        "search": url("infrastructure:asset-list", q="SL-0123"),
        "page 50": url("infrastructure:asset-list", page=50),
        "map page": url("infrastructure:asset-map"),
        # The map's search box: code or name, spaces set aside, over all 100,000 assets.
        "map search": url("infrastructure:asset-map-search", q="SL-0123"),
        "map search by name": url("infrastructure:asset-map-search", q="rd 1234"),
    }
    baseline_url = url("accounts:profile")

    def get(path):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)

    report.progress(f"timing the asset list and map pages, {PAGE_ROUNDS} rounds each")
    times = {name: [] for name in pages}
    baseline = []
    for path in (*pages.values(), baseline_url):
        get(path)  # warm-up
    for _round in range(PAGE_ROUNDS):
        baseline.append(timed(get, baseline_url)[0])
        for name, path in pages.items():
            times[name].append(timed(get, path)[0])
    base = statistics.median(baseline)
    for name, values in times.items():
        typical = statistics.median(values)
        report.add(Row(
            name=f"map.{name.replace(' ', '_')}",
            figures=f"p50 {fmt_time(typical)}  p95 {fmt_time(p95(values))}",
            baseline=f"vs the profile page p50 {fmt_time(base)}: {fmt_ratio(typical, base)}",
        ))
