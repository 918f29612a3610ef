"""What the national-scale bench measures at a given size, each usable at the start (the baseline)
and at N: console pages as the platform team opens them, routing, the nightly national publish,
one connection's memory after many municipalities, the catalogue, pg_dump of one schema."""

import random
import time
from dataclasses import dataclass
from pathlib import Path

from django.db import connection
from django.test import Client, RequestFactory, override_settings
from django_tenants.middleware.main import TenantMainMiddleware
from django_tenants.utils import schema_context

from bench.harness import median, p95, timed
from tenants.middleware import CachedTenantMiddleware
from tenants.models import Municipality
from tenants.routing import tenant_cache_clear
from tenants.services import pg
from tenants.services.naming import domain_for_schema

CONSOLE_HOST = "localhost"
ROUNDS = 15


# --- console pages ----------------------------------------------------------------------------
def console_client() -> Client:
    from accounts.models import User
    from accounts.roles import Role
    from accounts.services import user_set_role

    with schema_context("public"):
        user = User.objects.filter(username="bench-platform").first()
        if user is None:
            user = User.objects.create_user(username="bench-platform", password="bench-pass-1234")
            user_set_role(user=user, role=Role.PLATFORM)
        client = Client(HTTP_HOST=CONSOLE_HOST)
        client.force_login(user)
    return client


def console_pages() -> dict[str, str]:
    """The pages the platform team opens, with a search that finds a few and a province filter."""
    some = Municipality.objects.local_governments().order_by("schema_name").first()
    word = (some.name_th.removeprefix("องค์การบริหารส่วนตำบล")[:4] if some else "ตำบล")
    return {
        "console list": "/",
        "console search": f"/?q={word}",
        "console province": "/?province=92",
        "console page 3": "/?page=3",
        "national table": "/national/",
        "national search": f"/national/?q={word}",
        "national sorted": "/national/?sort=assets&dir=desc",
    }


def page_times(client: Client, pages: dict[str, str]) -> dict[str, float]:
    """p95 (nearest rank) of ROUNDS requests per page, after two untimed ones."""
    out = {}
    for name, url in pages.items():
        for _ in range(2):
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{name} {url}: {response.status_code}")
        times = [timed(client.get, url)[0] for _ in range(ROUNDS)]
        out[name] = p95(times)
    return out


# --- routing ----------------------------------------------------------------------------------
def _never(request):
    raise AssertionError("process_request is timed alone")


def routing(hosts: list[str], *, requests: int = 20_000) -> tuple[float, float, float]:
    """Per request: the cached middleware with every host warm, the same cold (first sight of
    each host), and django-tenants' stock middleware; hosts drawn at random from all N."""
    factory = RequestFactory()
    chosen = [random.Random(i).choice(hosts) for i in range(requests)]
    batch = [factory.get("/", HTTP_HOST=host) for host in chosen]
    cached = CachedTenantMiddleware(_never)
    tenant_cache_clear()
    cold_requests = [factory.get("/", HTTP_HOST=host) for host in hosts]
    cold, _ = timed(lambda: [cached.process_request(r) for r in cold_requests])
    # Every host is now in the cache: the warm figure is what a busy server sees.
    warm, _ = timed(lambda: [cached.process_request(r) for r in batch])
    stock = TenantMainMiddleware(_never)
    stock_batch = batch[:2000]
    stock_time, _ = timed(lambda: [stock.process_request(r) for r in stock_batch])
    connection.set_schema_to_public()
    return warm / len(batch), cold / len(cold_requests), stock_time / len(stock_batch)


# --- the nightly national publish ------------------------------------------------------------
def national_publish(municipalities: list[Municipality]) -> list[float]:
    """What the nightly task does for each municipality (national.tasks fans it out over the
    workers, one task per municipality), here one after another in this process."""
    from national.services import national_snapshot_publish

    times = []
    for municipality in municipalities:
        times.append(timed(national_snapshot_publish, municipality=municipality)[0])
    connection.set_schema_to_public()
    return times


# --- one connection's memory -----------------------------------------------------------------
@dataclass
class Memory:
    rss_mb: float
    anon_mb: float
    peak_rss_mb: float
    peak_anon_mb: float
    contexts_mb: float
    connections: int


