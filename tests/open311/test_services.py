"""GET services.json and services/<code>.json: one service per request category, in the
GeoReport v2 shape, Thai first."""

import pytest

from infrastructure.models import RequestCategory

from ..helpers import host_client
from .helpers import body, error_of

SERVICE_KEYS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}


def test_it_lists_one_service_per_category_with_exactly_the_spec_fields(client):
    response = client.get("/open311/v2/services.json")

    assert response.status_code == 200
    services = body(response)
    assert [s["service_code"] for s in services] == list(RequestCategory.values)
    for service in services:
        assert set(service) == SERVICE_KEYS
        # metadata: true exactly where services/<code>.json has attributes to answer.
        assert service["metadata"] is (service["service_code"] in {"lighting", "flood"})
        assert service["type"] == "realtime"
        assert service["service_name"] and service["description"] and service["group"]
        assert service["service_code"] in service["keywords"].split(", ")


def test_names_are_thai_first(client):
    services = body(client.get("/open311/v2/services.json"))
    lighting = next(s for s in services if s["service_code"] == "lighting")

    assert lighting["service_name"] == "แสงสว่าง"
    assert "แสงสว่าง" in lighting["keywords"] and "street lighting" in lighting["keywords"]


@pytest.mark.parametrize("how", ["locale", "accept-language", "cookie"])
def test_names_are_english_when_the_client_asks(kantang, how):
    client = host_client("kantang.localhost")
    url, extra = "/open311/v2/services.json", {}
    if how == "locale":
        url += "?locale=en_US"
    elif how == "accept-language":
        extra["HTTP_ACCEPT_LANGUAGE"] = "en-US,en;q=0.9"
    else:
        client.cookies["django_language"] = "en"

    response = client.get(url, **extra)

    lighting = next(s for s in body(response) if s["service_code"] == "lighting")
    assert lighting["service_name"] == "Street lighting"
    assert response["Content-Language"] == "en"


def test_locale_th_wins_over_an_english_browser(client):
    services = body(client.get("/open311/v2/services.json?locale=th", HTTP_ACCEPT_LANGUAGE="en"))

    assert next(s for s in services if s["service_code"] == "road")["service_name"] == "ถนน"


@pytest.mark.parametrize("jurisdiction", ["kantang", "kantang.localhost", "KANTANG"])
def test_this_municipality_as_jurisdiction_is_accepted(client, jurisdiction):
    assert client.get(f"/open311/v2/services.json?jurisdiction_id={jurisdiction}").status_code == 200


def test_another_jurisdiction_is_not_found(client):
    response = client.get("/open311/v2/services.json?jurisdiction_id=nueaklong")

    assert "jurisdiction_id" in error_of(response, 404)


def test_reads_are_open_to_web_apps_of_other_sites(client):
    response = client.get("/open311/v2/services.json", HTTP_ORIGIN="https://app.example.org")

    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Content-Type"] == "application/json; charset=utf-8"


def test_a_service_definition_has_no_attributes(client):
    response = client.get("/open311/v2/services/drain.json")

    assert body(response) == {"service_code": "drain", "attributes": []}


def test_an_unknown_service_definition_is_404(client):
    assert "service_code" in error_of(client.get("/open311/v2/services/spaceship.json"), 404)


def test_services_answer_only_get(client):
    response = client.post("/open311/v2/services.json", {})

    error_of(response, 405)
    assert response["Allow"] == "GET"


def test_nueaklong_lists_its_own_agency(nueaklong):
    assert host_client("nueaklong.localhost").get("/open311/v2/services.json").status_code == 200
