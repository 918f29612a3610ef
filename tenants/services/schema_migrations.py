"""The migration executor: every municipality's schema brought to this release, fast at thousands
of schemas (`manage.py migrate_municipalities`; SCALE-RESEARCH.md §3).

A no-op `migrate_schemas` runs Django's whole migrate for every schema: a new connection, system
checks, about four scans of the whole pg_class, the project state rendered, post_migrate. With
thousands of schemas that is hours. Here:

1. **Who is behind** is read from the database in one pass: the schemas holding a
   django_migrations table come from pg_class's (relname, relnamespace) index, and the rows of
   those tables are compared with the release's migrations in SQL, one statement per
   READ_CHUNK schemas (a single statement over all would lock every table and index it reads at
   once: more than the server's shared lock table holds). A schema that is current is never
   touched again.
2. **Schemas behind on schema-only migrations** (new columns, indexes, constraints: nothing that
   creates content types or permissions, nothing in Python) get the migrations' SQL, rendered once
   per set of missing migrations (the schemas are clones of one template), applied with the
   django_migrations rows in the same savepoint, up to BATCH_SCHEMAS schemas a transaction. Every
   lock is bounded: a transaction commits before the first lock it took has been held
   LOCK_BUDGET_S, and a schema waits at most that long for a lock (lock_timeout), else it is tried
   again later.
3. **Anything else** (new models, data migrations, a schema with no migrations yet) goes through
   Django's migrate for that schema alone, without system checks and without the pg_class scans
   of MigrationRecorder.has_table, with the same lock_timeout.
4. A failure in one schema is recorded and the others carry on; the run's outcome is kept
   (SchemaMigrationRun). Resuming after a kill is running it again: each schema's state is in its
   own django_migrations, written in the transaction of the change it records.
"""

import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import psycopg
from django.db import DatabaseError
from django.db import connection as _connection
from django.db.migrations import operations as ops
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.migration import Migration as DjangoMigration
from django.db.migrations.recorder import MigrationRecorder
from django.db.migrations.state import ProjectState
from django.utils import timezone
from django_tenants.utils import get_public_schema_name
from psycopg import errors as pg_errors
from psycopg import sql

from ..models import Municipality, SchemaMigrationRun
from . import pg
from .releases import Migration, Release, release_current

logger = logging.getLogger(__name__)
# django-tenants' connection: set_schema() and friends, which Django's stubs do not know.
connection: Any = _connection

READ_CHUNK = 1000          # schemas per statement when reading django_migrations
LOCK_BUDGET_S = 2.0        # the longest any lock is waited for, or held, by the SQL path
LOCK_RETRIES = 3           # tries per schema when its locks are busy
BATCH_SCHEMAS = 100        # schemas per transaction at most: their locks share one lock table
RETRY_PAUSE_S = 1.0

# Operations whose whole effect is the SQL they render: no content type, no permission, no
# Python. (AlterModelOptions only without permission options: post_migrate adds permissions.)
SQL_ONLY_OPERATIONS = (
    ops.AddField, ops.RemoveField, ops.AlterField, ops.RenameField,
    ops.AddIndex, ops.RemoveIndex, ops.RenameIndex, ops.AddConstraint, ops.RemoveConstraint,
    ops.AlterUniqueTogether, ops.AlterIndexTogether, ops.AlterModelTable, ops.AlterModelTableComment,
    ops.AlterOrderWithRespectTo, ops.RunSQL,
)
PERMISSION_OPTIONS = {"permissions", "default_permissions"}

Log = Callable[[str], None]


@dataclass
class Failure:
    schema: str
    error: str


@dataclass
class MigrateResult:
    schemas: int = 0
    behind: dict[str, frozenset[Migration]] = field(default_factory=dict)
    migrated: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    by_sql: int = 0
    by_django: int = 0
    longest_lock_s: float = 0.0
    read_s: float = 0.0
    roles_synced: int = 0
    run: SchemaMigrationRun | None = None


