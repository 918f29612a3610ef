"""A new municipality's schema restored from the release's template instead of migrated.

Replaying every migration costs ~1.3 s per schema and grows with the history; running the SQL of
a freshly migrated schema costs ~0.15 s whatever the history or the number of schemas. Never
django-tenants' clone_schema: it reads information_schema (slow with a large catalogue) and
creates tables inside a PL/pgSQL function, which Citus leaves undistributed (SCALE.md rule 2).

The template of a release (releases.py) is built once: a scratch schema under a placeholder name
is migrated as a municipality would be (its post_migrate content types, permissions and role
groups included), dumped with pg_dump as plain SQL, and dropped. A restore runs that SQL in the
caller's transaction with the placeholder replaced by the new name: pg_dump qualifies every name
it writes (the schema's own objects with the schema, PostGIS's types and functions with
`public`), identity sequences come with their columns, and the municipality's schema holds no
function, view or default that names its own schema in a string. The restored schema is checked
by its relations (by name) and its migration count; when it differs, or when there is no
template for this release, the schema is migrated the usual way.
"""

import logging
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.db import DatabaseError, transaction
from django.db import connection as _connection
from psycopg import sql

from .. import citus
from ..models import SCHEMA_NAME_RE, SchemaTemplate
from . import pg
from .releases import Release, release_current

logger = logging.getLogger(__name__)
# django-tenants' connection: set_schema_to_public(), which Django's stubs do not know.
connection: Any = _connection

PLACEHOLDER_PREFIX = "_template_"
KEEP = 3  # templates kept: this release's and the ones before
# pg_dump's session settings: not wanted in a caller's transaction (the names are qualified).
_SESSION_LINE = re.compile(
    r"^(SET [a-z_]+ = .*;|SELECT pg_catalog\.set_config\('search_path', '', false\);)$")


class TemplateMismatch(Exception):
    """A schema restored from the template is not what the template promised."""


def placeholder_for(release: Release) -> str:
    # Never a municipality's name (SCHEMA_NAME_RE wants a letter first), and unique enough that
    # replacing it in the SQL touches nothing else.
    return f"{PLACEHOLDER_PREFIX}{release.fingerprint[:24]}"


def schema_template_current() -> SchemaTemplate | None:
    """The template of this code's release, if one has been built."""
    return _template_of(release_current())


_cache: dict[str, tuple[tuple[int, Any], SchemaTemplate]] = {}


def _template_of(release: Release) -> SchemaTemplate | None:
    # The SQL (~120 kB) is read once per process; the cheap look-up of its row tells whether it
    # was rebuilt or removed meanwhile.
    row = SchemaTemplate.objects.filter(release=release.fingerprint).values_list("pk", "created_at").first()
    if row is None:
        _cache.pop(release.fingerprint, None)
        return None
    cached = _cache.get(release.fingerprint)
    if cached is None or cached[0] != row:
        template = SchemaTemplate.objects.get(pk=row[0])
        _cache[release.fingerprint] = (row, template)
        return template
    return cached[1]


def schema_template_build(*, rebuild: bool = False,
                          log: Callable[[str], None] = lambda _line: None) -> SchemaTemplate:
    """Build (or return) the template of this code's release.

    Runs migrations and pg_dump, which must see committed work: not inside a transaction. Two
    builds at once (two deploys) wait for each other on an advisory lock, and the second finds
    the first's template."""
    if connection.in_atomic_block:
        raise RuntimeError("a schema template is built from committed work: not inside a transaction")
    release = release_current()
    with _advisory_lock("cityplatform schema template"):
        existing = _template_of(release)
        if existing is not None and not rebuild:
            return existing
        started = time.perf_counter()
        placeholder = placeholder_for(release)
        connection.set_schema_to_public()
        pg.schema_drop(placeholder)  # what an interrupted build left behind
        with pg.side_connection() as conn:
            conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(placeholder)))
        try:
            log(f"migrating the template schema {placeholder}")
            call_command("migrate_schemas", tenant=True, schema_name=placeholder, interactive=False,
                         verbosity=0)
            connection.set_schema_to_public()
            log("dumping it")
            raw = _dump(placeholder)
            with pg.side_connection() as conn:
                relation_names = _relation_names(conn, placeholder)
                counts = pg.schema_counts(conn, placeholder)
        finally:
            connection.set_schema_to_public()
            pg.schema_drop(placeholder)
        template = SchemaTemplate(
            release=release.fingerprint, placeholder=placeholder, sql=_plain(raw),
            relation_names=relation_names, migrations=counts.get("django_migrations", 0),
        )
        _trial_restore(template, expected_counts=counts)
        template.build_seconds = time.perf_counter() - started
        with transaction.atomic():
            SchemaTemplate.objects.filter(release=release.fingerprint).delete()
            template.save()
            # Processes of the release before may still be serving during a deploy: its template
            # stays a while (a few kept), older ones go.
            kept = SchemaTemplate.objects.order_by("-created_at").values_list("pk", flat=True)[:KEEP]
            SchemaTemplate.objects.exclude(pk__in=list(kept)).delete()
        _cache.pop(release.fingerprint, None)
        log(f"template {placeholder}: {len(relation_names)} relations, {template.migrations} migrations, "
            f"{len(template.sql) // 1024} kB of SQL, built in {template.build_seconds:.1f} s")
        return template


