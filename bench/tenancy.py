"""Tenancy: creating a municipality, a no-op `migrate_schemas` over 200 municipalities, and the
per-request cost of routing a host to its municipality.

Reference figures are in /work/shared/LIBRARIES.md (tenancy row).
"""

import os
import signal
import subprocess
import sys
from dataclasses import dataclass

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.test import RequestFactory
from django_tenants.clone import CloneSchema
from django_tenants.middleware.main import TenantMainMiddleware

from bench.harness import BASE_DIR, Report, Row, fmt_ratio, fmt_time, median, timed
from tenants.middleware import CachedTenantMiddleware
from tenants.models import Municipality
from tenants.routing import tenant_cache_clear
from tenants.services.municipalities import municipality_create
from tenants.services.pg import BackupError
from tenants.services.provisioning import schema_template_build

N_TENANTS = 200
N_CREATIONS = 5  # timed, after one untimed warm-up creation
N_FLOOR = 20
N_REQUESTS = 20_000
N_ROUNDS = 5
N_HOSTS = 20
CREATE_TARGET_S = 1.0
ROUTING_TARGET_S = 100e-6
TEMPLATE_SCHEMA = "bench_template"
MIGRATE_TIMEOUT_S = 600
REFERENCE_MIGRATE = "LIBRARIES.md: 11.0 s standard, 6.3 s multiprocessing over 205 tenants"
REFERENCE_ROUTING = "LIBRARIES.md: stock ≈ 0.55 ms/request (2 queries)"


def run(report: Report) -> None:
    created = _bench_create(report)
    _fill_up(report, first=len(created) + 1)
    _bench_migrate_noop(report)
    hosts = [f"{_schema(i)}.localhost" for i in range(1, N_HOSTS + 1)]
    _bench_routing(report, hosts)


# --- Creating a municipality ------------------------------------------------------------------

def _schema(i: int) -> str:
    return f"bench{i:03d}"


def _name_th(i: int) -> str:
    return f"เทศบาลตำบลทดสอบ {i:03d}"


