"""Fixtures for the Open311 tests: clients of the two pilots, API tokens of their demo accounts,
fresh rate-limit counters, and uploads kept out of the real media folder."""

import pytest
from django.core.cache import cache
from django_tenants.utils import schema_context

from accounts.models import User
from accounts.tokens import api_token_create

from ..helpers import host_client


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()  # the counters live in Redis, which outlives each test's rolled-back transaction
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def client(kantang):
    return host_client("kantang.localhost")


@pytest.fixture
def token_of(kantang, nueaklong):
    """token_of("engineer") → a new API token (the secret) of kantang's engineer."""

    def make(username: str, schema: str = "kantang") -> str:
        with schema_context(schema):
            _token, raw = api_token_create(user=User.objects.get(username=username), name=f"test {username}")
        return raw

    return make


@pytest.fixture
def engineer_token(token_of):
    return token_of("engineer")
