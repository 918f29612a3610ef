"""Property-based tests of the API and of Open311 against their own OpenAPI documents (schemathesis).

Schemathesis reads each document, generates requests for every operation — valid ones, invalid
ones (the negative phase) and the coverage phase's probes: a missing parameter, a method the
operation has not, a multipart Content-Type without a boundary, a body in a content
type the operation does not take — and checks each answer with every check it has: no 5xx, a
documented status code, content type and headers, a body that matches the response schema,
invalid input refused (negative_data_rejection), valid input accepted (positive_data_acceptance,
with the exceptions below), authentication not ignored, a required header's absence refused,
unexpected methods refused. The one check not run is max_response_time: timings belong in bench/.

Requests go through tests/http/transport.py: `requests` serialises them exactly as a client
would (werkzeug's test client, schemathesis's own in-process transport, turns a malformed
multipart request into a well-formed one) and the app answers in this process, in the test's
transaction. The number of examples per operation is bounded so that `make test` stays fast."""

import pytest
import schemathesis
from django.utils import translation
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate
from schemathesis.specs.openapi.checks import positive_data_acceptance

from api.errors import NUL_MESSAGE
from api.urls import platform_api, tenant_api
from infrastructure.open311 import open311_document

from ..http.transport import KeepConnection, answer_every_request_in_process, in_process_session
from .conftest import HOSTS

pytestmark = pytest.mark.django_db

EXAMPLES = 25  # per operation and phase; ~16 operations


def _load(document: dict):
    """A schema for the document, answered in-process (parametrize() needs it while collecting,
    before any request: test_the_served_documents_are_these checks they are what is served)."""
    schema = schemathesis.openapi.from_dict(document)
    schema.app = None  # our transport, not schemathesis's in-process one
    # The tests send a real token (the fixtures make one); schemathesis is not to generate or
    # remove the Authorization header itself: a negative case that "removes" it would be sent
    # with it all the same and reported as accepted. ignored_auth still probes without it.
    schema.config.generation.update(with_security_parameters=False)
    return schema


tenant = _load(tenant_api.get_openapi_schema(path_prefix="/api/v1/"))
platform = _load(platform_api.get_openapi_schema(path_prefix="/api/v1/"))
open311 = _load(open311_document())


@pytest.fixture
def session(db, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path  # generated uploads go nowhere permanent
    settings.API_RATE_LIMIT = (1_000_000, 60)  # every generated request reaches the endpoint
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "open311-read": (1_000_000, 60),
                            "open311-post": (1_000_000, 60), "open311-submit": (1_000_000, 60)}
    settings.IMPORT_UPLOADS_PER_USER = 1_000_000
    answer_every_request_in_process(monkeypatch)
    with KeepConnection():
        yield in_process_session()


@pytest.fixture
def admin_token(kantang, make_token, session):
    return make_token("kantang", "admin")


@pytest.fixture
def platform_token(make_token, session):
    return make_token("public", "platform")


@pytest.fixture
def engineer_token(kantang, make_token, session):
    return make_token("kantang", "engineer")


_settings = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                     suppress_health_check=list(HealthCheck))

# positive_data_acceptance ("schema-valid input is accepted") runs on every operation, with one
# allowance each where the endpoint has a rule JSON Schema cannot state and that is the point of
# the endpoint: then a 422 naming exactly those fields is the right answer to schema-valid input.
SCHEMA_CANNOT_SAY = {
    # bbox: four numbers in one string; their ranges (WGS 84) and order (west <= east).
    ("GET", "/api/v1/assets/"): {"bbox"},
    ("GET", "/api/v1/service-requests/"): {"bbox"},
    # A location inside Thailand (and near the municipality).
    ("POST", "/api/v1/service-requests/"): {"location", "lat", "lon"},
    # A national ID's check digit.
    ("POST", "/api/v1/persons/lookup"): {"cid"},
    # A readable spreadsheet of the dataset's columns; a dataset this municipality imports.
    ("POST", "/api/v1/imports/"): {"file", "dataset"},
}


def api_positive_data_acceptance(ctx, response, case):
    """positive_data_acceptance, but for SCHEMA_CANNOT_SAY."""
    allowed = SCHEMA_CANNOT_SAY.get((case.method.upper(), case.operation.path), set())
    if response.status_code == 422 and _only_nul_refused(response):
        # One rule of the whole API, not a field's: text never holds NUL (api/base.StrictParser).
        return None
    if response.status_code == 422 and allowed:
        fields = {error["field"].split(".")[-1] for error in response.json()["error"]["fields"]}
        if fields and fields <= allowed:
            return None
    return positive_data_acceptance(ctx, response, case)