# --- 1. who is behind -------------------------------------------------------------------------
def _quoted(schema: str) -> str:
    return sql.Identifier(schema).as_string()


def schemas_with_migration_table(conn: Any) -> set[str]:
    """Schemas holding a django_migrations table (pg_class's index on relname: no full scan)."""
    rows = conn.execute(
        "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relname = 'django_migrations' AND c.relkind IN ('r', 'p')").fetchall()
    return {row[0] for row in rows}


def schemas_behind(schemas: Sequence[str], *,
                   release: Release | None = None) -> dict[str, frozenset[Migration]]:
    """{schema: the release's migrations it lacks} for every schema of `schemas` that is behind
    (all of them for a schema without a django_migrations table); current schemas are absent."""
    release = release or release_current()
    expected = sorted(release.migrations)
    apps, names = [a for a, _n in expected], [n for _a, n in expected]
    behind: dict[str, frozenset[Migration]] = {}
    with pg.side_connection() as conn:
        present = schemas_with_migration_table(conn)
        readable = [s for s in schemas if s in present]
        behind.update({s: release.migrations for s in schemas if s not in present})
        for start in range(0, len(readable), READ_CHUNK):
            chunk = readable[start:start + READ_CHUNK]
            applied = sql.SQL(" UNION ALL ").join(
                sql.SQL("SELECT {} AS s, app, name FROM {}.django_migrations").format(
                    sql.Literal(schema), sql.Identifier(schema))
                for schema in chunk
            )
            query = sql.SQL(
                "WITH expected AS (SELECT * FROM unnest(%s::text[], %s::text[]) AS e(app, name)), "
                "applied AS ({applied}) "
                "SELECT s.s, e.app, e.name FROM unnest(%s::text[]) AS s(s) CROSS JOIN expected e "
                "WHERE NOT EXISTS (SELECT 1 FROM applied a "
                "WHERE a.s = s.s AND a.app = e.app AND a.name = e.name)"
            ).format(applied=applied)
            missing: dict[str, set[Migration]] = defaultdict(set)
            for schema, app, name in conn.execute(query, [apps, names, chunk]).fetchall():
                missing[schema].add((app, name))
            behind.update({schema: frozenset(keys) for schema, keys in missing.items()})
    return behind


# --- 2. the SQL path --------------------------------------------------------------------------
def _ordered(loader: MigrationLoader) -> list[Migration]:
    """Every migration in the order Django applies them to an empty schema."""
    order: list[Migration] = []
    seen: set[Migration] = set()
    for leaf in sorted(loader.graph.leaf_nodes()):
        for key in loader.graph.forwards_plan(leaf):
            if key not in seen:
                seen.add(key)
                order.append(key)
    return order


def sql_only(migration: DjangoMigration) -> bool:
    if not migration.atomic or migration.replaces:
        return False
    for operation in migration.operations:
        if isinstance(operation, ops.AlterModelOptions):
            if PERMISSION_OPTIONS & set(operation.options):
                return False
        elif not isinstance(operation, SQL_ONLY_OPERATIONS):
            return False
    return True


@dataclass
class RenderedMigration:
    key: Migration
    statements: list[str]


def render_sql(*, missing: frozenset[Migration], schema: str,
               loader: MigrationLoader) -> list[RenderedMigration] | None:
    """The SQL of the migrations `schema` lacks, rendered against that schema (the others with
    the same gap are clones of it), or None when one of them is not SQL-only."""
    order = _ordered(loader)
    plan = [loader.graph.nodes[key] for key in order if key in missing]
    if len(plan) != len(missing) or not all(sql_only(m) for m in plan):
        return None
    state = ProjectState(real_apps=loader.unmigrated_apps)
    for key in order:
        if key not in missing:
            loader.graph.nodes[key].mutate_state(state, preserve=False)
    rendered = []
    connection.set_schema(schema)
    try:
        for migration in plan:
            with connection.schema_editor(collect_sql=True, atomic=migration.atomic) as editor:
                state = migration.apply(state, editor, collect_sql=True)
            key = (migration.app_label, migration.name)
            rendered.append(RenderedMigration(key, list(editor.collected_sql)))
    finally:
        connection.set_schema_to_public()
    return rendered


