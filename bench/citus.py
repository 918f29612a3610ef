"""The platform on one server against the same platform on a Citus cluster (issue 21).

One run, the same workload three times, each in a child process of its own with the same code:
**single** (the bench database on the project's PostgreSQL), **citus-1** (scripts/citus.sh's
coordinator with one worker holding the municipalities: the second is told to take none) and
**citus-2** (both workers). The workload, on BENCH_CITUS_N municipalities provisioned from the
release's template: API reads (GeoJSON asset pages through Django's test client with a token),
the dashboard (the aggregate refresh of every municipality, then the executive's page) and an
import (a 2,000-row asset CSV through the import engine). Then, on the cluster: the catalog on
each node (relations, catalog size), a municipality moved between workers under a steady stream of
reads and writes (client errors, the longest a write waited, the move's total time) and a
rebalance after piling every municipality on one worker.

On one 2-core machine the three nodes share the cores and talk over loopback: the ratios are the
overhead Citus adds (routing through the coordinator, a network hop, 2PC for DDL), not scale-out.
On separate machines each worker brings its own cores, memory and cache for its share of the
municipalities, at about the same per-query overhead. Nothing here fails on a timing.
"""

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg

from bench.harness import BASE_DIR, Report, Row, fmt_ratio, fmt_time, median, p95

N = int(os.environ.get("BENCH_CITUS_N", "6"))
ASSETS = 500  # per municipality, for the API pages
IMPORT_ROWS = 2000
API_ROUNDS = 20
COORDINATOR = "postgres://city:city@127.0.0.1:5450/cityplatform"
TARBALL = BASE_DIR.parent / "shared" / "vendor" / "citus-13.2.2.tar.gz"
MODES = ("single", "citus-1", "citus-2")


# --- the parent: the bench process ------------------------------------------------------------
def run(report: Report) -> None:
    if not TARBALL.exists():
        report.add(Row("citus", f"skipped: no Citus source at {TARBALL}"))
        return
    report.progress("starting the Citus cluster (scripts/citus.sh start; builds Citus once)")
    started = _script("start")
    if started.returncode != 0:
        report.add(Row("citus", "skipped: the cluster could not be built or started",
                       notes=(started.stdout + started.stderr).strip().splitlines()[-5:]))
        return
    results = {}
    for mode in MODES:
        url = os.environ["DATABASE_URL"]
        if mode != "single":
            _script("reset")
            url = COORDINATOR
            if mode == "citus-1":
                with psycopg.connect(COORDINATOR, autocommit=True) as conn:
                    conn.execute("SELECT citus_set_node_property('127.0.0.1', 5452, 'shouldhaveshards',"
                                 " false)")
        report.progress(f"{mode}: {N} municipalities, API reads, dashboard, import"
                        + (", catalog, move under load, rebalance" if mode == "citus-2" else ""))
        results[mode] = _child(mode, url)
    _script("reset")  # the cluster's database back to empty: nothing of the bench stays
    _report(report, results)


def _script(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["scripts/citus.sh", *args], cwd=BASE_DIR, capture_output=True, text=True,
                          check=False)


def _child(mode: str, url: str) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "CITUS": "0" if mode == "single" else "1", "DEBUG": "0",
           "DJANGO_SETTINGS_MODULE": "cityplatform.settings_test"}
    done = subprocess.run([sys.executable, "-m", "bench.citus", mode], cwd=BASE_DIR, env=env,
                          capture_output=True, text=True, check=False)
    for line in reversed(done.stdout.splitlines()):
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    raise RuntimeError(f"bench.citus {mode} failed:\n" + "\n".join(done.stderr.strip().splitlines()[-20:]))


def _report(report: Report, results: dict) -> None:
    base = results["single"]

    def line(name: str, key: str, fmt=fmt_time) -> None:
        figures = "  ".join(f"{mode} {fmt(results[mode][key])}" for mode in MODES)
        ratios = ", ".join(f"{mode} {fmt_ratio(results[mode][key], base[key])}" for mode in MODES[1:])
        report.add(Row(name, figures, baseline=f"vs single: {ratios}"))

    line(f"provision a municipality (template), median of {N}", "provision")
    line("API asset page (100 features), median", "api_p50")
    line("API asset page (100 features), p95", "api_p95")
    line(f"dashboard refresh, all {N} municipalities", "refresh")
    line("executive's dashboard page, median", "dashboard_p50")
    line(f"import {IMPORT_ROWS:,} assets (CSV, engine)", "import")
    cluster = results["citus-2"]
    for node, (relations, size) in cluster["catalog"].items():
        report.add(Row(f"catalog on {node} at N={N}",
                       f"{relations:,} relations, pg_catalog {size / 1e6:.1f} MB",
                       baseline=f"single server: {base['catalog']['single'][0]:,} relations, "
                                f"{base['catalog']['single'][1] / 1e6:.1f} MB"))
    move = cluster["move"]
    report.add(Row("move a municipality under load (citus_schema_move, logical)",
                   f"client errors {move['errors']}, longest write wait {fmt_time(move['longest'])}, "
                   f"total {fmt_time(move['seconds'])}, "
                   f"{move['writes']} writes + {move['reads']} reads meanwhile",
                   target="0 client errors", verdict=Report.verdict(move["errors"] == 0),
                   baseline=f"write p50 without a move {fmt_time(move['normal_p50'])}"))
    rebalance = cluster["rebalance"]
    report.add(Row(f"rebalance {N} municipalities piled on one worker",
                   f"{rebalance['moves']} municipalities ({rebalance['shards']} tables) moved in "
                   f"{fmt_time(rebalance['seconds'])}, "
                   f"municipalities per worker after: {rebalance['after']}"))
    report.add(Row("note", "one 2-core machine: these ratios are Citus's overhead, not scale-out",
                   notes=["on separate machines each worker adds its own cores, memory and cache for its "
                          "municipalities; the per-query overhead (coordinator hop) stays"]))


