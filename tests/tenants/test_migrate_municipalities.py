"""The migration executor (tenants.services.schema_migrations, `migrate_municipalities`): only the
schemas that are behind are migrated, a failure in one schema leaves the others done and is
reported, and running it again finishes the job.

A release with one more migration is made by pointing the infrastructure app at a package whose
path holds its real migrations plus the new one (MIGRATION_MODULES)."""

import importlib
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from tenants.models import Municipality, SchemaMigrationRun
from tenants.services.municipalities import municipality_create
from tenants.services.releases import release_current
from tenants.services.schema_migrations import municipalities_migrate, schemas_behind

from ..helpers import manage

SCHEMAS = ["exa", "exb", "exc"]

SCHEMA_ONLY = '''
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [{leaf!r}]
    operations = [
        migrations.AddField("asset", "scale_note", models.CharField(max_length=40, null=True, blank=True)),
        migrations.AddIndex("asset", models.Index(fields=["scale_note"], name="asset_scale_note_idx")),
    ]
'''

IN_PYTHON = '''
from django.db import migrations


def add_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.create(name="scale-test")


class Migration(migrations.Migration):
    dependencies = [{leaf!r}, ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(add_group, migrations.RunPython.noop)]
'''


def _release_with(tmp_path: Path, source: str) -> dict:
    """MIGRATION_MODULES giving infrastructure one more migration, written from `source`."""
    leaf = max(key for key in release_current().migrations if key[0] == "infrastructure")
    package = f"extra_migrations_{uuid.uuid4().hex[:8]}"
    folder = tmp_path / package
    folder.mkdir()
    original = Path(importlib.import_module("infrastructure.migrations").__file__).parent
    (folder / "__init__.py").write_text(f"__path__ = [{str(folder)!r}, {str(original)!r}]\n")
    (folder / "9001_scale_test.py").write_text(source.format(leaf=leaf))
    sys.path.insert(0, str(tmp_path))
    return {"infrastructure": package}


def _sql(query: str, params=None):
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall() if cursor.description else None


def _has_migration(schema: str) -> bool:
    return bool(_sql(f'SELECT 1 FROM "{schema}".django_migrations WHERE name = %s', ["9001_scale_test"]))


def _applied(schema: str):
    return _sql(f'SELECT applied FROM "{schema}".django_migrations WHERE name = %s', ["9001_scale_test"])


def _has_index(schema: str) -> bool:
    return bool(_sql("SELECT 1 FROM pg_indexes WHERE schemaname = %s AND indexname = 'asset_scale_note_idx'",
                     [schema]))


def _has_column(schema: str) -> bool:
    return bool(_sql("SELECT 1 FROM information_schema.columns WHERE table_schema = %s "
                     "AND table_name = 'infrastructure_asset' AND column_name = 'scale_note'", [schema]))


@pytest.fixture
def three_municipalities(release_template, django_db_blocker, monkeypatch, tmp_path):
    """Committed (the executor reads and writes from connections of its own), removed afterwards."""
    # Other tests' browser leaves an event loop in this thread; these are plain sync calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with django_db_blocker.unblock():
        for schema in SCHEMAS:
            municipality_create(schema_name=schema, domain=f"{schema}.localhost",
                                name_th=f"เทศบาลตำบล{schema}")
        try:
            yield
        finally:
            connection.set_schema_to_public()
            for schema in SCHEMAS:
                _sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            Municipality.objects.filter(schema_name__in=SCHEMAS).delete()
            SchemaMigrationRun.objects.all().delete()
            sys.path[:] = [p for p in sys.path if not p.startswith(str(tmp_path))]


def test_a_behind_schema_is_migrated_and_a_current_one_skipped(three_municipalities, tmp_path):
    with override_settings(MIGRATION_MODULES=_release_with(tmp_path, SCHEMA_ONLY)):
        assert set(schemas_behind(SCHEMAS)) == set(SCHEMAS)
        first = municipalities_migrate(schemas=["exa"])
        assert first.migrated == ["exa"] and not first.failures
        applied_before = _applied("exa")

        result = municipalities_migrate(schemas=SCHEMAS)

        assert set(result.behind) == {"exb", "exc"}
        assert sorted(result.migrated) == ["exb", "exc"]
        assert result.by_sql == 2 and result.by_django == 0
        assert not result.failures
        assert all(_has_column(s) and _has_migration(s) for s in SCHEMAS)
        assert all(_has_index(s) for s in SCHEMAS)
        assert _applied("exa") == applied_before
        assert schemas_behind(SCHEMAS) == {}
        run = SchemaMigrationRun.objects.get(pk=result.run.pk)
        assert (run.behind, run.migrated, run.failures) == (2, 2, [])
        assert run.finished_at is not None


