"""Every endpoint × role × municipality: what each token may do, and that a token never reaches
another municipality (CONTRACT §6)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from imports.models import ImportJob
from infrastructure.models import Asset, ServiceRequest
from smarthealth.models import Person

from .conftest import assert_error_body, call

pytestmark = pytest.mark.django_db

ROLES = ("admin", "executive", "engineer", "nurse", "volunteer")


def _refs(schema: str) -> dict:
    with schema_context(schema):
        volunteer_person = Person.objects.filter(household__volunteer__username="volunteer").first()
        job = ImportJob.objects.create(dataset="assets", original_name="a.csv", file="imports/a.csv",
                                       status=ImportJob.Status.DONE)
        return {
            "asset": Asset.objects.order_by("code").first().code,
            "request": ServiceRequest.objects.order_by("id").first().tracking_code,
            "person": str(Person.objects.exclude(pk=volunteer_person.pk).order_by("id").first().public_id),
            "volunteer_person": str(volunteer_person.public_id),
            "job": str(job.public_id),
        }


def _endpoints(refs: dict) -> list[tuple[str, str, dict]]:
    return [
        ("GET", "/api/v1/assets/", {}),
        ("GET", f"/api/v1/assets/{refs['asset']}", {}),
        ("GET", "/api/v1/service-requests/", {}),
        ("GET", f"/api/v1/service-requests/{refs['request']}", {}),
        ("POST", "/api/v1/service-requests/", {"json_body": {
            "category": "lighting", "description": "ไฟดับ", "lat": 7.41, "lon": 99.519}}),
        ("GET", "/api/v1/health/summary/", {}),
        ("GET", f"/api/v1/persons/{refs['person']}", {}),
        ("POST", "/api/v1/persons/lookup", {"json_body": {"cid": "1101700203450"}}),
        ("GET", f"/api/v1/imports/{refs['job']}", {}),
    ]


# role → expected status per endpoint, in the order of _endpoints()
EXPECTED = {
    "admin": [200, 200, 200, 200, 201, 200, 200, 404, 200],
    "executive": [200, 200, 200, 200, 403, 200, 403, 403, 403],
    "engineer": [200, 200, 200, 200, 201, 200, 403, 403, 200],
    "nurse": [403, 403, 403, 403, 403, 200, 200, 404, 404],
    # the volunteer sees only the persons of their households: anyone else is "not found"
    "volunteer": [403, 403, 403, 403, 403, 403, 404, 404, 403],
}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_its_web_role_allows(kantang, make_token, role):
    refs = _refs("kantang")
    token = make_token("kantang", role)
    got = []
    for method, path, kwargs in _endpoints(refs):
        response = call("kantang", method, path, token, **kwargs)
        got.append(response.status_code)
        if response.status_code >= 400:
            assert_error_body(response, response.status_code)
    assert got == EXPECTED[role]


def test_a_volunteer_reads_the_persons_of_their_households(kantang, make_token):
    refs = _refs("kantang")
    token = make_token("kantang", "volunteer")
    response = call("kantang", "GET", f"/api/v1/persons/{refs['volunteer_person']}", token)
    assert response.status_code == 200
    assert response.json()["id"] == refs["volunteer_person"]


@pytest.mark.parametrize("role", ROLES)
def test_a_kantang_token_gets_401_on_nueaklong_and_none_of_its_data(kantang, nueaklong, make_token, role):
    refs = _refs("nueaklong")
    token = make_token("kantang", role)
    with schema_context("nueaklong"):
        requests_before = ServiceRequest.objects.count()
        names = set(Person.objects.values_list("last_name", flat=True)[:50])
    for method, path, kwargs in _endpoints(refs):
        response = call("nueaklong", method, path, token, **kwargs)
        error = assert_error_body(response, 401)
        assert error["code"] == "invalid_token"
        text = response.content.decode()
        assert refs["asset"] not in text and refs["request"] not in text
        assert not any(name in text for name in names)
    with schema_context("nueaklong"):
        assert ServiceRequest.objects.count() == requests_before  # the POST created nothing


def test_tokens_of_one_municipality_do_not_open_the_console_api_and_back(db, make_token):
    municipal = make_token("kantang", "admin")
    platform = make_token("public", "platform")
    assert_error_body(call("public", "GET", "/api/v1/national/indicators/", municipal), 401)
    assert_error_body(call("kantang", "GET", "/api/v1/assets/", platform), 401)
    assert call("public", "GET", "/api/v1/national/indicators/", platform).status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/assets/", "/api/v1/health/summary/", "/api/v1/service-requests/"])
def test_no_token_or_a_malformed_header_is_401(kantang, path):
    assert_error_body(call("kantang", "GET", path), 401)
    response = host_client_get(path, "Token abc")
    assert_error_body(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def host_client_get(path, authorization):
    from ..helpers import host_client

    return host_client("kantang.localhost").get(path, HTTP_AUTHORIZATION=authorization)


def test_an_api_import_is_refused_for_a_dataset_the_role_may_not_import(kantang, make_token):
    upload = SimpleUploadedFile("p.csv", b"cid,first_name\n", content_type="text/csv")
    response = call("kantang", "POST", "/api/v1/imports/", make_token("kantang", "engineer"),
                    data={"dataset": "persons", "file": upload})
    error = assert_error_body(response, 422)
    assert [f["field"] for f in error["fields"]] == ["dataset"]
