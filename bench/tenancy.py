"""Tenancy: creating a municipality, a no-op `migrate_schemas` over 200 municipalities, and the
per-request cost of routing a host to its municipality.

Reference figures are in /work/shared/LIBRARIES.md (tenancy row).
"""

import os
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.test import RequestFactory
from django_tenants.clone import CloneSchema
from django_tenants.middleware.main import TenantMainMiddleware

from bench.harness import BASE_DIR, Report, Row, fmt_ratio, fmt_time, median, timed
from tenants.middleware import CachedTenantMiddleware
from tenants.models import Domain, Municipality
from tenants.services import municipality_create

N_TENANTS = 200
N_CREATIONS = 5  # timed, after one untimed warm-up creation
N_FLOOR = 20
N_REQUESTS = 20_000
N_ROUNDS = 5
N_HOSTS = 20
CREATE_TARGET_S = 1.0
ROUTING_TARGET_S = 100e-6
MIGRATE_TIMEOUT_S = 600
# LIBRARIES.md, tenancy row: no-op migrate_schemas over 205 tenants.
REFERENCE_MIGRATE = "LIBRARIES.md: 11.0 s standard, 6.3 s multiprocessing over 205 tenants"


def run(report: Report) -> None:
    municipalities = _bench_create(report)
    _add_municipalities(report, len(municipalities) + 1)
    _bench_migrate_noop(report)
    hosts = list(
        Domain.objects.filter(tenant__schema_name__startswith="bench")
        .order_by("domain")
        .values_list("domain", flat=True)[:N_HOSTS]
    )
    _bench_routing(report, hosts)


def _schema(i: int) -> str:
    return f"bench{i:03d}"


def _create(i: int) -> Municipality:
    return municipality_create(
        schema_name=_schema(i),
        domain=f"{_schema(i)}.localhost",
        name_th=f"เทศบาลตำบลทดสอบ {i:03d}",
        name_en=f"Bench {i:03d}",
        province_code="92",
        district_code="9202",
        lat=7.41,
        lon=99.51,
    )


def _execute(statement: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement)


def _schema_floor() -> float:
    """A bare CREATE SCHEMA + DROP SCHEMA round-trip: what creating a municipality would cost if
    it had no tables to make."""
    connection.set_schema_to_public()
    times = [timed(_execute, "CREATE SCHEMA bench_floor; DROP SCHEMA bench_floor")[0] for _ in range(N_FLOOR)]
    return median(times)


def _migrations_alone(schema_name: str) -> float:
    """CREATE SCHEMA and migrate it, in one transaction as municipality_create does, but with
    no validation, municipality row or domain: the part of creation django-tenants owns."""
    connection.set_schema_to_public()

    def migrate():
        with transaction.atomic():
            _execute(f"CREATE SCHEMA {schema_name}")
            call_command(
                "migrate_schemas", tenant=True, schema_name=schema_name, interactive=False, verbosity=0
            )

    elapsed, _ = timed(migrate)
    connection.set_schema_to_public()
    _execute(f"DROP SCHEMA {schema_name} CASCADE")
    return elapsed


def _clone_once(base_schema: str) -> float:
    """django-tenants' other way to make a schema (TENANT_BASE_SCHEMA): copy a migrated one."""
    elapsed, _ = timed(CloneSchema().clone_schema, base_schema, "bench_clone", "DATA")
    connection.set_schema_to_public()
    _execute("DROP SCHEMA bench_clone CASCADE")
    return elapsed


def _bench_create(report: Report) -> list[Municipality]:
    report.progress(f"timing {N_FLOOR} bare CREATE SCHEMA + DROP SCHEMA round-trips")
    floor = _schema_floor()

    report.progress("creating municipality 1 (warm-up: imports, migration graph, plan caches)")
    cold, first = timed(_create, 1)
    created = [first]
    creations, migrations = [], []
    # Interleaved, so both see the same state of the machine and of the database.
    for i in range(2, 2 + N_CREATIONS):
        report.progress(f"creating municipality {i} through municipality_create, then migrations alone")
        elapsed, municipality = timed(_create, i)
        creations.append(elapsed)
        created.append(municipality)
        migrations.append(_migrations_alone("bench_scratch"))

    report.progress(f"cloning {first.schema_name} once with django-tenants' clone_schema")
    clone = _clone_once(first.schema_name)

    worst = max(creations)
    migrations_median = median(migrations)
    report.add(Row(
        name="tenancy.create_municipality",
        figures=f"median {fmt_time(median(creations))}  max {fmt_time(worst)}",
        target=f"≤ {fmt_time(CREATE_TARGET_S)} (max)",
        verdict=Report.verdict(worst <= CREATE_TARGET_S),
        baseline=(
            f"vs migrations alone {fmt_time(migrations_median)}: "
            f"{fmt_ratio(median(creations), migrations_median)}"
        ),
        notes=[
            f"over {N_CREATIONS} creations after a warm-up; the first, cold one took {fmt_time(cold)}",
            f"floor: bare CREATE SCHEMA + DROP SCHEMA {fmt_time(floor)} "
            f"(creation is {fmt_ratio(median(creations), floor)} that)",
            f"alternative: clone_schema of a migrated municipality {fmt_time(clone)} "
            f"(creation is {fmt_ratio(median(creations), clone)} that)",
        ],
    ))
    return created