def _is_lock_timeout(error: BaseException) -> bool:
    cause = getattr(error, "__cause__", None)
    return isinstance(error, pg_errors.LockNotAvailable) or isinstance(cause, pg_errors.LockNotAvailable)


@dataclass
class _SqlOutcome:
    done: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    longest_lock_s: float = 0.0
    retry: list[str] = field(default_factory=list)
    tries: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    slowest_s: float = 0.05  # the longest one schema has taken so far


@dataclass
class _Script:
    sql: str
    apps: list[str]
    names: list[str]


def sql_apply(*, schemas: list[str], rendered: list[RenderedMigration], log: Log) -> _SqlOutcome:
    """Apply rendered migrations to `schemas`, many per transaction, no lock held or waited for
    longer than LOCK_BUDGET_S; a schema whose locks stay busy is tried LOCK_RETRIES times."""
    outcome = _SqlOutcome()
    script = _Script(sql="\n".join(statement for m in rendered for statement in m.statements),
                     apps=[m.key[0] for m in rendered], names=[m.key[1] for m in rendered])
    every, reported = max(50, len(schemas) // 10), 0  # a progress line per `every` schemas
    queue = list(schemas)
    with pg.side_connection() as conn:
        while queue:
            position = 0
            while position < len(queue):
                position = _batch(conn, queue, position, script, outcome)
                if len(outcome.done) // every > reported:
                    reported = len(outcome.done) // every
                    log(f"  {len(outcome.done)}/{len(schemas)} schemas migrated (committed); longest lock "
                        f"so far {outcome.longest_lock_s:.2f} s")
            queue, outcome.retry = outcome.retry, []
            if queue:
                log(f"{len(queue)} schemas found their tables locked; trying them again")
                time.sleep(RETRY_PAUSE_S)
    return outcome


def _batch(conn: psycopg.Connection[Any], queue: list[str], position: int, script: _Script,
           outcome: _SqlOutcome) -> int:
    """One transaction: schemas from queue[position] on, until the first lock taken has been held
    nearly LOCK_BUDGET_S. Returns the position of the next schema."""
    first_lock_at: float | None = None
    end = min(len(queue), position + BATCH_SCHEMAS)
    with conn.transaction():
        while position < end:
            if first_lock_at is None:
                wait = LOCK_BUDGET_S
            else:
                # Wait for a lock only as long as the locks already taken may still be held.
                wait = LOCK_BUDGET_S - (time.monotonic() - first_lock_at) - 2 * outcome.slowest_s
            if wait < 0.1:
                break
            schema = queue[position]
            position += 1
            started = time.monotonic()
            if _apply_one(conn, schema, script, wait, outcome):
                first_lock_at = first_lock_at or started
                outcome.slowest_s = max(outcome.slowest_s, time.monotonic() - started)
                outcome.done.append(schema)
    if first_lock_at is not None:
        outcome.longest_lock_s = max(outcome.longest_lock_s, time.monotonic() - first_lock_at)
    return position


def _apply_one(conn: psycopg.Connection[Any], schema: str, script: _Script, wait: float,
               outcome: _SqlOutcome) -> bool:
    """The script and its django_migrations rows in one savepoint; False (and rolled back) when
    the schema failed, to be retried when its locks were busy."""
    quoted = _quoted(schema)
    conn.execute(f"SET LOCAL lock_timeout = '{int(wait * 1000)}ms'")
    conn.execute(f"SET LOCAL search_path = {quoted}, public")
    try:
        with conn.transaction():
            if script.sql.strip():
                conn.execute(script.sql)
            conn.execute(f"INSERT INTO {quoted}.django_migrations (app, name, applied) "
                         "SELECT app, name, now() FROM unnest(%s::text[], %s::text[]) AS m(app, name)",
                         [script.apps, script.names])
    except Exception as error:  # noqa: BLE001 — reported, the others go on
        outcome.tries[schema] += 1
        if _is_lock_timeout(error) and outcome.tries[schema] < LOCK_RETRIES:
            outcome.retry.append(schema)
        else:
            outcome.failures.append(Failure(schema, _message(error)))
        return False
    return True


def _message(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:500]


# --- 3. the Django path -----------------------------------------------------------------------
@contextmanager
def _recorder_without_catalog_scan() -> Iterator[None]:
    """MigrationRecorder.has_table() lists every table of the database (a scan of pg_class per
    call, several per schema); asking for the one table by name answers the same question."""
    original = MigrationRecorder.has_table

    def has_table(self: MigrationRecorder) -> bool:
        if getattr(self, "_has_table", False):
            return True
        schema = getattr(self.connection, "schema_name", None) or get_public_schema_name()
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [f"{_quoted(schema)}.django_migrations"])
            found = bool(cursor.fetchone()[0])
        self._has_table = found  # type: ignore[attr-defined]  # Django's own cache of the answer
        return found

    MigrationRecorder.has_table = has_table  # type: ignore[method-assign]
    try:
        yield
    finally:
        MigrationRecorder.has_table = original  # type: ignore[method-assign]


