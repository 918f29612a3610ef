"""Property-based tests of the API against its own OpenAPI document (schemathesis).

Schemathesis reads /api/v1/openapi.json from the running app, generates requests for every
operation (valid ones and, for the negative phase, invalid ones) and checks each answer: no 5xx,
a documented status code, the documented content type and a body that matches the response
schema. The number of examples per operation is bounded so that `make test` stays fast."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate
from schemathesis.specs.openapi.checks import positive_data_acceptance

from api.urls import platform_api, tenant_api

from .conftest import HOSTS

pytestmark = pytest.mark.django_db

EXAMPLES = 25  # per operation and phase; ~10 operations


class _LazyApp:
    """The real WSGI app, built on first use (the schemas below are read at collection time)."""

    app = None

    def __call__(self, environ, start_response):
        if self.app is None:
            self.app = get_wsgi_application()
        return self.app(environ, start_response)


def _load(api):
    """The document the app serves at /api/v1/openapi.json (test_the_served_documents_are_these
    checks they are the same), built without a request: parametrize() needs it while collecting."""
    schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"))
    schema.app = _LazyApp()
    return schema


tenant = _load(tenant_api)
platform = _load(platform_api)


@pytest.fixture
def in_process(db, settings, tmp_path):
    """Requests run in this process and this test's transaction; as Django's test client does,
    the app must not close the database connection at the end of each request."""
    settings.MEDIA_ROOT = tmp_path  # generated uploads go nowhere permanent
    settings.API_RATE_LIMIT = (1_000_000, 60)  # every generated request reaches the endpoint
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def admin_token(kantang, make_token, in_process):
    return make_token("kantang", "admin")


@pytest.fixture
def platform_token(make_token, in_process):
    return make_token("public", "platform")


# Checks on every answer: no 5xx, documented status codes, content types and headers, bodies
# matching their schema, invalid input refused. Left out: "schema-valid input must be accepted",
# because some rules cannot be written in a JSON schema and are the point of the endpoint (a
# location inside Thailand, a national ID's check digit, bbox corners in order, a readable file).
EXCLUDED = [positive_data_acceptance]
_settings = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                     suppress_health_check=list(HealthCheck))


@tenant.parametrize()
@_settings
def test_municipality_api_matches_its_openapi_document(case, admin_token):
    case.call_and_validate(base_url=f"http://{HOSTS['kantang']}",
                           headers={"Authorization": f"Bearer {admin_token}"}, excluded_checks=EXCLUDED)


@platform.parametrize()
@_settings
def test_console_api_matches_its_openapi_document(case, platform_token):
    case.call_and_validate(base_url=f"http://{HOSTS['public']}",
                           headers={"Authorization": f"Bearer {platform_token}"}, excluded_checks=EXCLUDED)


def test_the_served_documents_are_these_and_valid_openapi_3(client, kantang):
    """The documents load as OpenAPI 3 and list every path of CONTRACT §6."""
    tenant_doc = client.get("/api/v1/openapi.json", HTTP_HOST=HOSTS["kantang"]).json()
    console_doc = client.get("/api/v1/openapi.json", HTTP_HOST=HOSTS["public"]).json()
    assert tenant_doc == dict(tenant.raw_schema) and console_doc == dict(platform.raw_schema)
    for document in (tenant_doc, console_doc):
        assert document["openapi"].startswith("3.")
        validate(document)  # the OpenAPI 3.1 meta-schema and its rules; raises on any error
        assert document["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    assert {"/api/v1/assets/", "/api/v1/assets/{code}", "/api/v1/service-requests/",
            "/api/v1/health/summary/", "/api/v1/persons/{person_id}", "/api/v1/persons/lookup",
            "/api/v1/imports/", "/api/v1/imports/{job_id}"} <= set(tenant_doc["paths"])
    assert set(console_doc["paths"]) == {"/api/v1/national/indicators/"}
    docs = client.get("/api/v1/docs", HTTP_HOST=HOSTS["kantang"])
    assert docs.status_code == 200 and b"/static/ninja/swagger-ui-bundle.js" in docs.content
    assert b"cdn.jsdelivr" not in docs.content and b"unpkg" not in docs.content
