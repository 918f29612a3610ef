"""GeoReport v2 as written: the `georeport` client from PyPI (no one here wrote it) reads this
server in XML and JSON; the raw XML parsed by a real XML parser has the spec's elements; Service
Discovery; service definitions with attributes; the CORS preflight; media_url only for the
after photo; no reporter contact in any public answer."""

from xml.etree import ElementTree as ET

import pytest
from django_tenants.utils import schema_context
from georeport import GeoReport

from accounts.models import User
from infrastructure.models import ServiceRequest
from infrastructure.services import service_request_transition

from ..http.transport import KeepConnection, answer_every_request_in_process
from ..infrastructure.helpers import png_upload
from .helpers import CONTACT, DESCRIPTION, post_data

ROOT = "http://kantang.localhost/open311/v2"


@pytest.fixture
def in_process(monkeypatch, kantang):
    """`requests` answered by the app in this process (the test client's own requests put back
    the connection-closing signals, so each client call is wrapped in KeepConnection)."""
    answer_every_request_in_process(monkeypatch)


def filed(client, token, **overrides) -> str:
    response = client.post("/open311/v2/requests.json", post_data(token, **overrides))
    assert response.status_code == 201, response.content.decode()
    return response.json()[0]["service_request_id"]


def xml_of(response, root: str) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    element = ET.fromstring(response.content)
    assert element.tag == root
    return element


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_the_pypi_client_reads_every_endpoint(in_process, client, engineer_token, fmt):
    code = filed(client, engineer_token)
    geo = GeoReport(ROOT, jurisdiction="kantang", output_format=fmt)

    with KeepConnection():
        services = geo.get_service_list()
        definition = geo.get_service_definition("lighting")
        listed = geo.get_service_requests(status="open", service_code="lighting")
        one = geo.get_service_request(code)

    assert {s["service_code"] for s in services} >= {"road", "lighting", "flood"}
    lighting = next(s for s in services if s["service_code"] == "lighting")
    assert str(lighting["metadata"]).lower() == "true"
    attributes = definition["attributes"]
    attribute = attributes["attribute"] if fmt == "xml" else attributes[0]
    assert attribute["code"] == "pole_number" and str(attribute["required"]).lower() == "false"
    rows = [listed] if isinstance(listed, dict) else listed
    assert code in {row["service_request_id"] for row in rows}
    assert one["service_request_id"] == code and one["status"] == "open"
    assert one["expected_datetime"] and one["updated_datetime"]
    assert not one["media_url"] and not one["description"] and not one["address"]


def test_raw_xml_has_the_spec_elements(client, engineer_token):
    code = filed(client, engineer_token)

    services = xml_of(client.get("/open311/v2/services.xml"), "services")
    definition = xml_of(client.get("/open311/v2/services/flood.xml"), "service_definition")
    requests = xml_of(client.get(f"/open311/v2/requests.xml?service_request_id={code}"), "service_requests")
    detail = xml_of(client.get(f"/open311/v2/requests/{code}.xml"), "service_requests")

    assert [s.findtext("service_code") for s in services.findall("service")][:2] == ["road", "footpath"]
    assert [c.tag for c in services.find("service")] == [
        "service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
    attribute = definition.find("attributes/attribute")
    assert attribute.findtext("code") == "water_depth" and attribute.findtext("datatype") == "singlevaluelist"
    assert [v.findtext("key") for v in attribute.findall("values/value")] == ["ankle", "knee", "waist"]
    for tree in (requests, detail):
        (request,) = tree.findall("request")
        assert request.findtext("service_request_id") == code
        assert request.findtext("expected_datetime") and request.findtext("lat")
        assert request.find("media_url").text is None and request.find("description").text is None
    as_json = client.get(f"/open311/v2/requests/{code}.json").json()[0]
    assert {c.tag: c.text for c in detail.find("request")} == {
        k: (None if v is None else str(v)) for k, v in as_json.items()}


def test_errors_are_the_spec_shape_in_xml(client, engineer_token):
    missing = client.get("/open311/v2/requests/ZZZZ-9999.xml")
    elsewhere = client.get("/open311/v2/services.xml?jurisdiction_id=nueaklong")
    bad = client.post("/open311/v2/requests.xml", post_data(engineer_token, lat="abc"))

    for response, status in ((missing, 404), (elsewhere, 404), (bad, 400)):
        assert response.status_code == status
        errors = xml_of(response, "errors").findall("error")
        assert errors and all(e.findtext("code") == str(status) and e.findtext("description") for e in errors)
    assert "jurisdiction_id" in elsewhere.content.decode()


def test_filing_in_xml_answers_in_xml(client, engineer_token):
    response = client.post("/open311/v2/requests.xml", post_data(engineer_token, jurisdiction_id="kantang"))

    assert response.status_code == 201
    request = xml_of(response, "service_requests").find("request")
    with schema_context("kantang"):
        assert ServiceRequest.objects.filter(tracking_code=request.findtext("service_request_id")).exists()


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_discovery(client, fmt):
    response = client.get(f"/open311/v2/discovery.{fmt}")

    assert response.status_code == 200
    if fmt == "xml":
        endpoint = xml_of(response, "discovery").find("endpoints/endpoint")
        assert endpoint.findtext("url") == ROOT
        assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]
    else:
        endpoint = response.json()["endpoints"][0]
        assert endpoint["url"] == ROOT and endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"


