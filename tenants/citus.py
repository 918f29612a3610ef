"""The platform on a Citus cluster (issue 21, ../shared/SCALE.md): every rule that differs from
one server, defined once here. Off (settings.CITUS false) nothing here changes what runs.

- **Distributed schemas.** Every Django connection (and the side connections that copy its
  parameters) runs with schema-based sharding on (SESSION_OPTIONS), so a `CREATE SCHEMA` —
  django-tenants' create_schema for a migrated municipality — makes a distributed schema: one
  shard group, placed whole on one worker, its tables created by the top-level DDL that follows
  (SCALE.md rule 2). SQL from pg_dump (the release's template, a backup) is run as a plain schema
  and then distributed (restore_sql, schema_distribute): Citus refuses the identity columns
  pg_dump adds with ALTER TABLE inside a distributed schema.
- **Reference tables.** A table in `public` that a municipality's table points at must be copied
  to every node (Citus refuses the foreign key otherwise). Which ones is read from the models,
  after every migration of `public` (reference_tables_ensure); today there are none.
- **Scratch tables.** The import engine's stage lives beside the municipality's tables
  (scratch_table_sql), not in a coordinator-only TEMP table.
- **Placement.** Where a schema lives, moving it to another worker while it is used
  (citus_schema_move with logical replication: writes wait only for the final catch-up) and
  rebalancing the workers.

Everything else (routing by search_path, the ORM, raw SQL, ST_AsMVT tiles, national snapshots
written into `public`, Celery tasks) works unchanged: each query of a municipality touches one
schema, which Citus routes whole to its worker. The README ("Past one server") lists what Citus
refuses and where the platform works around it.
"""
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings

# Read by settings: the options of every Django connection (side connections copy them).
# - schema-based sharding: every CREATE SCHEMA makes a distributed schema;
# - repartition joins: an INSERT … SELECT whose SELECT joins two tables of the municipality (the
#   imports' history rows) is run by Citus through the coordinator, and without this Citus 13.2
#   refuses to plan it ("the query contains a join that requires repartitioning") even though
#   both tables sit in the same shard group on one worker; no repartitioning then happens.
SESSION_OPTIONS = "-c citus.enable_schema_based_sharding=on -c citus.enable_repartition_joins=on"
# Moves copy the schema by logical replication and block writes only while the last changes
# are applied; 'block_writes' would block them for the whole copy.
TRANSFER_MODE = "force_logical"
NODE_RE = re.compile(r"^(?P<host>[A-Za-z0-9.\-]+):(?P<port>\d{1,5})$")


class CitusError(Exception):
    """A placement request that cannot be done (unknown node, schema not distributed)."""


def enabled() -> bool:
    return bool(getattr(settings, "CITUS", False))


@dataclass(frozen=True)
class Node:
    host: str
    port: int
    schemas: int = 0

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"


def node_parse(text: str) -> tuple[str, int]:
    match = NODE_RE.match(text.strip())
    if not match:
        raise CitusError(f"{text!r} is not host:port")
    return match["host"], int(match["port"])


# --- tables and schemas -----------------------------------------------------------------------
def public_tables_referenced() -> list[str]:
    """Tables of shared-only apps that a municipality's tables point at (with what those point
    at in turn: a reference table may only reference reference tables)."""
    from django.apps import apps

    tenant_labels = {cfg.label for cfg in apps.get_app_configs() if cfg.name in settings.TENANT_APPS}
    wanted: set[str] = set()
    todo = [m for m in apps.get_models(include_auto_created=True) if m._meta.app_label in tenant_labels]
    seen: set[Any] = set()
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        for field in model._meta.get_fields():
            target = getattr(field, "related_model", None)
            if not (field.is_relation and field.concrete and target is not None):
                continue
            if not getattr(field, "db_constraint", True):
                continue  # no foreign key in the database, nothing for Citus to check
            if target._meta.app_label not in tenant_labels:
                wanted.add(target._meta.db_table)
                todo.append(target)
    return sorted(wanted)


def reference_tables_ensure(cursor: Any) -> list[str]:
    """Make the referenced public tables reference tables; the ones converted now."""
    done = []
    for table in public_tables_referenced():
        cursor.execute("SELECT 1 FROM pg_dist_partition WHERE logicalrelid = to_regclass(%s)",
                       [f'public."{table}"'])
        if cursor.fetchone() is None:
            cursor.execute("SELECT create_reference_table(%s)", [f'public."{table}"'])
            done.append(table)
    return done


def after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """post_migrate: after `public` is migrated, before any municipality's schema is."""
    if not enabled():
        return
    from django.db import connections
    from django_tenants.utils import get_public_schema_name

    conn = connections[using]
    if getattr(conn, "schema_name", None) != get_public_schema_name():
        return
    with conn.cursor() as cursor:
        reference_tables_ensure(cursor)


