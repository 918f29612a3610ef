"""`create_municipality` (CONTRACT §4) makes a working tenant, and refuses duplicates clearly."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import schema_context, schema_exists

from accounts.models import User
from accounts.roles import Role
from accounts.services import user_create
from tenants.models import Domain, Municipality

from ..helpers import DEMO_PASSWORD, host_client, login, manage


@pytest.fixture
def third(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "create_municipality", "--schema", "trang", "--domain", "trang.localhost",
            "--name-th", "เทศบาลนครตรัง", "--name-en", "Trang City Municipality",
            "--subdistrict-code", "920101", "--lat", "7.5563", "--lon", "99.6114",
            stdout=open("/dev/null", "w"),
        )
    return Municipality.objects.get(schema_name="trang")


def test_it_creates_a_working_third_municipality(third):
    assert schema_exists("trang")
    assert third.kind == Municipality.Kind.CITY  # read from "เทศบาลนคร…"
    assert (third.province_code, third.district_code) == ("92", "9201")
    assert Domain.objects.get(domain="trang.localhost").tenant == third
    with schema_context("trang"):
        user_create(username="first_admin", password=DEMO_PASSWORD, role=Role.ADMIN)
        assert User.objects.count() == 1
    with schema_context("kantang"):
        assert not User.objects.filter(username="first_admin").exists()


def test_the_new_municipality_serves_its_pages(third):
    anonymous = host_client("trang.localhost").get("/accounts/login/")
    signed_in = login(host_client("trang.localhost"), "trang", _admin_of("trang")).get("/")

    assert anonymous.status_code == 200 and "เทศบาลนครตรัง" in anonymous.text
    assert signed_in.status_code == 200 and "เทศบาลนครตรัง" in signed_in.text


def _admin_of(schema: str) -> str:
    with schema_context(schema):
        return user_create(username="boss", password=DEMO_PASSWORD, role=Role.ADMIN).username


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--schema", "kantang", "--domain", "other.localhost"], "already exists"),
        (["--schema", "kantang2", "--domain", "kantang.localhost"], "already in use"),
        (["--schema", "Bad Name", "--domain", "bad.localhost"], "schema"),
        (["--schema", "swapped", "--domain", "swapped.localhost", "--lat", "99.5", "--lon", "7.4"],
         "outside Thailand"),
    ],
)
def test_it_refuses_bad_input_with_a_clear_message(args, message, kantang):
    with pytest.raises(CommandError, match=message):
        call_command("create_municipality", *args, "--name-th", "เทศบาลตำบลทดสอบ")


def test_a_failed_creation_leaves_nothing_behind(kantang):
    with pytest.raises(CommandError):
        call_command(
            "create_municipality", "--schema", "halfmade", "--domain", "kantang.localhost",
            "--name-th", "เทศบาลตำบลครึ่งทาง",
        )

    assert not Municipality.objects.filter(schema_name="halfmade").exists()
    assert not schema_exists("halfmade")


def test_the_command_exits_non_zero_with_thai_and_english_on_a_duplicate(db):
    result = manage(
        "create_municipality", "--schema", "nueaklong", "--domain", "dup.localhost",
        "--name-th", "เทศบาลตำบลซ้ำ",
    )

    assert result.returncode != 0
    assert "already exists" in result.stderr
    assert "อยู่แล้ว" in result.stderr  # Thai first, then English
    assert connection.schema_name == "public"