# --- the child: one mode's workload -----------------------------------------------------------
def child(mode: str) -> dict:
    import django

    sys.path.insert(0, str(BASE_DIR))
    django.setup()
    from django.core.management import call_command

    from tenants.services.municipalities import platform_tenant_ensure

    call_command("migrate_municipalities", verbosity=0)
    platform_tenant_ensure()
    schemas = [f"benchc{i:03d}" for i in range(N)]
    out: dict = {"provision": median([_provision(schema) for schema in schemas])}
    for schema in schemas:
        _load_assets(schema)
    out.update(_api(schemas))
    out.update(_dashboard(schemas))
    out["import"] = _import(schemas[0])
    out["catalog"] = _catalog(mode)
    if mode == "citus-2":
        out["move"] = _move_under_load(schemas[1])
        out["rebalance"] = _rebalance()
    return out


def _provision(schema: str) -> float:
    from tenants.services.municipalities import municipality_create

    started = time.perf_counter()
    municipality_create(schema_name=schema, domain=f"{schema}.localhost", name_th=f"เทศบาลทดสอบ {schema}",
                        province_code="92", district_code="9202", lat=7.41, lon=99.52, is_test=True)
    return time.perf_counter() - started


def _load_assets(schema: str) -> None:
    from django.db import connection
    from django_tenants.utils import schema_context

    with schema_context(schema), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO infrastructure_asset (code, asset_type, name, geometry, condition, status,"
            " installed_on,"
            " community, attributes, notes, line_pending, created_at, updated_at)"
            " SELECT 'SL-' || lpad(i::text, 6, '0'), 'streetlight', 'เสาไฟ ' || i,"
            " ST_SetSRID(ST_MakePoint(99.5 + (i %% 50) * 0.001, 7.4 + (i / 50) * 0.001), 4326),"
            " 'good', 'in_use', DATE '2020-01-01', '', '{}'::jsonb, '', false, now(), now()"
            " FROM generate_series(1, %s) AS i", [ASSETS])


def _user(schema: str, username: str, role):
    from django_tenants.utils import schema_context

    from accounts.models import User
    from accounts.services import user_set_role

    with schema_context(schema):
        user = User.objects.create_user(username=username, password="bench-pass-1234")
        user_set_role(user=user, role=role)
    return user


def _api(schemas: list[str]) -> dict:
    from django.test import Client, override_settings
    from django_tenants.utils import schema_context

    from accounts.roles import Role
    from accounts.tokens import api_token_create

    override_settings(API_RATE_LIMIT=(10**9, 60)).enable()
    clients = []
    for schema in schemas:
        user = _user(schema, "engineer", Role.ENGINEER)
        with schema_context(schema):
            _token, raw = api_token_create(user=user, name="bench")
        clients.append((Client(HTTP_HOST=f"{schema}.localhost"), {"HTTP_AUTHORIZATION": f"Bearer {raw}"}))
    times = []
    for round_ in range(API_ROUNDS):
        for client, headers in clients:
            started = time.perf_counter()
            response = client.get(f"/api/v1/assets/?page_size=100&page={1 + round_ % 5}", **headers)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
    return {"api_p50": median(times), "api_p95": p95(times)}


def _dashboard(schemas: list[str]) -> dict:
    from django.test import Client
    from django_tenants.utils import schema_context

    from accounts.roles import Role
    from dashboards.services import dashboard_refresh

    started = time.perf_counter()
    for schema in schemas:
        with schema_context(schema):
            dashboard_refresh()
    refresh = time.perf_counter() - started
    times = []
    for schema in schemas:
        client = Client(HTTP_HOST=f"{schema}.localhost")
        user = _user(schema, "executive", Role.EXECUTIVE)
        with schema_context(schema):
            client.force_login(user)
        for _ in range(5):
            started = time.perf_counter()
            response = client.get("/dashboard/")
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
    return {"refresh": refresh, "dashboard_p50": median(times)}