def _only_nul_refused(response) -> bool:
    fields = response.json()["error"]["fields"]
    with translation.override("en"):
        nul = str(NUL_MESSAGE)
    return bool(fields) and all(error["message_en"] == nul for error in fields)


@tenant.parametrize()
@_settings
def test_municipality_api_matches_its_openapi_document(case, admin_token, session):
    case.call_and_validate(base_url=f"http://{HOSTS['kantang']}", session=session,
                           headers={"Authorization": f"Bearer {admin_token}"},
                           excluded_checks=[positive_data_acceptance],
                           additional_checks=[api_positive_data_acceptance])


@platform.parametrize()
@_settings
def test_console_api_matches_its_openapi_document(case, platform_token, session):
    case.call_and_validate(base_url=f"http://{HOSTS['public']}", session=session,
                           headers={"Authorization": f"Bearer {platform_token}"},
                           excluded_checks=[positive_data_acceptance],
                           additional_checks=[api_positive_data_acceptance])


# The same for Open311, whose errors are GeoReport's list of "param: message" descriptions.
OPEN311_SCHEMA_CANNOT_SAY = {
    # A start_date and an end_date, each valid, may still be refused together: a range that "may
    # not span more than 90 days" (GeoReport v2's own words) or that ends before it starts — a
    # rule across two parameters — or a day the pattern allows but the calendar has not (02-30).
    ("GET", "/requests.json"): {"start_date", "end_date"},
    # A point in (or near) this municipality; a description that is more than spaces; an e-mail
    # address, photo and media_url as Django's validators read them; an attribute only with the
    # service that asks it (attribute[pole_number] with lighting).
    ("POST", "/requests.json"): {"lat", "long", "description", "email", "media", "media_url",
                                 "attribute[pole_number]", "attribute[water_depth]"},
}


def open311_positive_data_acceptance(ctx, response, case):
    """positive_data_acceptance, but for OPEN311_SCHEMA_CANNOT_SAY."""
    allowed = OPEN311_SCHEMA_CANNOT_SAY.get((case.method.upper(), case.operation.path), set())
    if response.status_code == 400 and allowed:
        named = {error["description"].split(":", 1)[0] for error in response.json()}
        if named <= allowed:
            return None
    return positive_data_acceptance(ctx, response, case)


@open311.parametrize()
@_settings
def test_open311_matches_its_openapi_document(case, engineer_token, session):
    case.call_and_validate(base_url=f"http://{HOSTS['kantang']}/open311/v2", session=session,
                           headers={"Authorization": f"Bearer {engineer_token}"},
                           excluded_checks=[positive_data_acceptance],
                           additional_checks=[open311_positive_data_acceptance])


def test_the_served_documents_are_these_and_valid_openapi_3(client, kantang):
    """The documents load as OpenAPI 3 and list every path of CONTRACT §6 and §7."""
    tenant_doc = client.get("/api/v1/openapi.json", HTTP_HOST=HOSTS["kantang"]).json()
    console_doc = client.get("/api/v1/openapi.json", HTTP_HOST=HOSTS["public"]).json()
    open311_doc = client.get("/open311/v2/openapi.json", HTTP_HOST=HOSTS["kantang"]).json()
    assert tenant_doc == dict(tenant.raw_schema) and console_doc == dict(platform.raw_schema)
    assert open311_doc == dict(open311.raw_schema)
    for document in (tenant_doc, console_doc, open311_doc):
        assert document["openapi"].startswith("3.")
        validate(document)  # the OpenAPI 3.1 meta-schema and its rules; raises on any error
    for document in (tenant_doc, console_doc):
        assert document["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    assert {"/api/v1/assets/", "/api/v1/assets/{code}", "/api/v1/service-requests/",
            "/api/v1/health/summary/", "/api/v1/persons/{person_id}", "/api/v1/persons/lookup",
            "/api/v1/imports/", "/api/v1/imports/{job_id}"} <= set(tenant_doc["paths"])
    assert set(console_doc["paths"]) == {"/api/v1/national/indicators/"}
    assert set(open311_doc["paths"]) == {"/services.json", "/services/{service_code}.json", "/requests.json",
                                         "/requests/{service_request_id}.json"}
    docs = client.get("/api/v1/docs", HTTP_HOST=HOSTS["kantang"])
    assert docs.status_code == 200 and b"/static/ninja/swagger-ui-bundle.js" in docs.content
    assert b"cdn.jsdelivr" not in docs.content and b"unpkg" not in docs.content
