"""On the Citus cluster only: tests/citus/test_on_cluster.py runs this module (its name keeps it out
of the single-server run) against the coordinator. Municipalities are distributed schemas placed on
workers, nothing is left undistributed, and a municipality moves between workers while it is used.

These tests commit (a move runs on connections of its own): no `db` fixture, whose transaction
would hide their rows from the move and whose flush would empty the cluster for the tests after."""

import threading
import time

import pytest
from django.db import connection, connections
from django_tenants.utils import schema_context

from accounts.models import User
from tenants import citus
from tenants.models import Municipality
from tenants.services import pg
from tenants.services.console_audit import Actor
from tenants.services.placement import (
    cluster_workers,
    municipalities_rebalance,
    municipality_move,
    municipality_node,
)

from ..helpers import host_client, login


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        yield
        connection.set_schema_to_public()
    connections.close_all()


def _schemas() -> list[str]:
    return list(Municipality.objects.exclude(schema_name="public").order_by("schema_name")
                .values_list("schema_name", flat=True))


def test_every_municipality_is_a_distributed_schema_with_nothing_left_on_the_coordinator(committed):
    workers = {str(w) for w in cluster_workers()}
    with pg.side_connection() as conn, conn.cursor() as cursor:
        for schema in _schemas():
            assert citus.schema_is_distributed(cursor, schema), schema
            assert str(citus.schema_node(cursor, schema)) in workers, schema
            cursor.execute(
                "SELECT relname FROM pg_class WHERE relnamespace = to_regnamespace(%s) "
                "AND relkind IN ('r', 'p') "
                "AND oid NOT IN (SELECT logicalrelid FROM pg_dist_partition)", [schema])
            assert cursor.fetchall() == [], f"tables of {schema} left undistributed (SCALE.md rule 2)"


def test_a_municipality_points_only_at_its_own_tables_or_at_reference_tables(committed):
    with pg.side_connection() as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT c.conrelid::regclass::text, c.confrelid::regclass::text, "
            "p.partmethod IS NOT NULL AND p.repmodel = 't' "
            "FROM pg_constraint c LEFT JOIN pg_dist_partition p ON p.logicalrelid = c.confrelid "
            "WHERE c.contype = 'f' AND c.connamespace = ANY(%s::regnamespace[]) "
            "AND (SELECT relnamespace FROM pg_class WHERE oid = c.confrelid) <> c.connamespace",
            [_schemas()])
        outside = cursor.fetchall()
        for table in citus.public_tables_referenced():
            cursor.execute("SELECT repmodel FROM pg_dist_partition WHERE logicalrelid = to_regclass(%s)",
                           [f"public.{table}"])
            assert cursor.fetchone() == ("t",), f"{table} is not a reference table"
    assert all(is_reference for _table, _target, is_reference in outside), outside


def test_a_municipality_provisioned_from_the_template_is_distributed(committed):
    from tenants.services.municipalities import municipality_create
    from tenants.services.provisioning import schema_template_build

    schema_template_build()
    municipality = municipality_create(schema_name="citusnew", domain="citusnew.localhost",
                                       name_th="เทศบาลตำบลซิทัส", is_test=True)
    with pg.side_connection() as conn, conn.cursor() as cursor:
        assert citus.schema_is_distributed(cursor, municipality.schema_name)
        assert citus.schema_node(cursor, municipality.schema_name) is not None
    with schema_context("citusnew"):
        assert User.objects.count() == 0


class _Traffic:
    """A steady stream of writes and reads to one municipality, on a thread of its own (its own
    connection, as a request would have), counting what clients would see."""

    def __init__(self, schema: str):
        self.schema, self.errors, self.writes, self.reads = schema, [], 0, 0
        self.longest = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=60)

    def _run(self):
        try:
            while not self._stop.is_set():
                started = time.perf_counter()
                try:
                    with schema_context(self.schema):
                        User.objects.create(username=f"load_{self.writes}")
                        self.writes += 1
                        User.objects.filter(username__startswith="load_").count()
                        self.reads += 1
                except Exception as error:  # noqa: BLE001 - every error a client would see counts
                    self.errors.append(repr(error))
                self.longest = max(self.longest, time.perf_counter() - started)
                time.sleep(0.005)
        finally:
            connection.close()


def test_a_municipality_moves_to_the_other_worker_while_it_is_written_and_read(committed):
    kantang = Municipality.objects.get(schema_name="kantang")
    source = municipality_node(municipality=kantang)
    target = next(str(w) for w in cluster_workers() if str(w) != source)

    with _Traffic("kantang") as traffic:
        time.sleep(0.3)
        result = municipality_move(municipality=kantang, to_node=target, actor=Actor.shell())
        time.sleep(0.3)

    assert traffic.errors == []
    assert result.source == source and result.target == target
    assert municipality_node(municipality=kantang) == target
    assert traffic.writes > 10 and traffic.reads > 10
    with schema_context("kantang"):
        assert User.objects.filter(username__startswith="load_").count() == traffic.writes


def test_rebalancing_evens_out_the_workers(committed):
    workers = [str(w) for w in cluster_workers()]
    for municipality in Municipality.objects.exclude(schema_name="public"):
        municipality_move(municipality=municipality, to_node=workers[0], actor=Actor.shell())
    assert [w.schemas for w in cluster_workers()][1] == 0

    assert municipalities_rebalance(actor=Actor.shell()) > 0

    counts = [w.schemas for w in cluster_workers()]
    assert max(counts) - min(counts) <= 1


def test_the_console_moves_a_municipality(committed):
    nueaklong = Municipality.objects.get(schema_name="nueaklong")
    target = next(str(w) for w in cluster_workers() if str(w) != municipality_node(municipality=nueaklong))
    client = login(host_client("localhost"), "public", "platform")

    page = client.get("/municipalities/nueaklong/move/")
    moved = client.post("/municipalities/nueaklong/move/", {"node": target})

    assert page.status_code == 200 and target in page.text
    assert moved.status_code == 302
    assert municipality_node(municipality=nueaklong) == target
