"""On one server (CITUS off) the Citus parts stay out of the way: no console page, a command that
says why it cannot move anything, and the SQL the platform runs is the single server's own."""

import pytest
from django.core.management import CommandError, call_command

from tenants import citus

from ..helpers import host_client, login


def test_the_console_has_no_move_page_on_one_server(kantang):
    client = login(host_client("localhost"), "public", "platform")

    assert client.get("/municipalities/kantang/move/").status_code == 404
    assert "/municipalities/kantang/move/" not in client.get("/municipalities/kantang/").text


def test_move_tenant_schema_refuses_without_a_cluster(kantang):
    with pytest.raises(CommandError, match="Citus"):
        call_command("move_tenant_schema", "kantang", "--to-node", "127.0.0.1:5451")


def test_the_single_server_sql_is_unchanged():
    assert citus.scratch_table_sql("_s", "a text") == "CREATE TEMP TABLE _s (a text) ON COMMIT DROP"
    assert citus.scratch_table_cleanup("_s") == []
    assert citus.restore_sql("CREATE SCHEMA x;", "x") == "CREATE SCHEMA x;"
