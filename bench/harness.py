"""Shared plumbing for the benchmarks: the throwaway database, Django set-up, timing helpers and
the results table."""

import os
import platform
import socket
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import psycopg
from psycopg import sql

BASE_DIR = Path(__file__).resolve().parent.parent
# BENCH_DB_NAME lets two benches run side by side (each drops and recreates its database).
BENCH_DB_NAME = os.environ.get("BENCH_DB_NAME") or "cityplatform_bench"
DEFAULT_DATABASE_URL = "postgres://city:city@127.0.0.1:5433/cityplatform"
SETTINGS_MODULE = "cityplatform.settings_test"


# --- The throwaway database -------------------------------------------------------------------

def bench_database_url() -> str:
    """DATABASE_URL for the bench database: the server and credentials of the caller's
    DATABASE_URL (or the project-local default), with the database name replaced."""
    base = urlsplit(os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)
    return urlunsplit(base._replace(path="/" + BENCH_DB_NAME))


def _connect(url: str, dbname: str) -> psycopg.Connection:
    parts = urlsplit(url)
    return psycopg.connect(
        host=parts.hostname or None,
        port=parts.port or None,
        user=unquote(parts.username or "") or None,
        password=unquote(parts.password or "") or None,
        dbname=dbname,
        autocommit=True,  # CREATE/DROP DATABASE refuse to run inside a transaction
        connect_timeout=10,
    )


def _drop(url: str) -> None:
    # FORCE, so a connection left behind by a crashed run or a stuck subprocess cannot keep the
    # database alive.
    with _connect(url, "postgres") as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(BENCH_DB_NAME))
        )


def _release_django_connections() -> None:
    if "django.db" not in sys.modules:
        return
    from django.apps import apps

    if not apps.ready:
        return
    from django.db import connections

    connections.close_all()
    # close_all() only hands pooled connections back to the pool, which keeps them open.
    for conn in connections.all(initialized_only=True):
        close_pool = getattr(conn, "close_pool", None)
        if close_pool is not None:
            close_pool()


@contextmanager
def throwaway_database() -> Iterator[str]:
    """Create the bench database with PostGIS, yield its URL, drop it afterwards however the
    run ends."""
    url = bench_database_url()
    _drop(url)
    with _connect(url, "postgres") as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(BENCH_DB_NAME)))
    failed = True
    try:
        with _connect(url, BENCH_DB_NAME) as conn:
            conn.execute("CREATE EXTENSION postgis SCHEMA public")
        yield url
        failed = False
    finally:
        try:
            _release_django_connections()
            _drop(url)
        except Exception as error:
            print(f"bench: could not drop database {BENCH_DB_NAME}: {error}", file=sys.stderr)
            # A failed drop must not hide the error that ended the run.
            if not failed:
                raise


def django_setup(url: str) -> None:
    """Point Django at the bench database and give it a migrated public schema."""
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS_MODULE
    # DEBUG keeps every query in connection.queries, which grows without bound and slows the
    # very code being timed; production runs without it.
    os.environ["DEBUG"] = "0"
    if str(BASE_DIR) not in sys.path:
        sys.path.insert(0, str(BASE_DIR))

    import django

    django.setup()

    from django.core.management import call_command

    from tenants.services.municipalities import platform_tenant_ensure

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    platform_tenant_ensure()


# --- Machine context --------------------------------------------------------------------------

def _package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "?"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_context(url: str) -> list[str]:
    cpus = os.cpu_count() or 0
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cpus
    load = " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    with _connect(url, BENCH_DB_NAME) as conn:
        pg_version = conn.execute("SHOW server_version").fetchone()[0]
        postgis = conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'postgis'").fetchone()
    parts = urlsplit(url)
    return [
        f"machine   {cpus} CPUs ({usable} usable), {_cpu_model()}; load average {load}",
        f"software  Python {platform.python_version()}, PostgreSQL {pg_version}, "
        f"PostGIS {postgis[0] if postgis else '?'}, Django {_package_version('django')}, "
        f"django-tenants {_package_version('django-tenants')}, psycopg {_package_version('psycopg')}",
        f"database  {BENCH_DB_NAME} on {parts.hostname}:{parts.port or 5432} (throwaway, dropped at the end)",
    ]


# --- Timing -----------------------------------------------------------------------------------

