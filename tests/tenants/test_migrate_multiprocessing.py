"""`migrate_schemas --executor=multiprocessing` forks; with Django's connection pool the children
used to share the parent's pooled sockets and hang (kernel.db closes pools before a fork)."""

import subprocess

import pytest
from django.db import connection
from django_tenants.utils import schema_exists

from tenants.models import Municipality
from tenants.services.municipalities import municipality_create

from ..helpers import manage

EXTRA = [f"mp{i}" for i in range(6)]


@pytest.fixture(scope="module")
def eight_municipalities(release_template, django_db_blocker):
    # Committed, because the command runs in another process; removed again afterwards.
    with django_db_blocker.unblock():
        for schema in EXTRA:
            municipality_create(
                schema_name=schema, domain=f"{schema}.localhost", name_th=f"เทศบาลตำบล{schema}"
            )
        yield
        with connection.cursor() as cursor:
            for schema in EXTRA:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        Municipality.objects.filter(schema_name__in=EXTRA).delete()


def test_the_multiprocessing_executor_finishes_with_the_pool_on(eight_municipalities, db):
    try:
        result = manage(
            "migrate_schemas", "--executor=multiprocessing", "--noinput", DB_POOL="1", timeout=90
        )
    except subprocess.TimeoutExpired:
        pytest.fail("migrate_schemas --executor=multiprocessing hung")

    assert result.returncode == 0, result.stderr[-2000:]
    assert all(schema_exists(schema) for schema in EXTRA)
    assert result.stdout.count("No migrations to apply") >= 8
