import json

import pytest
from django_tenants.utils import schema_context

from accounts.models import User
from accounts.tokens import api_token_create

from ..helpers import host_client

HOSTS = {"kantang": "kantang.localhost", "nueaklong": "nueaklong.localhost", "public": "localhost"}


@pytest.fixture
def make_token(db):
    """make_token(schema, username) → the raw secret of a new token of that user."""

    def make(schema: str, username: str, **kwargs) -> str:
        with schema_context(schema):
            return api_token_create(user=User.objects.get(username=username), name="test", **kwargs)[1]

    return make


def call(schema: str, method: str, path: str, token: str | None = None, *, json_body=None, **kwargs):
    client = host_client(HOSTS[schema])
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if json_body is not None:
        kwargs.update(data=json.dumps(json_body), content_type="application/json")
    return getattr(client, method.lower())(path, **headers, **kwargs)


def assert_error_body(response, status: int) -> dict:
    """The one error shape of the API (api/errors.py)."""
    assert response.status_code == status, response.content[:500]
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"status", "code", "message", "message_en", "fields"}
    assert error["status"] == status and error["code"] and error["message"] and error["message_en"]
    return error