def django_migrate(schema: str, *, stdout: Any = None) -> None:
    """Django's migrate for one schema, as django-tenants' executor runs it (the recorder's table
    made in the schema itself first), without system checks and with lock waits bounded."""
    from django.core.management.commands.migrate import Command as MigrateCommand
    from django_tenants.signals import schema_migrated, schema_pre_migration

    command = MigrateCommand(stdout=stdout)
    options = vars(command.create_parser("manage.py", "migrate").parse_args(
        ["--noinput", "--skip-checks", "--verbosity=0"]))
    schema_pre_migration.send(django_migrate, schema_name=schema)
    connection.set_schema(schema, include_public=False)
    MigrationRecorder(connection).ensure_schema()
    connection.set_schema(schema)
    with connection.cursor() as cursor:
        cursor.execute(f"SET lock_timeout = '{int(LOCK_BUDGET_S * 1000)}ms'")
    try:
        command.execute(**options)
    finally:
        connection.set_schema_to_public()
        if connection.connection is not None and not connection.in_atomic_block:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("RESET lock_timeout")  # a pooled connection goes on serving
            except DatabaseError:
                connection.close()
    schema_migrated.send(django_migrate, schema_name=schema)


def _django_path(schemas: list[str], *, log: Log) -> tuple[list[str], list[Failure]]:
    done: list[str] = []
    failures: list[Failure] = []
    queue = list(schemas)
    tries: dict[str, int] = defaultdict(int)
    while queue:
        retry = []
        for i, schema in enumerate(queue, 1):
            try:
                django_migrate(schema)
            except Exception as error:  # noqa: BLE001 — reported, the others go on
                connection.close()  # a failed migration may leave the connection in a bad state
                tries[schema] += 1
                if _is_lock_timeout(error) and tries[schema] < LOCK_RETRIES:
                    retry.append(schema)
                else:
                    failures.append(Failure(schema, _message(error)))
                    logger.error("migrating %s failed: %s", schema, error)
                continue
            done.append(schema)
            if i % 50 == 0:
                log(f"  {i}/{len(queue)} schemas migrated through Django")
        if retry:
            time.sleep(RETRY_PAUSE_S)
        queue = retry
    return done, failures


