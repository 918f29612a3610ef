"""Shared fixtures: the two pilot municipalities exist for the whole session (seeded once, for
real, into the test database); each test runs in a transaction that is rolled back."""

import os

import pytest
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import schema_context

from tenants.models import Municipality
from tenants.routing import tenant_cache_clear

from .helpers import host_client


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_keepdb,
                    django_db_createdb, django_db_modify_db_settings):
    """pytest-django's set-up, but of the default database in every session, then the demo seed.

    pytest-django creates only the databases the collected tests ask for (`db`, a django_db mark).
    The browser tests ask for none: they must not run in a transaction (gunicorn has to see what
    they commit), and they must stay last (pytest-django runs tests without a database after the
    others, and Playwright leaves its event loop set as this thread's running loop). Without this,
    `pytest tests/browser` alone would seed and serve the database named in DATABASE_URL."""
    from django.test.utils import setup_databases, teardown_databases

    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        db_cfg = setup_databases(verbosity=verbosity, interactive=False, aliases={"default"},
                                 serialized_aliases=set(),
                                 keepdb=django_db_keepdb and not django_db_createdb)
        call_command("seed_demo", stdout=open(os.devnull, "w"))
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            _end_stray_sessions()
            teardown_databases(db_cfg, verbosity=verbosity)


def _end_stray_sessions() -> None:
    """A session some subprocess left open (a killed worker, a server) would keep the test
    database from being dropped: name it (a warning in the summary), then end it."""
    import shutil
    import subprocess
    import warnings

    import psycopg
    from django.db import connection, connections

    # Pooled connections of this process (other threads' included) are not strays: close them.
    # The pool is shared by every thread's wrapper of an alias and keeps `min_size` connections
    # open, so it is closed even when this thread's wrapper was never (or no longer) connected.
    # (Asking `conn.pool` would create a pool where none exists, hence the look at the registry.)
    for conn in connections.all():
        conn.close()
        if conn.alias in getattr(conn, "_connection_pools", {}):
            conn.close_pool()
    # Looked at from outside any pool, so no new pooled connection shows up as a stray.
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as own:
        stray = own.execute(
            "SELECT pid, application_name, state, left(query, 120), client_port, "
            "to_char(backend_start, 'HH24:MI:SS') FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND backend_type = 'client backend'").fetchall()
        for pid, application, state, query, port, started in stray:
            holder = subprocess.run(["ss", "-tnpH", f"sport = :{port}"], capture_output=True, text=True,
                                    check=False).stdout.strip() if port and shutil.which("ss") else ""
            warnings.warn(f"stray session {pid} ({application or '-'}, {state}, since {started}): {query};"
                          f" client {holder}",
                          stacklevel=1)
            own.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Every test's client is 127.0.0.1 (the test client, the browser tests' server): the hits
    earlier tests left in the current rate-limit window must not refuse a later test's citizen
    (5 reports and 60 status pages per 10 minutes). Tests of the limits make their own hits."""
    _rate_limits_clear()
    yield


def _rate_limits_clear() -> None:
    import redis
    from django.conf import settings

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=0.5, socket_timeout=0.5)
        keys = list(client.scan_iter(match="*ratelimit*", count=1000))
        if keys:
            client.delete(*keys)
    except redis.RedisError:  # Redis down (the tests of that): the limits live in process memory
        pass


@pytest.fixture(autouse=True)
def _public_schema_and_fresh_routing():
    tenant_cache_clear()
    yield
    connection.set_schema_to_public()
    tenant_cache_clear()


@pytest.fixture
def kantang(db):
    return Municipality.objects.get(schema_name="kantang")


@pytest.fixture
def in_kantang(kantang):
    """The test runs inside kantang's schema."""
    with schema_context("kantang"):
        yield kantang


@pytest.fixture
def nueaklong(db):
    return Municipality.objects.get(schema_name="nueaklong")


@pytest.fixture
def kantang_client(kantang):
    return host_client("kantang.localhost")


@pytest.fixture
def nueaklong_client(nueaklong):
    return host_client("nueaklong.localhost")


@pytest.fixture
def console_client(db):
    return host_client("localhost")


# What each fault test printed (its recovery times), repeated at the end of the run: pytest keeps a
# passing test's output to itself, and these figures are what the fault suite is for. In the root
# conftest: pytest asks only the conftest files above a test for its reports, and one fault test
# (tests/imports/test_worker_killed.py) lives beside the other import tests.
_FIGURES: list[tuple[str, str]] = []


def pytest_runtest_logreport(report):
    if report.when == "call" and report.passed and "faults" in report.keywords and report.capstdout:
        _FIGURES.append((report.nodeid, report.capstdout.strip()))


def pytest_terminal_summary(terminalreporter):
    if _FIGURES:
        terminalreporter.section("fault suite: recovery figures")
        for nodeid, text in _FIGURES:
            terminalreporter.write_line(nodeid)
            for line in text.splitlines():
                terminalreporter.write_line(f"    {line}")