def timed(fn: Callable, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def median(values) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    """The 95th percentile by nearest rank: the benchmarks time 7–15 rounds, too few to interpolate."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def fmt_time(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds * 1e6:.1f} µs"


def fmt_ratio(value: float, baseline: float) -> str:
    if baseline <= 0:
        return "×∞"
    ratio = value / baseline
    if ratio >= 100:
        return f"×{ratio:.0f}"
    if ratio >= 10:
        return f"×{ratio:.1f}"
    if ratio >= 0.1:
        return f"×{ratio:.2f}"
    return f"×{ratio:.3f}"


# --- Reporting --------------------------------------------------------------------------------

@dataclass
class Row:
    name: str
    figures: str
    target: str = "no target"
    verdict: str = ""  # "OK", "MISSED" or "" when there is no target
    baseline: str = ""
    notes: list[str] = field(default_factory=list)


class Report:
    """Collects result rows and prints progress, so a long run shows what it is doing."""

    def __init__(self, name: str):
        self.name = name
        self.rows: list[Row] = []
        self._start = time.perf_counter()

    def progress(self, message: str) -> None:
        # stderr, so stdout holds only the results table.
        print(f"  [{time.perf_counter() - self._start:6.1f} s] {message}", file=sys.stderr, flush=True)

    def add(self, row: Row) -> None:
        self.rows.append(row)

    @staticmethod
    def verdict(met: bool) -> str:
        return "OK" if met else "MISSED"

    def render(self) -> str:
        elapsed = time.perf_counter() - self._start
        widths = [
            max(len(getattr(row, attr)) for row in self.rows)
            for attr in ("name", "figures", "target", "verdict")
        ]
        lines = []
        for row in self.rows:
            cells = [row.name, row.figures, row.target, row.verdict]
            line = "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))
            if row.baseline:
                line += f"  ({row.baseline})"
            lines.append(line.rstrip())
            lines.extend(f"    {note}" for note in row.notes)
        lines.append(f"({self.name}: {elapsed:.0f} s in all)")
        return "\n".join(lines)


# --- Serving the bench database with the production WSGI server --------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(port: int, *, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing answered on port {port} within {seconds:.0f} s")


def session_cookie(schema: str, host: str, username: str) -> str:
    """A signed-in session of `username` in `schema`, as the cookie value a browser would send."""
    from django.conf import settings
    from django.test import Client
    from django_tenants.utils import schema_context

    from accounts.models import User

    with schema_context(schema):
        client = Client(HTTP_HOST=host)
        client.force_login(User.objects.get(username=username))
        return client.cookies[settings.SESSION_COOKIE_NAME].value


def process_tree_rss(pid: int) -> int:
    """Resident memory (bytes) of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            status = (entry / "status").read_text()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                rss[int(entry.name)] = int(line.split()[1]) * 1024
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += rss.get(current, 0)
        stack.extend(children.get(current, []))
    return total


# The job's cache client (progress is written to Redis) is loaded before the job starts, as in a
# worker that has served a task before: importing the client library in the timed window is
# start-up, not import work (about 0.15 s, a constant that would weigh on every ratio).
_IMPORT_CHILD = """
import sys
sys.argv = ["manage.py", *sys.argv[1:]]
import django
django.setup()
from django.core.cache import cache
try:
    cache.get("bench:warm-up")
except Exception:
    pass
from django.core.management import execute_from_command_line
try:
    execute_from_command_line(sys.argv)
finally:
    hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM")]
    print(hwm[0].strip() if hwm else "VmHWM: 0 kB", file=sys.stderr)
"""


def import_in_child(*, schema: str, dataset: str, path: Path, media: Path) -> dict:
    """`manage.py import_data` in a fresh interpreter that reports its own high-water mark (VmHWM
    belongs to the new process image; getrusage's maxrss would carry over the parent's at exec).
    Returns the printed lines, the total's counts, wall time, the job's own run time and peak RSS."""
    import subprocess

    from django_tenants.utils import schema_context

    env = {**os.environ, "MEDIA_ROOT": str(media)}
    command = [sys.executable, "-c", _IMPORT_CHILD, "import_data", "--schema", schema, "--dataset", dataset,
               str(path)]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    out, err = process.communicate()
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"import_data failed: {err or out}")
    lines = out.strip().splitlines()
    peak_kb = int(err.strip().splitlines()[-1].split()[-2])
    with schema_context(schema):
        from imports.models import ImportJob

        job = ImportJob.objects.latest("pk")
    counts = dict(part.split("=") for part in lines[-1].split())
    return {"lines": lines, "summary": lines[-1], "counts": counts, "wall": wall,
            "seconds": (job.finished_at - job.started_at).total_seconds(),
            "rss_mb": peak_kb / 1024}
