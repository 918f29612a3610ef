"""Shared fixtures: the two pilot municipalities exist for the whole session (seeded once, for
real, into the test database); each test runs in a transaction that is rolled back."""

import os

import pytest
from django.core.management import call_command
from django.db import connection

from tenants.models import Municipality
from tenants.routing import tenant_cache_clear

from .helpers import host_client


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("seed_demo", stdout=open(os.devnull, "w"))


@pytest.fixture(autouse=True)
def _public_schema_and_fresh_routing():
    tenant_cache_clear()
    yield
    connection.set_schema_to_public()
    tenant_cache_clear()


@pytest.fixture
def kantang(db):
    return Municipality.objects.get(schema_name="kantang")


@pytest.fixture
def nueaklong(db):
    return Municipality.objects.get(schema_name="nueaklong")


@pytest.fixture
def kantang_client(kantang):
    return host_client("kantang.localhost")


@pytest.fixture
def nueaklong_client(nueaklong):
    return host_client("nueaklong.localhost")


@pytest.fixture
def console_client(db):
    return host_client("localhost")