def test_the_cors_preflight_for_post(client, engineer_token):
    preflight = client.options("/open311/v2/requests.json", HTTP_ORIGIN="https://app.example.org",
                               HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
                               HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type")
    posted = client.post("/open311/v2/requests.json", post_data(None),
                         HTTP_AUTHORIZATION=f"Bearer {engineer_token}", HTTP_ORIGIN="https://app.example.org")

    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight["Access-Control-Allow-Methods"].split(", ")
    assert {"authorization", "content-type"} <= {
        h.strip().lower() for h in preflight["Access-Control-Allow-Headers"].split(",")}
    assert posted.status_code == 201 and posted["Access-Control-Allow-Origin"] == "*"


def test_attributes_are_checked_and_kept_for_staff(client, engineer_token):
    wrong = client.post("/open311/v2/requests.json",
                        post_data(engineer_token, service_code="flood", **{"attribute[water_depth]": "roof"}))
    other = client.post("/open311/v2/requests.json",
                        post_data(engineer_token, **{"attribute[water_depth]": "knee"}))
    code = filed(client, engineer_token, service_code="flood", **{"attribute[water_depth]": "knee"})

    assert wrong.status_code == 400 and "attribute[water_depth]" in wrong.json()[0]["description"]
    assert other.status_code == 400 and "attribute[water_depth]" in other.json()[0]["description"]
    with schema_context("kantang"):
        events = ServiceRequest.objects.get(tracking_code=code).events
        notes = " ".join(events.values_list("comment", flat=True))
    assert "น้ำลึกแค่ไหน: ถึงเข่า" in notes  # the answer, in words, for staff


def test_media_url_is_the_after_photo_only_and_nothing_private_is_public(client, engineer_token):
    data = post_data(engineer_token, address_string="บ้านเลขที่ 99/1 ซอยลับ")
    data["media"] = png_upload()
    response = client.post("/open311/v2/requests.json", data)
    code = response.json()[0]["service_request_id"]
    private = [*CONTACT.values(), DESCRIPTION, "บ้านเลขที่ 99/1", "/photo/before/"]

    before = client.get(f"/open311/v2/requests/{code}.json").json()[0]
    with schema_context("kantang"):
        service_request = ServiceRequest.objects.get(tracking_code=code)
        engineer = User.objects.get(username="engineer")
        service_request_transition(service_request=service_request, user=engineer, to_status="in_progress")
        service_request_transition(service_request=service_request, user=engineer, to_status="resolved",
                                   comment="เปลี่ยนหลอดไฟแล้ว", after_photo=png_upload("after.png"))
    after = client.get(f"/open311/v2/requests/{code}.json").json()[0]

    assert before["media_url"] is None  # the reporter's photo is not public
    assert after["media_url"] == f"http://kantang.localhost/report/status/{code}/photo/after/"
    assert client.get(after["media_url"]).status_code == 200
    for path in (f"requests/{code}.json", f"requests/{code}.xml", "requests.json", "requests.xml",
                 "services.xml", "discovery.json", "discovery.xml"):
        text = client.get(f"/open311/v2/{path}").content.decode()
        for secret in private:
            assert secret not in text, (path, secret)
