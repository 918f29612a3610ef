"""PostgreSQL from outside Django's connection: pg_dump / pg_restore of one schema, and a side
connection for catalogue reads and DDL that must commit on their own (backups.py).

The client tools must be at least as new as the server (pg_dump refuses a newer server, and
pg_restore cannot read an archive written by a newer pg_dump). `make run` installs the server as
/usr/lib/postgresql/<major>/bin (scripts/lib.sh), whose tools match it exactly, so those are
preferred; otherwise the first pg_dump on PATH that is new enough (Debian's postgresql-client).
"""

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from django.db import connection
from django.utils.translation import gettext_lazy as _
from psycopg import sql

from .municipalities import MunicipalityError

_VERSION_RE = re.compile(r"\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?")


class BackupError(MunicipalityError):
    """A backup or a restore cannot go ahead; the message says why in Thai and English."""


@contextmanager
def side_connection(dbname: str | None = None) -> Iterator[psycopg.Connection[Any]]:
    """An autocommit connection of its own, to the project's database or to `dbname`.

    DDL here commits whatever Django's connection is doing: a restored schema must not vanish
    with a rolled-back request, and dropping one after a failure must not wait for it."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    if dbname is not None:
        params["dbname"] = dbname
    with psycopg.connect(**params, autocommit=True) as conn:
        yield conn


def server_major() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        (number,) = cursor.fetchone()
    return int(number) // 10000


def _tool_major(path: str) -> int | None:
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, check=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    match = _VERSION_RE.search(out.stdout)
    return int(match.group(1)) if match else None


def pg_tool(name: str, *, at_least: int) -> tuple[str, int]:
    """The path and major version of `name` (pg_dump, pg_restore) that can work with a server
    (or an archive) of major version `at_least`; BackupError when none is installed."""
    candidates = [f"/usr/lib/postgresql/{at_least}/bin/{name}"]
    candidates += sorted((str(p) for p in Path("/usr/lib/postgresql").glob(f"*/bin/{name}")), reverse=True)
    if on_path := shutil.which(name):
        candidates.append(on_path)
    for candidate in candidates:
        if os.access(candidate, os.X_OK) and (major := _tool_major(candidate)) and major >= at_least:
            return candidate, major
    raise BackupError(
        _("%(tool)s for PostgreSQL %(major)s or newer is not installed (Debian: apt-get install "
          "postgresql-client-%(major)s)."),
        {"tool": name, "major": at_least},
    )


def _env() -> dict[str, str]:
    """libpq's variables for the project's database: the password never goes on a command line."""
    s = connection.settings_dict
    env = dict(os.environ)
    for key, value in (("PGHOST", s.get("HOST")), ("PGPORT", s.get("PORT")), ("PGUSER", s.get("USER")),
                       ("PGPASSWORD", s.get("PASSWORD"))):
        if value:
            env[key] = str(value)
    return env


def run_tool(args: list[str]) -> None:
    """Run a client tool; BackupError with its last lines of stderr when it fails."""
    done = subprocess.run(args, env=_env(), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-8:])
        raise BackupError(_("%(tool)s failed: %(error)s"), {"tool": Path(args[0]).name, "error": tail})


def database_name() -> str:
    return str(connection.settings_dict["NAME"])


def schema_tables(conn: psycopg.Connection[Any], schema: str) -> list[str]:
    rows = conn.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relkind IN ('r', 'p') ORDER BY c.relname", [schema]
    ).fetchall()
    return [row[0] for row in rows]


def schema_counts(conn: psycopg.Connection[Any], schema: str) -> dict[str, int]:
    """Rows in every table of `schema` (what a restore is checked against)."""
    counts = {}
    for table in schema_tables(conn, schema):
        row = conn.execute(sql.SQL("SELECT count(*) FROM {}.{}").format(
            sql.Identifier(schema), sql.Identifier(table))).fetchone()
        counts[table] = int(row[0]) if row else 0
    return counts


def schema_present(conn: psycopg.Connection[Any], schema: str) -> bool:
    return conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema]).fetchone() is not None


def schema_drop(schema: str) -> None:
    with side_connection() as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


def extensions(conn: psycopg.Connection[Any]) -> list[str]:
    rows = conn.execute("SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY oid").fetchall()
    return [row[0] for row in rows]


def catalog_analyze() -> None:
    """Fresh planner statistics for the catalogues pg_dump's own queries join. With thousands of
    schemas, statistics left from when there were fewer (autovacuum analyzes them rarely, and
    pg_rewrite hardly ever) made one of them take 30 s instead of 3 (bench/national_scale at
    1,000 municipalities). A fraction of a second; skipped with a warning without the rights."""
    with side_connection() as conn:
        conn.execute("ANALYZE pg_catalog.pg_class, pg_catalog.pg_depend, pg_catalog.pg_rewrite")

