"""A database connection that has worked in DB_CONNECTION_MAX_SCHEMAS schemas is replaced by a
fresh one (kernel/db_backend): PostgreSQL keeps every table a backend has touched in its memory
for the life of the connection."""

import pytest
from django.db import connection
from django.test import override_settings

from kernel.db_backend.base import schemas_served

SCHEMAS = ["public", "kantang", "nueaklong"]


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


@pytest.fixture
def committed(django_db_setup, django_db_blocker, monkeypatch):
    """Outside a test transaction (a connection inside one is never recycled), starting from a
    fresh pool: a pooled connection may have served schemas for earlier tests."""
    # Other tests' browser leaves an event loop in this thread; these are plain sync calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with django_db_blocker.unblock():
        connection.close()
        if connection.alias in getattr(connection, "_connection_pools", {}):
            connection.close_pool()
        try:
            yield
        finally:
            connection.set_schema_to_public()
            connection.close()


def _serve(schemas: list[str]) -> list[int]:
    pids = []
    for schema in schemas:
        connection.set_schema(schema)
        pids.append(_backend_pid())
    return pids


@override_settings(DB_CONNECTION_MAX_SCHEMAS=3)
def test_a_loop_over_municipalities_gets_a_fresh_connection_after_the_limit(committed):
    first = _serve(SCHEMAS)
    held = connection.connection
    assert len(set(first)) == 1
    assert schemas_served(held) == 3

    (after,) = _serve(["kantang"])

    assert after != first[0]
    assert held.closed


@override_settings(DB_CONNECTION_MAX_SCHEMAS=3)
def test_a_connection_handed_back_after_the_limit_is_closed_not_pooled(committed):
    """As at the end of a request or a task: close() gives the connection back (to the pool)."""
    _serve(SCHEMAS)
    held = connection.connection
    connection.close()

    assert held.closed
    assert schemas_served(held) == 3


@override_settings(DB_CONNECTION_MAX_SCHEMAS=3)
def test_a_pooled_connection_under_the_limit_goes_back_to_the_pool(committed):
    if not connection.pool:
        pytest.skip("without a pool (DB_POOL=0) every connection is closed when handed back")
    _serve(SCHEMAS[:2])
    held = connection.connection
    connection.close()

    assert not held.closed


@override_settings(DB_CONNECTION_MAX_SCHEMAS=3)
def test_inside_a_transaction_the_connection_stays(committed):
    from django.db import transaction

    with transaction.atomic():
        pids = _serve([*SCHEMAS, "kantang", "public"])
    assert len(set(pids)) == 1