# --- 4. the run -------------------------------------------------------------------------------
def _roles_sync_everywhere(schemas: list[str], *, log: Log) -> tuple[int, list[Failure]]:
    from accounts.roles import roles_sync

    failures = []
    for schema in schemas:
        connection.set_schema(schema)
        try:
            roles_sync()
        except Exception as error:  # noqa: BLE001 — reported, the others go on
            failures.append(Failure(schema, _message(error)))
        finally:
            connection.set_schema_to_public()
    log(f"role grants synchronised in {len(schemas) - len(failures)} schemas")
    return len(schemas) - len(failures), failures


def municipalities_migrate(*, schemas: Sequence[str] | None = None,
                           log: Log = lambda _line: None) -> MigrateResult:
    """Bring `schemas` (default: public and every municipality's) to this release."""
    release = release_current()
    public = get_public_schema_name()
    connection.set_schema_to_public()
    started = time.perf_counter()
    public_behind: dict[str, frozenset[Migration]] = {}
    if schemas is None or public in schemas:
        # The shared apps' tables live there (the list of municipalities among them): first, as
        # migrate_schemas does.
        public_behind = schemas_behind([public], release=release)
        if public_behind:
            from django.core.management import call_command

            log("migrating the public schema")
            call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
            connection.set_schema_to_public()
    if schemas is None:
        schemas = [public, *Municipality.objects.exclude(schema_name=public)
                   .order_by("schema_name").values_list("schema_name", flat=True)]
    result = MigrateResult(schemas=len(schemas))
    result.behind = {**public_behind, **schemas_behind([s for s in schemas if s != public], release=release)}
    if public_behind:
        result.migrated.append(public)
        result.by_django += 1
    result.read_s = time.perf_counter() - started
    log(f"{len(result.behind)} of {len(schemas)} schemas behind (read in {result.read_s:.2f} s)")
    run = SchemaMigrationRun.objects.create(release=release.fingerprint, roles=release.roles,
                                            schemas=len(schemas), behind=len(result.behind))
    result.run = run

    groups: dict[frozenset[Migration], list[str]] = defaultdict(list)
    for schema, missing in result.behind.items():
        if schema != public:
            groups[missing].append(schema)
    loader = MigrationLoader(None, ignore_no_migrations=True)
    django_queue: list[str] = []
    for missing, members in sorted(groups.items(), key=lambda item: -len(item[1])):
        rendered = None
        if len(missing) < len(release.migrations):  # a schema with no migrations at all: Django
            try:
                rendered = render_sql(missing=missing, schema=members[0], loader=loader)
            except Exception as error:  # noqa: BLE001 — rendering failed: Django will say why
                logger.warning("could not render the SQL of %d migrations: %s", len(missing), error)
        if rendered is None:
            django_queue.extend(members)
            continue
        log(f"{len(members)} schemas lack {len(missing)} schema-only migrations: their SQL, in batches")
        outcome = sql_apply(schemas=members, rendered=rendered, log=log)
        result.migrated += outcome.done
        result.by_sql += len(outcome.done)
        result.failures += outcome.failures
        result.longest_lock_s = max(result.longest_lock_s, outcome.longest_lock_s)
    if django_queue:
        log(f"{len(django_queue)} schemas through Django's migrate")
        with _recorder_without_catalog_scan():
            done, failures = _django_path(sorted(django_queue), log=log)
        result.migrated += done
        result.by_django += len(done)
        result.failures += failures

    # Role grants are code: a release may change them without a migration. Schemas migrated
    # above had them synchronised by post_migrate; the others only when the grants changed
    # since the last complete run.
    last = (SchemaMigrationRun.objects.filter(finished_at__isnull=False, failures=[]).exclude(pk=run.pk)
            .order_by("-finished_at").first())
    if last is None or last.roles != release.roles:
        current = [s for s in schemas if s not in result.behind]
        result.roles_synced, failures = _roles_sync_everywhere(current, log=log)
        result.failures += failures

    run.migrated = len(result.migrated)
    run.failures = [{"schema": f.schema, "error": f.error} for f in result.failures]
    run.finished_at = timezone.now()
    run.save(update_fields=["migrated", "failures", "finished_at"])
    return result