def _backend() -> tuple[int, float]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid(), (SELECT sum(total_bytes) FROM pg_backend_memory_contexts)")
        pid, contexts = cursor.fetchone()
    return pid, float(contexts or 0) / 2**20


def _status(pid: int) -> dict[str, float]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _sep, value = line.partition(":")
        if key in ("VmRSS", "RssAnon"):
            fields[key] = int(value.split()[0]) / 1024
    return fields


def signed_in_clients(schemas: list[str]) -> list[tuple[str, Client]]:
    """A signed-in municipal administrator per schema (created once)."""
    from accounts.models import User
    from accounts.roles import Role
    from accounts.services import user_set_role

    clients = []
    for schema in schemas:
        with schema_context(schema):
            user = User.objects.filter(username="bench-admin").first()
            if user is None:
                user = User.objects.create_user(username="bench-admin", password="bench-pass-1234")
                user_set_role(user=user, role=Role.ADMIN)
            host = domain_for_schema(schema)
            client = Client(HTTP_HOST=host)
            client.force_login(user)
        clients.append((host, client))
    connection.set_schema_to_public()
    return clients


def connection_memory(clients: list[tuple[str, Client]], *, max_schemas: int) -> Memory:
    """Each administrator's home page and asset list, one municipality after another, on this
    thread's one pooled connection; its backend's memory read from /proc after each 10 (the
    connection in use then, just before it is handed back)."""
    connection.close()
    if connection.alias in getattr(connection, "_connection_pools", {}):
        connection.close_pool()  # a fresh pool: the first connection has served nothing
    peak, peak_anon, pids = 0.0, 0.0, set()
    with override_settings(DB_CONNECTION_MAX_SCHEMAS=max_schemas):
        for i, (host, client) in enumerate(clients, 1):
            for url in ("/", "/infrastructure/assets/"):
                response = client.get(url)
                if response.status_code != 200:
                    raise RuntimeError(f"{host}{url}: {response.status_code}")
            if i % 10 == 0 or i == len(clients):
                pid, _contexts = _backend()
                pids.add(pid)
                status = _status(pid)
                peak, peak_anon = max(peak, status["VmRSS"]), max(peak_anon, status["RssAnon"])
        pid, contexts = _backend()
        status = _status(pid)
    connection.close()
    return Memory(rss_mb=status["VmRSS"], anon_mb=status["RssAnon"], peak_rss_mb=peak,
                  peak_anon_mb=peak_anon, contexts_mb=contexts, connections=len(pids))


# --- the catalogue ----------------------------------------------------------------------------
@dataclass
class Catalogue:
    pg_class: int
    pg_attribute: int
    schema_relations: int
    database_mb: float
    dump_seconds: float
    dump_kb: float


def catalogue(schema: str) -> Catalogue:
    with pg.side_connection() as conn:
        row = conn.execute(
            "SELECT (SELECT count(*) FROM pg_class), (SELECT count(*) FROM pg_attribute), "
            "(SELECT count(*) FROM pg_class WHERE relnamespace = %s::regnamespace), "
            "pg_database_size(current_database())", [f'"{schema}"']).fetchone()
    dump_seconds, size = _dump(schema)
    return Catalogue(pg_class=row[0], pg_attribute=row[1], schema_relations=row[2],
                     database_mb=row[3] / 2**20, dump_seconds=dump_seconds, dump_kb=size / 1024)


def _dump(schema: str) -> tuple[float, int]:
    import tempfile

    pg_dump, _major = pg.pg_tool("pg_dump", at_least=pg.server_major())
    with tempfile.TemporaryDirectory(prefix="bench-dump-") as tmp:
        out = Path(tmp) / "schema.dump"
        started = time.perf_counter()
        pg.catalog_analyze()  # as backups.py does first
        pg.run_tool([pg_dump, "--format=custom", f"--schema={schema}", "--no-owner", "--no-privileges",
                     f"--file={out}", f"--dbname={pg.database_name()}"])
        return time.perf_counter() - started, out.stat().st_size


def middle(values: list[float]) -> float:
    return median(values) if values else 0.0