def _create(i: int) -> Municipality:
    return municipality_create(
        schema_name=_schema(i),
        domain=f"{_schema(i)}.localhost",
        name_th=_name_th(i),
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
    statement = "CREATE SCHEMA bench_floor; DROP SCHEMA bench_floor"
    return median([timed(_execute, statement)[0] for _ in range(N_FLOOR)])


def _migrations_alone(schema_name: str) -> float:
    """CREATE SCHEMA and migrate it in one transaction, as municipality_create does, but with no
    validation, municipality row or domain: the part of creation that django-tenants owns."""
    connection.set_schema_to_public()

    def migrate():
        with transaction.atomic():
            _execute(f"CREATE SCHEMA {schema_name}")
            call_command(
                "migrate_schemas", tenant=True, schema_name=schema_name, interactive=False, verbosity=0
            )

    elapsed, _ = timed(migrate)
    connection.set_schema_to_public()
    return elapsed


def _drop_schema(schema_name: str) -> None:
    connection.set_schema_to_public()
    _execute(f"DROP SCHEMA {schema_name} CASCADE")


def _clone_once(base_schema: str) -> float:
    """django-tenants' other way to make a schema (TENANT_BASE_SCHEMA): copy a migrated one."""
    elapsed, _ = timed(CloneSchema().clone_schema, base_schema, "bench_clone", "DATA")
    _drop_schema("bench_clone")
    return elapsed


def _bench_create(report: Report) -> list[Municipality]:
    report.progress(f"timing {N_FLOOR} bare CREATE SCHEMA + DROP SCHEMA round-trips")
    floor = _schema_floor()

    report.progress("creating municipality 1 (warm-up: imports, migration graph, plan caches)")
    warmup, first = timed(_create, 1)
    created = [first]
    creations, migrations = [], []
    # Interleaved, so both see the same state of the machine and of the database.
    for i in range(2, 2 + N_CREATIONS):
        report.progress(f"creating municipality {i} through municipality_create, then migrations alone")
        elapsed, municipality = timed(_create, i)
        creations.append(elapsed)
        created.append(municipality)
        if migrations:
            _drop_schema(TEMPLATE_SCHEMA)
        migrations.append(_migrations_alone(TEMPLATE_SCHEMA))
    # The last migrated-alone schema stays: it is the template the other municipalities are
    # copied from (_fill_up).

    report.progress(f"cloning {first.schema_name} once with django-tenants' clone_schema")
    clone = _clone_once(first.schema_name)

    typical, worst = median(creations), max(creations)
    report.add(Row(
        name="tenancy.create_municipality",
        figures=f"median {fmt_time(typical)}  max {fmt_time(worst)}",
        target="≤ 1 s (max)",
        verdict=Report.verdict(worst <= CREATE_TARGET_S),
        baseline=(
            f"vs migrations alone {fmt_time(median(migrations))}: {fmt_ratio(typical, median(migrations))}"
        ),
        notes=[
            f"municipality_create, {N_CREATIONS} times after an untimed warm-up creation that took "
            f"{fmt_time(warmup)}",
            "migrations alone: CREATE SCHEMA + migrate_schemas for it in one transaction, "
            "without validation, row or domain",
            f"floor: bare CREATE SCHEMA + DROP SCHEMA {fmt_time(floor)} ({fmt_ratio(typical, floor)})",
            f"alternative: django-tenants clone_schema of a migrated municipality {fmt_time(clone)} "
            f"({fmt_ratio(typical, clone)})",
        ],
    ))
    return created


# --- Filling up to N_TENANTS ------------------------------------------------------------------

def _fill_up(report: Report, first: int) -> None:
    """Bring the number of municipalities up to N_TENANTS.

    Created by migration, municipality_create takes over a second each, so 200 would take much of
    the time budget; with the release's schema template (tenants.services.provisioning) it takes a
    fraction of that and gives the same tables, role groups and migration records.
    """
    numbers = list(range(first, N_TENANTS + 1))
    _drop_schema(TEMPLATE_SCHEMA)
    try:
        schema_template_build()
        how = "through municipality_create, from the release's schema template"
    except BackupError as error:
        report.progress(f"no schema template ({error}): municipalities are migrated one by one")
        how = "through municipality_create, migrated"
    report.progress(f"creating municipalities {first}–{N_TENANTS} {how}")
    times = [timed(_create, i)[0] for i in numbers]
    connection.set_schema_to_public()
    tenant_cache_clear()
    _check_copies([_schema(i) for i in numbers])
    report.progress(f"  {len(numbers)} municipalities {how}, median {fmt_time(median(times))} each")


def _check_copies(schemas: list[str]) -> None:
    """Fail loudly if a copy differs from a municipality made for real: migrate_schemas would
    then time real migrations instead of a no-op."""
    reference = _schema(1)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname, count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = ANY(%s) GROUP BY n.nspname",
            [[reference, *schemas]],
        )
        relations = dict(cursor.fetchall())
        counts = {}
        for schema in (reference, schemas[-1]):
            cursor.execute(f"SELECT count(*) FROM {schema}.django_migrations")
            counts[schema] = cursor.fetchone()[0]
    wrong = [name for name in schemas if relations.get(name) != relations[reference]]
    if wrong:
        raise RuntimeError(
            f"{len(wrong)} copied schemas differ from {reference} ({relations[reference]} relations), "
            f"e.g. {wrong[0]}: {relations.get(wrong[0])}"
        )
    if counts[schemas[-1]] != counts[reference]:
        raise RuntimeError(f"migration records differ between {reference} and {schemas[-1]}: {counts}")


# --- No-op migrate_schemas --------------------------------------------------------------------

@dataclass
class Outcome:
    seconds: float
    failure: str = ""

    @property
    def text(self) -> str:
        return "FAILED" if self.failure else fmt_time(self.seconds)


