"""../shared/SCALE.md's rules, checked on the single server in every run (the Citus cluster's own
checks are in on_cluster_placement.py): what would keep a municipality's schema from living whole
on one worker, or leave a table undistributed."""

import re

from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import RunSQL

from tenants import citus

PROCEDURAL_DDL = re.compile(
    r"\bDO\s+(LANGUAGE\s+\w+\s+)?\$|\bCREATE\s+(OR\s+REPLACE\s+)?(FUNCTION|PROCEDURE)\b", re.IGNORECASE)


def test_no_foreign_key_leaves_a_municipality_except_to_a_shared_reference_table(kantang, nueaklong):
    """Rule 1: none between two municipalities, none from public into one; a municipality may
    point at public only at the small shared tables that become reference tables."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.conrelid::regclass::text, n2.nspname, t2.relname FROM pg_constraint c "
            "JOIN pg_class t2 ON t2.oid = c.confrelid JOIN pg_namespace n2 ON n2.oid = t2.relnamespace "
            "WHERE c.contype = 'f' AND t2.relnamespace <> c.connamespace "
            "AND n2.nspname NOT IN ('pg_catalog', 'information_schema')")
        leaving = cursor.fetchall()
    allowed = set(citus.public_tables_referenced())
    assert [row for row in leaving if not (row[1] == "public" and row[2] in allowed)] == []


def test_no_migration_creates_tables_inside_a_do_block_or_a_function(db):
    """Rule 2: Citus distributes a table only when it is created by top-level DDL."""
    offending = []
    for (app, name), migration in MigrationLoader(None, ignore_no_migrations=True).disk_migrations.items():
        for operation in migration.operations:
            if not isinstance(operation, RunSQL):
                continue
            statements = operation.sql if isinstance(operation.sql, list | tuple) else [operation.sql]
            text = " ".join(s if isinstance(s, str) else str(s[0]) for s in statements)
            if PROCEDURAL_DDL.search(text) and re.search(r"\bCREATE\s+(TEMP\w*\s+)?TABLE\b", text, re.I):
                offending.append(f"{app}.{name}")
    assert offending == []


def test_a_municipality_schema_holds_no_function_that_could_create_tables(kantang):
    with connection.cursor() as cursor:
        cursor.execute("SELECT proname FROM pg_proc WHERE pronamespace = 'kantang'::regnamespace")
        assert cursor.fetchall() == []


def test_primary_keys_are_big_integers():
    """Rule 4."""
    assert settings.DEFAULT_AUTO_FIELD == "django.db.models.BigAutoField"
