"""Fixtures for the HTTP-level tests: API tokens, clients that keep the answer Django gives (not
the exception behind it), and rate-limit counters that start at zero."""

import pytest
from django.core.cache import cache
from django_tenants.utils import schema_context

from accounts.models import User
from accounts.tokens import api_token_create

from ..helpers import host_client


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()  # rate limits and upload slots live in Redis, which outlives the transaction
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


@pytest.fixture
def token(kantang):
    """token("engineer") → a new API token (the secret) of kantang's engineer."""

    def make(username: str = "engineer", schema: str = "kantang") -> str:
        with schema_context(schema):
            return api_token_create(user=User.objects.get(username=username), name=f"http {username}")[1]

    return make


@pytest.fixture
def kantang_http(kantang):
    """A client of kantang.localhost that returns what a browser would get, even when a view or a
    middleware raised (Django's test client re-raises by default)."""
    client = host_client("kantang.localhost")
    client.raise_request_exception = False
    return client
