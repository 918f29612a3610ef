"""What the endpoints answer: filters, pages, ETags, the error body, rate limits, the audit log."""

import csv as csv_module  # a test below names its file's bytes `csv`
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django_tenants.utils import schema_context

from cityplatform.celery import app as celery_app
from imports.models import ImportJob
from infrastructure.models import Asset, Channel, ServiceRequest
from smarthealth.models import AccessLog, Person
from smarthealth.selectors import health_summary

from .conftest import assert_error_body, call

pytestmark = pytest.mark.django_db


@pytest.fixture
def engineer(kantang, make_token):
    return make_token("kantang", "engineer")


def test_assets_are_a_geojson_feature_collection_with_filters_and_pages(engineer):
    response = call("kantang", "GET", "/api/v1/assets/?asset_type=streetlight&page_size=5", engineer)
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection" and body["numberReturned"] == 5
    with schema_context("kantang"):
        assert body["numberMatched"] == Asset.objects.filter(asset_type="streetlight").count()
    feature = body["features"][0]
    assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Point"
    assert {f["properties"]["asset_type"] for f in body["features"]} == {"streetlight"}
    assert [link["rel"] for link in body["links"]] == ["self", "next"]
    following = call("kantang", "GET", body["links"][1]["href"].split("localhost", 1)[1], engineer).json()
    assert following["page"] == 2
    assert not {f["id"] for f in following["features"]} & {f["id"] for f in body["features"]}
    assert "asset_type=streetlight" in body["links"][1]["href"]


def test_bbox_keeps_only_assets_inside(engineer):
    with schema_context("kantang"):
        asset = Asset.objects.filter(asset_type="hydrant").first()
        x, y = asset.geometry.x, asset.geometry.y
    box = f"{x - 0.0001},{y - 0.0001},{x + 0.0001},{y + 0.0001}"
    body = call("kantang", "GET", f"/api/v1/assets/?bbox={box}&page_size=1000", engineer).json()
    assert asset.code in {f["id"] for f in body["features"]}
    assert body["numberMatched"] < 50
    far = call("kantang", "GET", "/api/v1/assets/?bbox=100.5,13.7,100.6,13.8", engineer).json()  # Bangkok
    assert far["numberMatched"] == 0
    error = assert_error_body(call("kantang", "GET", "/api/v1/assets/?bbox=10,10,5,5", engineer), 422)
    assert error["fields"][0]["field"] == "bbox"


def test_asset_detail_is_a_feature_and_an_unknown_code_is_404(engineer):
    with schema_context("kantang"):
        code = Asset.objects.order_by("code").first().code
    feature = call("kantang", "GET", f"/api/v1/assets/{code}", engineer).json()
    assert feature["type"] == "Feature" and feature["id"] == code
    assert set(feature["properties"]) >= {"asset_type", "condition", "name", "installed_on", "community"}
    assert_error_body(call("kantang", "GET", "/api/v1/assets/NO-SUCH-CODE", engineer), 404)


