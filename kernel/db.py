"""Database connection hygiene around os.fork().

Django's psycopg pool lives in the process. A forked child (django-tenants' multiprocessing
migrate executor, Celery prefork children, gunicorn workers) would inherit its idle connections
and use the parent's sockets concurrently: migrate_schemas --executor=multiprocessing hung that
way. Closing this process's pools just before a fork makes every child open its own; the
parent reopens its pool lazily on next use.
"""

import os
from typing import Any

_registered = False


def close_pools_before_fork() -> None:
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        pools = getattr(type(conn), "_connection_pools", None)
        if pools is None or conn.alias not in pools:
            continue
        if conn.in_atomic_block:
            # Never pull a connection out from under an open transaction; a fork in the middle
            # of one is the caller's bug and stays visible as such.
            continue
        conn.close()
        conn.close_pool()  # type: ignore[attr-defined]  # psycopg backend with a pool


def register_fork_hook() -> None:
    global _registered
    if not _registered and hasattr(os, "register_at_fork"):
        os.register_at_fork(before=close_pools_before_fork)
        _registered = True


def current_schema_name() -> str:
    """The schema this connection works in (django-tenants sets it; the stubs do not know it)."""
    from django.db import connection

    return str(getattr(connection, "schema_name"))  # noqa: B009


def current_tenant() -> Any:
    """The municipality this connection works for (django-tenants' `connection.tenant`), or None."""
    from django.db import connection

    return getattr(connection, "tenant", None)