def schema_template_ensure(*, log: Callable[[str], None] = lambda _line: None) -> SchemaTemplate:
    return schema_template_build(rebuild=False, log=log)


def schema_restore_from_template(*, schema_name: str) -> bool:
    """Create `schema_name` from this release's template in the current transaction.

    True when done and checked; False (nothing left behind) when there is no template for this
    release or what it produced does not match it — the caller then migrates the schema."""
    if not SCHEMA_NAME_RE.match(schema_name):
        raise ValueError(f"{schema_name!r} is not a municipality's schema name")
    template = schema_template_current()
    if template is None:
        return False
    try:
        with transaction.atomic():  # a savepoint: a failed restore leaves the caller's work intact
            with connection.cursor() as cursor:
                cursor.execute(_renamed(template, schema_name))
            with connection.cursor() as cursor:
                _verify(cursor, template, schema_name)
    except (DatabaseError, TemplateMismatch) as error:
        logger.error("schema template %s could not provision %s (%s); migrating instead",
                     template.placeholder, schema_name, error)
        return False
    return True


# --- building ---------------------------------------------------------------------------------
def _dump(schema: str) -> str:
    pg_dump, _major = pg.pg_tool("pg_dump", at_least=pg.server_major())
    pg.catalog_analyze()
    with tempfile.TemporaryDirectory(prefix="cp-template-") as tmp:
        out = Path(tmp) / "template.sql"
        # Multi-row INSERTs rather than COPY FROM stdin, which a driver cannot feed from a script.
        pg.run_tool([pg_dump, "--format=plain", f"--schema={schema}", "--no-owner", "--no-privileges",
                     "--no-comments", "--rows-per-insert=1000", f"--file={out}",
                     f"--dbname={pg.database_name()}"])
        return out.read_text(encoding="utf-8")


def _plain(raw: str) -> str:
    """The dump without psql meta-commands (\\restrict) or session settings."""
    lines = [line for line in raw.splitlines()
             if not line.startswith("\\") and not _SESSION_LINE.match(line)]
    return "\n".join(lines) + "\n"


def _relation_names(conn: Any, schema: str) -> list[str]:
    rows = conn.execute("SELECT relname FROM pg_class WHERE relnamespace = %s::regnamespace ORDER BY relname",
                        [_quoted(schema)]).fetchall()
    return [row[0] for row in rows]


def _trial_restore(template: SchemaTemplate, *, expected_counts: dict[str, int]) -> None:
    """Restore the new template once under a scratch name, check it, roll it back: a template
    that cannot give a municipality exactly the migrated schema is never stored."""
    scratch = f"t{template.release[:20]}_trial"
    with pg.side_connection() as conn, conn.transaction(force_rollback=True):
        conn.execute(_renamed(template, scratch))
        with conn.cursor() as cursor:
            _verify(cursor, template, scratch)
        counts = pg.schema_counts(conn, scratch)
    if counts != expected_counts:
        differing = sorted(t for t in set(counts) | set(expected_counts)
                           if counts.get(t) != expected_counts.get(t))
        raise TemplateMismatch(f"rows of {differing[:3]} differ between the template and the migrated schema")


# --- restoring --------------------------------------------------------------------------------
def _quoted(schema: str) -> str:
    return '"' + schema.replace('"', '""') + '"'


def _renamed(template: SchemaTemplate, schema_name: str) -> str:
    return citus.restore_sql(template.sql.replace(template.placeholder, _quoted(schema_name)), schema_name)


def _verify(cursor: Any, template: SchemaTemplate, schema_name: str) -> None:
    quoted = _quoted(schema_name)
    cursor.execute(
        "SELECT (SELECT count(*) FROM pg_class WHERE relnamespace = %s::regnamespace AND relname = ANY(%s)), "
        f"(SELECT count(*) FROM {quoted}.django_migrations)",
        [quoted, list(template.relation_names)],
    )
    relations, migrations = cursor.fetchone()
    if relations != len(template.relation_names) or migrations != template.migrations:
        raise TemplateMismatch(
            f"{relations} of {len(template.relation_names)} relations, {migrations} of "
            f"{template.migrations} migrations"
        )


@contextmanager
def _advisory_lock(name: str) -> Iterator[None]:
    """An advisory lock held by a connection of its own for the block: migrate closes Django's
    connection when it is done, which would let go of a lock taken on it."""
    with pg.side_connection() as conn:
        conn.execute("SELECT pg_advisory_lock(hashtext(%s))", [name])
        yield