def schema_is_distributed(cursor: Any, schema: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_dist_schema WHERE schemaid = to_regnamespace(%s)", [_quoted(schema)])
    return cursor.fetchone() is not None


def schema_distribute(cursor: Any, schema: str) -> bool:
    """Distribute a schema that was created without schema-based sharding; True if it had to be."""
    if schema_is_distributed(cursor, schema):
        return False
    cursor.execute("SELECT citus_schema_distribute(%s::regnamespace)", [_quoted(schema)])
    return True


def restore_sql(dump_sql: str, schema: str) -> str:
    """pg_dump's SQL of a schema, run so that the schema ends up distributed: created as a plain
    schema (Citus refuses the `ALTER TABLE … ADD GENERATED AS IDENTITY` pg_dump writes, in a
    distributed one), then distributed, rows and foreign keys included, in the same transaction.
    Unchanged when Citus is off."""
    if not enabled():
        return dump_sql
    literal = "'" + _quoted(schema).replace("'", "''") + "'"
    return ("SELECT set_config('citus.enable_schema_based_sharding', 'off', true);\n" + dump_sql
            + "\nSELECT set_config('citus.enable_schema_based_sharding', 'on', true);"
            + f"\nSELECT citus_schema_distribute({literal}::regnamespace);\n")


def scratch_table_sql(name: str, columns: str) -> str:
    """DDL of a per-transaction scratch table (the import engine's stage). On one server a
    temporary table, dropped at commit. On Citus a temporary table lives on the coordinator, and
    Citus can neither join it with a municipality's tables on their worker nor update it from them
    ("relation is not distributed", "found no worker with all shard placements"): there it is a
    table of the municipality's own schema (first on the search_path), so it sits beside the
    tables it feeds and every statement runs whole on that worker. It costs one distributed DDL
    per chunk, imports of one municipality wait for each other, and the caller drops it
    (scratch_table_cleanup) before committing."""
    if not enabled():
        return f"CREATE TEMP TABLE {name} ({columns}) ON COMMIT DROP"
    return f"CREATE TABLE {name} ({columns})"


def scratch_table_as_sql(name: str, select: str) -> str:
    """scratch_table_sql for a table made from a query (CREATE … AS `select`)."""
    if not enabled():
        return f"CREATE TEMP TABLE {name} ON COMMIT DROP AS {select}"
    return f"CREATE TABLE {name} AS {select}"


def scratch_table_cleanup(name: str) -> list[str]:
    return [f"DROP TABLE IF EXISTS {name}"] if enabled() else []


# --- placement --------------------------------------------------------------------------------
def workers(cursor: Any) -> list[Node]:
    """The nodes that hold municipalities, with how many each holds."""
    cursor.execute(
        "SELECT n.nodename, n.nodeport, count(DISTINCT s.schemaid) FROM pg_dist_node n "
        "LEFT JOIN pg_dist_placement p ON p.groupid = n.groupid "
        "LEFT JOIN pg_dist_shard sh ON sh.shardid = p.shardid "
        "LEFT JOIN pg_dist_partition dp ON dp.logicalrelid = sh.logicalrelid "
        "LEFT JOIN pg_dist_schema s ON s.colocationid = dp.colocationid "
        "WHERE n.isactive AND n.noderole = 'primary' AND n.shouldhaveshards "
        "GROUP BY n.nodename, n.nodeport ORDER BY n.nodeport, n.nodename")
    return [Node(host, int(port), int(count)) for host, port, count in cursor.fetchall()]


def schema_node(cursor: Any, schema: str) -> Node | None:
    """The node that holds `schema` (None when it is not distributed or has no table yet)."""
    cursor.execute(
        "SELECT n.nodename, n.nodeport FROM pg_dist_schema s "
        "JOIN pg_dist_partition dp ON dp.colocationid = s.colocationid "
        "JOIN pg_dist_shard sh ON sh.logicalrelid = dp.logicalrelid "
        "JOIN pg_dist_placement p ON p.shardid = sh.shardid "
        "JOIN pg_dist_node n ON n.groupid = p.groupid "
        "WHERE s.schemaid = to_regnamespace(%s) LIMIT 1", [_quoted(schema)])
    row = cursor.fetchone()
    return Node(row[0], int(row[1])) if row else None


def schema_move(cursor: Any, schema: str, *, to_node: str) -> tuple[Node | None, Node]:
    """Move `schema` whole to `to_node` (host:port); (from, to). Reads and writes go on during the
    copy; writes wait only while the last changes are applied. Not inside a transaction."""
    host, port = node_parse(to_node)
    if not schema_is_distributed(cursor, schema):
        raise CitusError(f"{schema} is not a distributed schema")
    target = next((n for n in workers(cursor) if n.host == host and n.port == port), None)
    if target is None:
        raise CitusError(f"{to_node} is not a worker that holds municipalities")
    source = schema_node(cursor, schema)
    if source is not None and (source.host, source.port) == (host, port):
        return source, target
    cursor.execute("SELECT citus_schema_move(%s::regnamespace, %s, %s, %s::citus.shard_transfer_mode)",
                   [_quoted(schema), host, port, TRANSFER_MODE])
    return source, target


def schemas_rebalance(cursor: Any) -> int:
    """Even out the municipalities over the workers (by count: they are alike); the moves made."""
    cursor.execute("SELECT count(*) FROM get_rebalance_table_shards_plan("
                   "rebalance_strategy := 'by_shard_count')")
    planned = int(cursor.fetchone()[0])
    if planned:
        cursor.execute("SELECT rebalance_table_shards(rebalance_strategy := 'by_shard_count', "
                       "shard_transfer_mode := %s::citus.shard_transfer_mode)", [TRANSFER_MODE])
    return planned


def _quoted(schema: str) -> str:
    return '"' + schema.replace('"', '""') + '"'