def test_geojson_lists_answer_304_until_the_data_changes(engineer):
    path = "/api/v1/assets/?asset_type=bridge"
    first = call("kantang", "GET", path, engineer)
    etag = first["ETag"]
    assert etag.startswith('W/"')
    again = call("kantang", "GET", path, engineer, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    with schema_context("kantang"):
        bridge = Asset.objects.filter(asset_type="bridge").first()
        bridge.name = bridge.name + " (ซ่อม)"
        bridge.save()
    changed = call("kantang", "GET", path, engineer, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    # The same for service requests.
    requests_path = "/api/v1/service-requests/?category=flood"
    tag = call("kantang", "GET", requests_path, engineer)["ETag"]
    assert call("kantang", "GET", requests_path, engineer, HTTP_IF_NONE_MATCH=tag).status_code == 304


def test_bad_filters_get_the_error_body_naming_the_field(engineer):
    cases = [("asset_type=castle", "asset_type"), ("page=0", "page"), ("page_size=5000", "page_size")]
    for query, field in cases:
        error = assert_error_body(call("kantang", "GET", f"/api/v1/assets/?{query}", engineer), 422)
        assert error["fields"][0]["field"] == field
    assert_error_body(call("kantang", "GET", "/api/v1/assets/?page=999", engineer), 404)


def test_a_service_request_filed_through_the_api_follows_the_sla_and_links_an_asset(engineer):
    with schema_context("kantang"):
        light = Asset.objects.filter(asset_type="streetlight").first()
    response = call("kantang", "POST", "/api/v1/service-requests/", engineer, json_body={
        "category": "lighting", "description": "ไฟดับทั้งซอย", "lat": light.geometry.y, "lon": light.geometry.x,
        "priority": "high", "channel": "phone", "reporter_name": "สมชาย", "reporter_phone": "0812345678",
    })
    assert response.status_code == 201, response.content
    properties = response.json()["properties"]
    assert properties["asset_code"] == light.code and properties["channel"] == "phone"
    assert properties["reporter"] == {"name": "สมชาย", "phone": "0812345678", "email": ""}
    with schema_context("kantang"):
        stored = ServiceRequest.objects.get(tracking_code=properties["tracking_code"])
        assert stored.channel == Channel.PHONE and stored.created_by.username == "engineer"
        assert (stored.due_at - stored.received_at).total_seconds() == 72 * 3600
    # The list never carries the reporter's contact; an executive's detail neither.
    listed = call("kantang", "GET", "/api/v1/service-requests/?q=" + properties["tracking_code"], engineer)
    assert "0812345678" not in listed.content.decode()
    executive = call("kantang", "GET", f"/api/v1/service-requests/{properties['tracking_code']}",
                     _executive_token())
    assert executive.json()["properties"]["reporter"] is None


def _executive_token():
    from accounts.models import User
    from accounts.tokens import api_token_create

    with schema_context("kantang"):
        return api_token_create(user=User.objects.get(username="executive"), name="t")[1]


def test_a_bad_service_request_is_422_and_saves_nothing(engineer):
    with schema_context("kantang"):
        before = ServiceRequest.objects.count()
    cases = [
        ({"category": "lighting", "description": "x", "lat": 13.75, "lon": 250}, "lon"),
        ({"category": "unicorns", "description": "x", "lat": 7.41, "lon": 99.5}, "category"),
        ({"category": "lighting", "lat": 7.41, "lon": 99.5}, "description"),
        ({"category": "lighting", "description": "x", "lat": 51.5, "lon": -0.12}, "location"),  # London
        ({"category": "lighting", "description": "x", "lat": 7.41, "lon": 99.5, "reporter_email": "no"},
         "reporter_email"),
    ]
    for body, field in cases:
        response = call("kantang", "POST", "/api/v1/service-requests/", engineer, json_body=body)
        error = assert_error_body(response, 422)
        assert field in [f["field"] for f in error["fields"]], error
        assert all(f["message"] and f["message_en"] for f in error["fields"])
    with schema_context("kantang"):
        assert ServiceRequest.objects.count() == before


def test_health_summary_is_the_selectors_aggregates(kantang, make_token):
    body = call("kantang", "GET", "/api/v1/health/summary/", make_token("kantang", "executive")).json()
    with schema_context("kantang"):
        expected = health_summary(None)
    assert body == {key: expected[key] for key in body}
    assert set(body) == set(expected)


def test_person_reads_are_audited_like_the_web_page(kantang, make_token):
    nurse = make_token("kantang", "nurse")
    with schema_context("kantang"):
        person = Person.objects.order_by("id").first()
        before = AccessLog.objects.count()
        cid = person.cid
    response = call("kantang", "GET", f"/api/v1/persons/{person.public_id}", nurse)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["cid_masked"].replace("-", "").endswith(cid[-3:]) and cid not in response.content.decode()
    looked_up = call("kantang", "POST", "/api/v1/persons/lookup", nurse, json_body={"cid": cid})
    assert looked_up.json()["id"] == str(person.public_id)
    with schema_context("kantang"):
        rows = list(AccessLog.objects.order_by("id")[before:])
    assert [(r.action, r.username, r.object_ref) for r in rows] == [
        (AccessLog.Action.VIEW, "nurse", str(person.public_id))] * 2
    assert rows[1].detail == {"via": "cid"} and rows[0].path.startswith("/api/v1/persons/")
    # Unknown and malformed IDs: 404 and 422, and nothing is logged as a read; the unknown ID
    # is logged as a refused look-up (issue 22), without the ID.
    assert_error_body(call("kantang", "POST", "/api/v1/persons/lookup", nurse,
                           json_body={"cid": "1101700203450"}), 404)
    error = assert_error_body(call("kantang", "POST", "/api/v1/persons/lookup", nurse,
                                   json_body={"cid": "1.23457E+12"}), 422)
    assert error["fields"][0]["field"] == "cid"
    # The message in each language alone: Thai in `message`, English in `message_en`.
    field = error["fields"][0]
    assert "check digit" in field["message_en"]
    assert "check digit" not in field["message"] and " / " not in field["message"]
    with schema_context("kantang"):
        assert AccessLog.objects.filter(outcome="allowed").count() == before + 2
        denied = AccessLog.objects.get(outcome="denied")
        assert (denied.object_ref, denied.detail) == ("", {"reason": "unknown", "via": "cid"})
        assert "1101700203450" not in str(denied.detail) + denied.path


@pytest.fixture
def eager():
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


def test_an_import_through_the_api_runs_and_reports_its_errors(kantang, engineer, eager,
                                                               django_capture_on_commit_callbacks):
    csv = ("code,asset_type,name,condition,lat,lon\n"
           "API-0001,hydrant,หัวดับเพลิงทดสอบ,good,7.41,99.519\n"
           "API-0002,castle,ปราสาท,good,7.41,99.519\n").encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = call("kantang", "POST", "/api/v1/imports/", engineer,
                        data={"dataset": "assets", "file": SimpleUploadedFile("assets.csv", csv)})
    assert response.status_code == 202, response.content
    job_id = response.json()["id"]
    status = call("kantang", "GET", f"/api/v1/imports/{job_id}", engineer).json()
    assert status["status"] == "done" and status["progress"] == 100
    assert (status["rows"], status["created"], status["rejected"]) == (2, 1, 1)
    errors = call("kantang", "GET", status["errors_url"].split("localhost", 1)[1], engineer)
    report = b"".join(errors.streaming_content).decode("utf-8-sig")
    assert errors.status_code == 200 and errors["Content-Type"].startswith("text/csv")
    header, line = csv_module.reader(io.StringIO(report))
    # The rejected row as the file has it, after its row number and problems (Thai, English).
    assert header == ["แถว", "ปัญหา", "Problem", "code", "asset_type", "name", "condition", "lat", "lon"]
    assert line[0] == "3" and line[1].startswith("ประเภท: ") and line[2].startswith("asset_type: ")
    assert line[3:] == ["API-0002", "castle", "ปราสาท", "good", "7.41", "99.519"]
    with schema_context("kantang"):
        assert Asset.objects.filter(code="API-0001").exists()
        assert ImportJob.objects.get(public_id=job_id).user.username == "engineer"


def test_an_unreadable_upload_is_422(engineer):
    response = call("kantang", "POST", "/api/v1/imports/", engineer,
                    data={"dataset": "assets", "file": SimpleUploadedFile("scan.pdf", b"%PDF-1.4")})
    error = assert_error_body(response, 422)
    assert error["fields"][0]["field"] == "file"


@override_settings(API_RATE_LIMIT=(3, 3600))
def test_each_token_has_its_own_rate_limit(kantang, make_token):
    first, second = make_token("kantang", "engineer"), make_token("kantang", "engineer")
    statuses = [call("kantang", "GET", "/api/v1/assets/?page_size=1", first).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = call("kantang", "GET", "/api/v1/assets/?page_size=1", first)
    assert_error_body(limited, 429)
    assert int(limited["Retry-After"]) >= 1 and limited["X-RateLimit-Remaining"] == "0"
    assert call("kantang", "GET", "/api/v1/assets/?page_size=1", second).status_code == 200


def test_national_indicators_on_the_console_for_platform_tokens(db, make_token):
    from national.models import IndicatorValue
    from national.services import national_snapshot_publish
    from tenants.models import Municipality

    for municipality in Municipality.objects.exclude(schema_name="public"):
        national_snapshot_publish(municipality=municipality)
    token = make_token("public", "platform")
    path = "/api/v1/national/indicators/?figure=population&page_size=1000"
    body = call("public", "GET", path, token).json()
    assert body["count"] == IndicatorValue.objects.filter(figure="population").count() > 0
    assert {row["municipality"]["schema_name"] for row in body["results"]} == {"kantang", "nueaklong"}
    for row in body["results"]:
        assert row["suppressed"] == (row["value"] is None)
        assert row["value"] is None or not 1 <= row["value"] <= 4
    only = call("public", "GET", "/api/v1/national/indicators/?municipality=kantang", token).json()
    assert {row["municipality"]["schema_name"] for row in only["results"]} == {"kantang"}
    assert only["next"] and "municipality=kantang" in only["next"] or only["count"] <= 500