def test_a_failure_in_one_schema_leaves_the_others_done_and_is_reported(three_municipalities, tmp_path):
    _sql('ALTER TABLE "exb".infrastructure_asset ADD COLUMN scale_note text')
    with override_settings(MIGRATION_MODULES=_release_with(tmp_path, SCHEMA_ONLY)):
        result = municipalities_migrate(schemas=SCHEMAS)

        assert sorted(result.migrated) == ["exa", "exc"]
        assert [f.schema for f in result.failures] == ["exb"]
        assert "scale_note" in result.failures[0].error
        assert _has_migration("exa") and _has_migration("exc") and not _has_migration("exb")
        assert SchemaMigrationRun.objects.get(pk=result.run.pk).failures[0]["schema"] == "exb"

        # Mended, the next run finishes the job and touches only that schema.
        _sql('ALTER TABLE "exb".infrastructure_asset DROP COLUMN scale_note')
        again = municipalities_migrate(schemas=SCHEMAS)
        assert again.migrated == ["exb"] and not again.failures
        assert _has_column("exb") and _has_migration("exb")


def test_a_migration_in_python_goes_through_django_and_a_failing_schema_is_reported(
        three_municipalities, tmp_path):
    # The migration's insert will clash with this row in exc.
    _sql('INSERT INTO "exc".auth_group (name) VALUES (%s)', ["scale-test"])
    with override_settings(MIGRATION_MODULES=_release_with(tmp_path, IN_PYTHON)):
        result = municipalities_migrate(schemas=SCHEMAS)

        assert sorted(result.migrated) == ["exa", "exb"]
        assert result.by_django == 2 and result.by_sql == 0
        assert [f.schema for f in result.failures] == ["exc"]
        for schema in ("exa", "exb"):
            assert _has_migration(schema)
            assert _sql(f'SELECT 1 FROM "{schema}".auth_group WHERE name = %s', ["scale-test"])
        assert not _has_migration("exc")


def test_the_command_reports_behind_schemas_and_exits_non_zero_on_failure(three_municipalities):
    _sql('DELETE FROM "exa".django_migrations WHERE app = %s', ["opendata"])
    check = manage("migrate_municipalities", "--check", "--schema", "exa", "--schema", "exb")
    assert check.returncode == 1
    assert "exa:" in check.stdout and "exb:" not in check.stdout
    assert "schemas=2 behind=1" in check.stdout

    # Django's migrate now tries to create opendata's tables again, which exist: exa fails.
    run = manage("migrate_municipalities", "--schema", "exa", "--schema", "exb")
    assert run.returncode == 1
    assert "exa:" in run.stderr
    assert "failed=1" in run.stdout


def test_a_schema_whose_table_stays_locked_is_retried_then_reported_and_the_others_are_done(
        three_municipalities, tmp_path):
    """No schema waits for a lock longer than the executor's bound: one held elsewhere for the
    whole run makes that schema fail (after its retries) with the lock named, not the run hang."""
    import psycopg

    from tenants.services import schema_migrations

    with override_settings(MIGRATION_MODULES=_release_with(tmp_path, SCHEMA_ONLY)), \
            psycopg.connect(**connection.get_connection_params()) as holder:
        holder.execute('LOCK TABLE "exb".infrastructure_asset IN ACCESS SHARE MODE')  # blocks ALTER TABLE
        result = municipalities_migrate(schemas=SCHEMAS)
        holder.rollback()

        assert sorted(result.migrated) == ["exa", "exc"]
        assert [f.schema for f in result.failures] == ["exb"]
        assert "lock" in result.failures[0].error
        assert result.longest_lock_s <= schema_migrations.LOCK_BUDGET_S

        again = municipalities_migrate(schemas=SCHEMAS)
        assert again.migrated == ["exb"] and not again.failures


def test_changed_role_grants_reach_every_current_schema_once(three_municipalities):
    """Role grants are code, not migrations: when they differ from the last complete run's, the
    run writes them into the schemas it did not migrate; the run after that leaves them alone."""
    count = 'SELECT count(*) FROM "exa".auth_group_permissions'
    granted = _sql(count)[0][0]
    _sql('DELETE FROM "exa".auth_group_permissions')
    SchemaMigrationRun.objects.create(release="earlier", roles="other grants", finished_at=timezone.now())

    result = municipalities_migrate(schemas=["exa", "exb"])

    assert result.behind == {} and result.roles_synced == 2
    assert _sql(count)[0][0] == granted
    assert municipalities_migrate(schemas=["exa", "exb"]).roles_synced == 0