def _add_municipalities(report: Report, first: int) -> None:
    """Bring the number of municipalities up to N_TENANTS, each made for real."""
    numbers = range(first, N_TENANTS + 1)
    report.progress(f"creating municipalities {first}–{N_TENANTS} through municipality_create")
    times = []
    for i in numbers:
        times.append(timed(_create, i)[0])
        if i % 50 == 0:
            report.progress(f"  {i} municipalities")
    report.progress(f"  median {fmt_time(median(times))} each")
    report.add(Row(
        name="tenancy.create_municipality_bulk",
        figures=f"median {fmt_time(median(times))}  max {fmt_time(max(times))}",
        target=f"≤ {fmt_time(CREATE_TARGET_S)} (max)",
        verdict=Report.verdict(max(times) <= CREATE_TARGET_S),
        notes=[f"the other {len(times)} municipalities made for the next figure, back to back, "
               "as the number of schemas grows"],
    ))


def _migrate_schemas(executor: str) -> float:
    command = [sys.executable, "manage.py", "migrate_schemas", "--noinput", f"--executor={executor}"]
    # The environment already points at the bench database and settings (bench.harness).
    elapsed, proc = timed(
        subprocess.run, command, cwd=BASE_DIR, env=os.environ.copy(), capture_output=True, text=True,
        timeout=MIGRATE_TIMEOUT_S,
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command[1:])} exited with {proc.returncode}:\n{proc.stderr[-3000:]}"
        )
    if "Applying " in proc.stdout:
        raise RuntimeError(f"{' '.join(command[1:])} applied migrations, so it was not a no-op")
    return elapsed


def _bench_migrate_noop(report: Report) -> None:
    tenants = Municipality.objects.exclude(schema_name="public").count()
    report.progress(f"no-op migrate_schemas over {tenants} municipalities, standard executor")
    standard = _migrate_schemas("standard")
    report.progress(f"  {fmt_time(standard)}; now --executor=multiprocessing")
    multi = _migrate_schemas("multiprocessing")
    report.progress(f"  {fmt_time(multi)}")
    processes = getattr(settings, "TENANT_MULTIPROCESSING_MAX_PROCESSES", 2)
    report.add(Row(
        name="tenancy.migrate_schemas_noop",
        figures=f"standard {fmt_time(standard)}  multiprocessing {fmt_time(multi)}",
        baseline=f"multiprocessing vs standard: {fmt_ratio(multi, standard)}",
        notes=[
            f"{tenants} municipalities + public; `manage.py migrate_schemas --noinput` as a "
            f"subprocess, start-up included; multiprocessing with {processes} processes",
            f"reference: {REFERENCE_MIGRATE}",
        ],
    ))


def _no_response(request):
    raise AssertionError("process_request is timed on its own; nothing should call the view")


def _time_requests(middleware, requests) -> float:
    process = middleware.process_request
    elapsed, _ = timed(lambda: [process(request) for request in requests])
    return elapsed / len(requests)


def _bench_routing(report: Report, hosts: list[str]) -> None:
    factory = RequestFactory()
    requests = [factory.get("/", HTTP_HOST=hosts[i % len(hosts)]) for i in range(N_REQUESTS)]
    size = N_REQUESTS // N_ROUNDS
    rounds = [requests[i:i + size] for i in range(0, N_REQUESTS, size)]
    cached = CachedTenantMiddleware(_no_response)
    stock = TenantMainMiddleware(_no_response)
    report.progress(
        f"routing {N_REQUESTS} requests over {len(hosts)} hosts in {N_ROUNDS} rounds, "
        "cached vs stock middleware"
    )
    warm = [factory.get("/", HTTP_HOST=host) for host in hosts]
    _time_requests(stock, warm)
    cached_times, stock_times = [], []
    try:
        for batch in rounds:
            # Re-warmed every round, because a round of the stock middleware can outlast the
            # cache's TTL and the timed loop must only see hits.
            _time_requests(cached, warm)
            cached_times.append(_time_requests(cached, batch))
            stock_times.append(_time_requests(stock, batch))
            _check_routed(batch)
    finally:
        connection.set_schema_to_public()
    per_cached, per_stock = median(cached_times), median(stock_times)
    report.add(Row(
        name="tenancy.routing_cached",
        figures=f"{fmt_time(per_cached)}/request",
        target=f"≤ {fmt_time(ROUTING_TARGET_S)}/request",
        verdict=Report.verdict(per_cached <= ROUTING_TARGET_S),
        baseline=(
            f"vs stock TenantMainMiddleware {fmt_time(per_stock)}/request: "
            f"{fmt_ratio(per_cached, per_stock)}"
        ),
        notes=[
            f"process_request only, warm cache, median of {N_ROUNDS} rounds of {size} requests over "
            f"{len(hosts)} municipality hosts; includes set_schema_to_public/set_tenant",
            "reference: LIBRARIES.md: stock ≈ 0.55 ms/request (2 queries)",
        ],
    ))


def _check_routed(requests) -> None:
    for request in (requests[0], requests[-1]):
        expected = request.get_host().split(".", 1)[0]
        if request.tenant.schema_name != expected:
            raise RuntimeError(f"{request.get_host()} routed to {request.tenant.schema_name}")
