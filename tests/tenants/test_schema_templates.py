"""A municipality provisioned from the release's schema template is the same, in the catalogue and
in its rows, as one whose schema was migrated (tenants.services.provisioning)."""

import pytest
from django.db import connection
from django_tenants.signals import schema_migrated

from tenants.models import Municipality, SchemaTemplate
from tenants.services.municipalities import municipality_create
from tenants.services.provisioning import schema_restore_from_template, schema_template_build

RESTORED, MIGRATED = "tplrestored", "tplmigrated"

# Each row: (what, the text that must match). Names are made schema-free so two schemas compare.
CATALOGUE = """
-- Positions are counted, not read: a migrated table keeps gaps where columns were dropped.
SELECT 'column', format('%%s.%%s #%%s %%s %%s %%s %%s default %%s', c.table_name, c.column_name,
       rank() OVER (PARTITION BY c.table_name ORDER BY c.ordinal_position), c.data_type,
       c.udt_schema || '.' || c.udt_name, c.is_nullable, c.character_maximum_length,
       replace(c.column_default, c.table_schema || '.', ''))
  FROM information_schema.columns c WHERE c.table_schema = %(schema)s
UNION ALL
SELECT 'relation', format('%%s %%s %%s', relname, relkind, relpersistence)
  FROM pg_class WHERE relnamespace = %(schema)s::regnamespace
UNION ALL
SELECT 'index', replace(indexdef, schemaname || '.', '')
  FROM pg_indexes WHERE schemaname = %(schema)s
UNION ALL
-- A CHECK's text is compared by its columns: PostgreSQL prints `x = ANY (ARRAY[...])` as Django
-- wrote it and as pg_dump re-reads it in two equivalent forms.
SELECT 'constraint', format('%%s on %%s (%%s) %%s', con.conname, rel.relname,
       (SELECT string_agg(a.attname, ',' ORDER BY a.attname) FROM pg_attribute a
         WHERE a.attrelid = con.conrelid AND a.attnum = ANY (con.conkey)),
       CASE WHEN con.contype = 'c' THEN 'check'
            ELSE replace(pg_get_constraintdef(con.oid), %(schema)s || '.', '') END)
  FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid
 WHERE con.connamespace = %(schema)s::regnamespace
UNION ALL
SELECT 'sequence', format('%%s %%s %%s %%s %%s', sequencename, data_type, increment_by, start_value,
       last_value)
  FROM pg_sequences WHERE schemaname = %(schema)s
"""

ROWS = {
    "migrations": "SELECT app || '.' || name FROM {s}.django_migrations",
    "content types": "SELECT format('%s %s.%s', id, app_label, model) FROM {s}.django_content_type",
    "permissions": ("SELECT format('%s %s %s %s', id, content_type_id, codename, name) "
                    "FROM {s}.auth_permission"),
    "groups": "SELECT format('%s %s', id, name) FROM {s}.auth_group",
    "group permissions": ("SELECT format('%s %s', g.name, p.codename) FROM {s}.auth_group_permissions gp "
                          "JOIN {s}.auth_group g ON g.id = gp.group_id "
                          "JOIN {s}.auth_permission p ON p.id = gp.permission_id"),
}


def _catalogue(schema: str) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(CATALOGUE, {"schema": schema})
        return sorted(cursor.fetchall())


