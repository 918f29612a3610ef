"""The API's GeoJSON asset list on 100,000 assets, against the same FeatureCollection built by
PostgreSQL alone, and what an `If-None-Match` revalidation (304) costs against a full answer.

The endpoint runs through Django's test client with a bearer token, so tenant routing, every
middleware, the token check and rate limit, validation, the ETag query and serialising are paid
for. The baseline is one SQL statement returning the same page of features as JSON text
(`json_agg` over `ST_AsGeoJSON`), sent with psycopg straight to the municipality's schema.
There is no target in the issue; the ratio says what the API layer costs on top of PostGIS.
"""

import statistics

import psycopg
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context
from psycopg import sql

from bench.harness import Report, Row, fmt_ratio, fmt_time, p95, timed
from bench.map import CENTRE, MIX, load_assets
from tenants.services.municipalities import municipality_create

SCHEMA = "benchapi"
HOST = f"{SCHEMA}.localhost"
ROUNDS = 15
PAGES = {  # name → (query string, page, page size)
    "first 100": ("", 1, 100),
    "first 1000": ("page_size=1000", 1, 1000),
    "streetlights page 20 of 1000": ("asset_type=streetlight&page=20&page_size=1000", 20, 1000),
}


def run(report: Report) -> None:
    report.progress(f"creating municipality {SCHEMA}")
    municipality_create(
        schema_name=SCHEMA, domain=HOST, name_th="เทศบาลทดสอบ API", name_en="API bench",
        province_code="92", district_code="9202", lat=CENTRE[1], lon=CENTRE[0],
    )
    total = sum(n for _t, _p, n, _s in MIX)
    report.progress(f"loading {total:,} assets")
    load_assets(SCHEMA)
    client, token = _client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    with _raw_connection() as raw:
        for name, (query, page, size) in PAGES.items():
            _bench_page(report, client, headers, raw, name, query, page, size)
    _bench_revalidation(report, client, headers)


def _client() -> tuple[Client, str]:
    from accounts.models import User
    from accounts.roles import Role
    from accounts.services import user_set_role
    from accounts.tokens import api_token_create

    with schema_context(SCHEMA):
        user = User.objects.create_user(username="engineer", password="bench-pass-1234")
        user_set_role(user=user, role=Role.ENGINEER)
        _token, raw = api_token_create(user=user, name="bench")
    from django.test import override_settings

    override_settings(API_RATE_LIMIT=(10**9, 60)).enable()  # the bench is not a flood
    return Client(HTTP_HOST=HOST), raw


def _raw_connection() -> psycopg.Connection:
    s = connection.settings_dict
    conn = psycopg.connect(host=s["HOST"], port=s["PORT"], user=s["USER"], password=s["PASSWORD"],
                           dbname=s["NAME"], autocommit=True)
    conn.execute(sql.SQL("SET search_path = {}, public").format(sql.Identifier(SCHEMA)))
    return conn


def _raw_sql(query: str, page: int, size: int) -> sql.Composable:
    where = sql.SQL("WHERE asset_type = 'streetlight'") if "asset_type=streetlight" in query else sql.SQL("")
    return sql.SQL(
        "SELECT json_build_object('type', 'FeatureCollection', 'numberMatched',"
        " (SELECT count(*) FROM infrastructure_asset {where}),"
        " 'features', coalesce(json_agg(json_build_object("
        " 'type', 'Feature', 'id', code, 'geometry', ST_AsGeoJSON(geometry, 7)::json, 'properties',"
        " json_build_object('code', code, 'asset_type', asset_type, 'name', name, 'condition', condition,"
        " 'status', status, 'installed_on', installed_on, 'community', community, 'attributes', attributes,"
        " 'updated_at', updated_at)) ORDER BY code), '[]'))::text"
        " FROM (SELECT * FROM infrastructure_asset {where} ORDER BY code LIMIT {size} OFFSET {offset}) AS a"
    ).format(where=where, size=sql.Literal(size), offset=sql.Literal((page - 1) * size))


def _bench_page(report, client, headers, raw, name, query, page, size) -> None:
    path = "/api/v1/assets/" + (f"?{query}" if query else "")
    statement = _raw_sql(query, page, size).as_string(raw)

    def fetch():
        response = client.get(path, **headers)
        assert response.status_code == 200, (path, response.status_code, response.content[:300])
        return response.content

    def build():
        return raw.execute(statement).fetchone()[0]

    web, bare = fetch(), build()  # warm-up
    api_times, sql_times = [], []
    report.progress(f"timing {name}: {ROUNDS} rounds, endpoint and raw SQL interleaved")
    for _round in range(ROUNDS):
        api_times.append(timed(fetch)[0])
        sql_times.append(timed(build)[0])
    api, base = statistics.median(api_times), statistics.median(sql_times)
    report.add(Row(
        name=f"api.assets ({name})",
        figures=f"p50 {fmt_time(api)}  p95 {fmt_time(p95(api_times))}",
        baseline=f"vs SQL-built GeoJSON p50 {fmt_time(base)}: {fmt_ratio(api, base)}",
        notes=[f"{len(web) / 1024:.0f} KB from the API, {len(bare) / 1024:.0f} KB from SQL"],
    ))


def _bench_revalidation(report, client, headers) -> None:
    path = "/api/v1/assets/?page_size=1000"
    etag = client.get(path, **headers)["ETag"]

    def full():
        assert client.get(path, **headers).status_code == 200

    def revalidate():
        assert client.get(path, HTTP_IF_NONE_MATCH=etag, **headers).status_code == 304

    full(), revalidate()
    full_times = [timed(full)[0] for _ in range(ROUNDS)]
    cached_times = [timed(revalidate)[0] for _ in range(ROUNDS)]
    a, b = statistics.median(cached_times), statistics.median(full_times)
    report.add(Row(
        name="api.assets 304 (If-None-Match, 1000 features)",
        figures=f"p50 {fmt_time(a)}  p95 {fmt_time(p95(cached_times))}",
        baseline=f"vs the full 200 p50 {fmt_time(b)}: {fmt_ratio(a, b)}",
    ))