def _import(schema: str) -> float:
    from django.db import transaction
    from django_tenants.utils import schema_context

    from imports import registry
    from imports.engine import run as engine_run

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "assets.csv"
        rows = ["code,asset_type,name,condition,lat,lon"]
        rows += [f"IMP-{i:05d},streetlight,เสาไฟนำเข้า {i},good,{7.40 + (i % 40) * 0.001:.4f},"
                 f"{99.50 + (i // 40) * 0.001:.4f}" for i in range(IMPORT_ROWS)]
        path.write_text("\n".join(rows) + "\n", encoding="utf-8")
        started = time.perf_counter()
        with schema_context(schema), transaction.atomic():
            result = engine_run(dataset=registry.get("assets"), path=path, name="assets.csv")
        seconds = time.perf_counter() - started
    assert result.created == IMPORT_ROWS, (result.created, result.rejected, result.errors[:3])
    return seconds


def _catalog(mode: str) -> dict:
    from django.db import connection

    def weigh(conn) -> tuple[int, int]:
        row = conn.execute("SELECT (SELECT count(*) FROM pg_class), (SELECT sum(pg_total_relation_size(oid)) "
                           "FROM pg_class WHERE relnamespace = 'pg_catalog'::regnamespace)").fetchone()
        return int(row[0]), int(row[1])

    s = connection.settings_dict
    if mode == "single":
        with psycopg.connect(host=s["HOST"], port=s["PORT"], user=s["USER"], password=s["PASSWORD"],
                             dbname=s["NAME"]) as conn:
            return {"single": weigh(conn)}
    weights = {}
    for port in (5450, 5451, 5452):
        with psycopg.connect(host="127.0.0.1", port=port, user="city", password="city",
                             dbname=s["NAME"]) as conn:
            weights[f"127.0.0.1:{port}"] = weigh(conn)
    return weights


def _move_under_load(schema: str) -> dict:
    from django.db import connection
    from django_tenants.utils import schema_context

    from accounts.models import User
    from tenants.models import Municipality
    from tenants.services.console_audit import Actor
    from tenants.services.placement import cluster_workers, municipality_move, municipality_node

    errors: list[str] = []
    latencies: list[tuple[float, float]] = []  # (start, duration) of each write + read
    stop = threading.Event()
    counts = {"writes": 0, "reads": 0}

    def traffic() -> None:
        try:
            while not stop.is_set():
                started = time.perf_counter()
                try:
                    with schema_context(schema):
                        User.objects.create(username=f"load_{counts['writes']}")
                        counts["writes"] += 1
                        User.objects.filter(username__startswith="load_").count()
                        counts["reads"] += 1
                except Exception as error:  # noqa: BLE001 - every error a client would see counts
                    errors.append(repr(error))
                latencies.append((started, time.perf_counter() - started))
                time.sleep(0.005)
        finally:
            connection.close()

    municipality = Municipality.objects.get(schema_name=schema)
    source = municipality_node(municipality=municipality)
    target = next(str(w) for w in cluster_workers() if str(w) != source)
    thread = threading.Thread(target=traffic, daemon=True)
    thread.start()
    time.sleep(1.0)
    move_start = time.perf_counter()
    result = municipality_move(municipality=municipality, to_node=target, actor=Actor.shell())
    move_end = time.perf_counter()
    time.sleep(0.5)
    stop.set()
    thread.join(timeout=60)
    before = [d for s, d in latencies if s < move_start]
    during = [d for s, d in latencies if move_start <= s <= move_end]
    return {"errors": len(errors), "longest": max(during or [0.0]), "seconds": result.seconds,
            "writes": counts["writes"], "reads": counts["reads"], "normal_p50": median(before or [0.0])}


def _rebalance() -> dict:
    from tenants.models import Municipality
    from tenants.services.console_audit import Actor
    from tenants.services.placement import (
        cluster_workers,
        municipalities_rebalance,
        municipality_move,
        municipality_node,
    )

    first = str(cluster_workers()[0])
    municipalities = list(Municipality.objects.exclude(schema_name="public"))
    for municipality in municipalities:
        municipality_move(municipality=municipality, to_node=first, actor=Actor.shell())
    started = time.perf_counter()
    shards = municipalities_rebalance(actor=Actor.shell())
    seconds = time.perf_counter() - started
    moved = sum(municipality_node(municipality=m) != first for m in municipalities)
    return {"moves": moved, "shards": shards, "seconds": seconds,
            "after": [w.schemas for w in cluster_workers()]}


if __name__ == "__main__":
    print("RESULT " + json.dumps(child(sys.argv[1])), flush=True)