def _rows(schema: str, query: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(query.format(s=f'"{schema}"'))
        return sorted(row[0] for row in cursor.fetchall())


def _counts(schema: str) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_class WHERE relnamespace = %s::regnamespace AND relkind = 'r'",
                       [schema])
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{schema}"."{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


@pytest.fixture(scope="module")
def two_municipalities(django_db_setup, django_db_blocker):
    """One restored from a freshly built template, one migrated: committed (pg_dump reads the
    template from another session), removed afterwards with the template."""
    # Other tests' browser leaves an event loop in this thread; these are plain sync calls.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield from _two_municipalities(django_db_blocker)


def _two_municipalities(django_db_blocker):
    migrated_schemas = []

    def record(sender, schema_name, **kwargs):
        migrated_schemas.append(schema_name)

    schema_migrated.connect(record)
    with django_db_blocker.unblock():
        try:
            template = schema_template_build(rebuild=True)
            municipality_create(schema_name=RESTORED, domain=f"{RESTORED}.localhost",
                                name_th="เทศบาลตำบลแม่แบบ")
            SchemaTemplate.objects.all().delete()
            municipality_create(schema_name=MIGRATED, domain=f"{MIGRATED}.localhost",
                                name_th="เทศบาลตำบลย้าย")
            yield template, list(migrated_schemas)
        finally:
            schema_migrated.disconnect(record)
            connection.set_schema_to_public()
            with connection.cursor() as cursor:
                for schema in (RESTORED, MIGRATED):
                    cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            Municipality.objects.filter(schema_name__in=[RESTORED, MIGRATED]).delete()
            SchemaTemplate.objects.all().delete()


def test_only_the_municipality_without_a_template_was_migrated(two_municipalities):
    _template, migrated_schemas = two_municipalities
    assert MIGRATED in migrated_schemas
    assert RESTORED not in migrated_schemas


def test_the_restored_schema_has_the_tables_indexes_and_constraints_of_a_migrated_one(two_municipalities, db):
    restored, migrated = _catalogue(RESTORED), _catalogue(MIGRATED)
    assert {kind for kind, _text in restored} == {"column", "relation", "index", "constraint", "sequence"}
    assert restored == migrated


@pytest.mark.parametrize("what", ROWS)
def test_the_restored_schema_has_the_rows_migrate_writes(two_municipalities, db, what):
    restored, migrated = _rows(RESTORED, ROWS[what]), _rows(MIGRATED, ROWS[what])
    assert restored, what
    assert restored == migrated


def test_every_table_holds_as_many_rows_as_in_the_migrated_schema(two_municipalities, db):
    assert _counts(RESTORED) == _counts(MIGRATED)


def test_the_template_remembers_what_a_restore_is_checked_against(two_municipalities, db):
    template, _migrated = two_municipalities
    assert template.placeholder not in (RESTORED, MIGRATED)
    assert template.placeholder in template.sql
    assert template.migrations == len(_rows(MIGRATED, ROWS["migrations"]))
    assert sorted(template.relation_names) == sorted(
        text.split()[0] for kind, text in _catalogue(MIGRATED) if kind == "relation")


def test_a_template_that_no_longer_matches_is_not_used(db):
    """A damaged template (here: one relation it promises is missing) is refused, and the
    municipality is migrated instead; nothing of the attempt is left."""
    broken = SchemaTemplate.objects.create(
        release=_release_fingerprint(), placeholder="_template_broken",
        sql='CREATE SCHEMA _template_broken; CREATE TABLE _template_broken.django_migrations (id int);',
        relation_names=["django_migrations", "auth_group"], migrations=0,
    )
    assert schema_restore_from_template(schema_name="tplbroken") is False
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_namespace WHERE nspname = 'tplbroken'")
        assert cursor.fetchone()[0] == 0
    broken.delete()


def _release_fingerprint() -> str:
    from tenants.services.releases import release_current

    return release_current().fingerprint


@pytest.mark.parametrize("schema", [RESTORED, MIGRATED])
def test_each_role_group_has_every_permission_its_role_is_granted(two_municipalities, db, schema):
    """Including those of the last app migrated: its permissions are made on its own turn of
    post_migrate, where the role groups are filled (accounts.roles)."""
    from accounts.roles import MUNICIPAL_ROLES, granted

    name = "SELECT ct.app_label || '.' || p.codename "
    existing = set(_rows(schema, name + "FROM {s}.auth_permission p "
                                        "JOIN {s}.django_content_type ct ON ct.id = p.content_type_id"))
    for role in MUNICIPAL_ROLES:
        held = set(_rows(schema, name + "FROM {s}.auth_group_permissions gp "
                                        "JOIN {s}.auth_group g ON g.id = gp.group_id "
                                        "JOIN {s}.auth_permission p ON p.id = gp.permission_id "
                                        "JOIN {s}.django_content_type ct ON ct.id = p.content_type_id "
                                        f"WHERE g.name = '{role.value}'"))
        assert held == granted(role) & existing, role
        assert granted(role) <= existing, role