def _migrate_schemas(executor: str, *, pool: bool, timeout: float) -> Outcome:
    command = [sys.executable, "manage.py", "migrate_schemas", "--noinput", f"--executor={executor}"]
    # The environment already points at the bench database and settings (bench.harness).
    env = {**os.environ, "DB_POOL": "1" if pool else "0"}
    # A session of its own, so a hung run can be killed together with its forked workers.
    proc = subprocess.Popen(
        command, cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )
    try:
        elapsed, (stdout, stderr) = timed(proc.communicate, timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return Outcome(timeout, f"no result after {fmt_time(timeout)}, killed")
    if proc.returncode != 0:
        last = ([line for line in stderr.splitlines() if line.strip()] or [""])[-1]
        return Outcome(elapsed, f"exit {proc.returncode} after {fmt_time(elapsed)}: {last}")
    if "Applying " in stdout:
        raise RuntimeError(f"{' '.join(command[1:])} applied migrations, so it measured no no-op")
    return Outcome(elapsed)


def _migrate_pair(report: Report, tenants: int, *, pool: bool) -> tuple[Outcome, Outcome]:
    label = "DB_POOL=1" if pool else "DB_POOL=0"
    report.progress(f"no-op migrate_schemas over {tenants} municipalities, {label}, standard executor")
    standard = _migrate_schemas("standard", pool=pool, timeout=MIGRATE_TIMEOUT_S)
    if standard.failure:
        raise RuntimeError(f"migrate_schemas, standard executor, {label}: {standard.failure}")
    report.progress(f"  {standard.text}; now --executor=multiprocessing")
    # A broken executor can hang rather than fail; twice the standard time is plenty for it.
    multi = _migrate_schemas("multiprocessing", pool=pool, timeout=max(60.0, 2 * standard.seconds))
    report.progress(f"  {multi.failure or multi.text}")
    return standard, multi


def _bench_migrate_noop(report: Report) -> None:
    tenants = Municipality.objects.exclude(schema_name="public").count()
    processes = getattr(settings, "TENANT_MULTIPROCESSING_MAX_PROCESSES", 2)
    pooled = bool(settings.DATABASES["default"]["OPTIONS"].get("pool"))
    runs = {pooled: _migrate_pair(report, tenants, pool=pooled)}
    if pooled and runs[True][1].failure:
        # Gives the executor comparison the issue asks for, and shows whether the pool is what
        # breaks the multiprocessing executor.
        runs[False] = _migrate_pair(report, tenants, pool=False)

    for pool, (standard, multi) in runs.items():
        notes = []
        if pool == pooled:
            notes += [
                f"{tenants} municipalities + public; `manage.py migrate_schemas --noinput` as a "
                f"subprocess, start-up included; multiprocessing with {processes} processes; "
                f"DB_POOL={int(pooled)} as configured",
                f"reference: {REFERENCE_MIGRATE}",
            ]
        if multi.failure:
            notes.append(f"multiprocessing: {multi.failure}")
            if pool and False in runs and not runs[False][1].failure:
                notes.append(
                    "it works with DB_POOL=0 (next row), so the forked workers appear to share the "
                    "parent's pooled connections"
                )
        report.add(Row(
            name=f"tenancy.migrate_schemas_noop[{'pool' if pool else 'no pool'}]",
            figures=f"standard {standard.text}  multiprocessing {multi.text}",
            baseline=(
                "" if multi.failure
                else f"multiprocessing vs standard: {fmt_ratio(multi.seconds, standard.seconds)}"
            ),
            notes=notes,
        ))


# --- Routing ----------------------------------------------------------------------------------

def _no_response(request):
    raise AssertionError("process_request is timed on its own; nothing should call the view")


def _per_request(middleware, requests) -> float:
    process = middleware.process_request
    elapsed, _ = timed(lambda: [process(request) for request in requests])
    return elapsed / len(requests)


def _check_routed(requests) -> None:
    for request in (requests[0], requests[-1]):
        expected = request.get_host().split(".", 1)[0]
        if request.tenant.schema_name != expected:
            raise RuntimeError(f"{request.get_host()} routed to {request.tenant.schema_name}")


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
    tenant_cache_clear()
    _per_request(stock, warm)
    cached_times, stock_times = [], []
    try:
        for batch in rounds:
            # Re-warmed every round, because a round of the stock middleware could outlast the
            # cache's TTL and the timed loop must see only hits.
            _per_request(cached, warm)
            cached_times.append(_per_request(cached, batch))
            _check_routed(batch)
            stock_times.append(_per_request(stock, batch))
            _check_routed(batch)
    finally:
        connection.set_schema_to_public()
    per_cached, per_stock = median(cached_times), median(stock_times)
    report.add(Row(
        name="tenancy.routing_cached",
        figures=f"{fmt_time(per_cached)}/request",
        target="≤ 0.1 ms/request",
        verdict=Report.verdict(per_cached <= ROUTING_TARGET_S),
        baseline=(
            f"vs stock TenantMainMiddleware {fmt_time(per_stock)}/request: "
            f"{fmt_ratio(per_cached, per_stock)}"
        ),
        notes=[
            f"process_request alone, median of {N_ROUNDS} rounds of {size} requests over {len(hosts)} "
            "municipality hosts, warm cache; includes set_schema_to_public and set_tenant",
            f"reference: {REFERENCE_ROUTING}",
        ],
    ))

