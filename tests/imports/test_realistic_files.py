"""Issue 22, finding 3: files real tools write get a clear answer, never "unexpected error": a UTF-8
BOM in front of a TIS-620 body, NaN and Infinity in GeoJSON, a header given twice, malformed
GeoJSON features."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from accounts.models import User
from accounts.tokens import api_token_create
from cityplatform.celery import app as celery_app
from infrastructure.models import Asset

from ..api.conftest import call
from .conftest import run

pytestmark = pytest.mark.django_db
HEADER = "code,asset_type,name,lat,lon\n"


def _refused(job, *words):
    assert job.status == "failed", job.status
    for word in words:
        assert word in job.failure_reason, job.failure_reason
    assert "unexpected" not in job.failure_reason


def test_a_utf8_bom_in_front_of_a_tis620_body_reads_as_tis620(kantang, tmp_path):
    path = tmp_path / "bom-cp874.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (HEADER + "BT-1,cctv,กล้องหน้าตลาด,7.41,99.52\n").encode("cp874"))
    job = run("kantang", "assets", path)
    assert (job.status, job.created, job.encoding) == ("done", 1, "cp874"), job.failure_reason
    with schema_context("kantang"):
        assert Asset.objects.get(code="BT-1").name == "กล้องหน้าตลาด"


def test_thai_headers_after_a_bom_on_a_tis620_body_are_recognised(kantang, tmp_path):
    path = tmp_path / "bom-cp874-th.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "รหัสทรัพย์สิน,ประเภท,ชื่อ,ละติจูด,ลองจิจูด\nBT-2,cctv,กล้อง,7.41,99.52\n"
                     .encode("cp874"))
    job = run("kantang", "assets", path)
    assert (job.status, job.created) == ("done", 1), job.failure_reason


def test_a_bom_in_front_of_bytes_of_no_known_encoding_fails_on_the_encoding(kantang, tmp_path):
    path = tmp_path / "bom-junk.csv"
    path.write_bytes(b"\xef\xbb\xbf" + HEADER.encode() + b"BT-3,cctv,\xff\xfe\xfd,7.41,99.52\n")
    _refused(run("kantang", "assets", path), "encoding")


def test_a_header_written_twice_is_refused_naming_both(kantang, tmp_path):
    # pandas renames the second "code" to "code.1" and used to load the first one silently.
    path = tmp_path / "twice.csv"
    path.write_bytes(b"code,asset_type,name,lat,lon,code\nDH-1,cctv,x,7.41,99.52,DH-2\n")
    _refused(run("kantang", "assets", path), "“code” and “code”", "keep one")
    with schema_context("kantang"):
        assert not Asset.objects.filter(code__in=["DH-1", "DH-2"]).exists()


def test_an_unknown_header_written_twice_is_ignored_under_its_own_name(kantang, tmp_path):
    path = tmp_path / "notes.csv"
    path.write_bytes(b"code,asset_type,name,lat,lon,note,note\nDH-3,cctv,x,7.41,99.52,a,b\n")
    job = run("kantang", "assets", path)
    assert job.status == "done" and job.header_mapping["ignored"] == ["note", "note"]


def _geojson(path, features, raw: str | None = None):
    text = raw if raw is not None else json.dumps({"type": "FeatureCollection", "features": features})
    path.write_text(text, encoding="utf-8")
    return path


def _collection(*features: str) -> str:
    return '{"type": "FeatureCollection", "features": [' + ", ".join(features) + "]}"


def _feature(code, geometry, **properties):
    return {"type": "Feature", "properties": {"code": code, "asset_type": "cctv", "name": "x", **properties},
            "geometry": geometry}


@pytest.mark.parametrize(("coordinates", "text"), [
    ("[NaN, 7.41]", "NaN"), ("[99.52, Infinity]", "Infinity"), ("[-Infinity, 7.41]", "-Infinity"),
    ("[1e400, 7.41]", "1e400"),
])
def test_nan_and_infinity_in_coordinates_are_refused_naming_the_feature(kantang, tmp_path, coordinates, text):
    ok = json.dumps(_feature("GN-1", {"type": "Point", "coordinates": [99.52, 7.41]}))
    bad = json.dumps(_feature("GN-2", {"type": "Point", "coordinates": [0, 0]}))
    bad = bad.replace("[0, 0]", coordinates)
    path = _geojson(tmp_path / "nan.geojson", None, _collection(ok, bad))
    _refused(run("kantang", "assets", path), "Feature 2", "“GN-2”", "NaN or Infinity")
    with schema_context("kantang"):
        assert not Asset.objects.filter(code__startswith="GN-").exists()


def test_nan_in_a_property_is_refused_naming_the_feature_and_property(kantang, tmp_path):
    feature = json.dumps(_feature("GN-3", None, lat=0)).replace('"lat": 0', '"lat": NaN')
    path = _geojson(tmp_path / "nanprop.geojson", None, _collection(feature))
    _refused(run("kantang", "assets", path), "Feature 1", "“lat”", "NaN or Infinity")


@pytest.mark.parametrize(("feature", "words"), [
    (5, "not a GeoJSON object"),
    ({"type": "Feature", "properties": [1, 2], "geometry": None}, "properties are not a JSON object"),
    (_feature("GM-1", "POINT(99.52 7.41)"), "geometry is not a GeoJSON object"),
    (_feature("GM-2", {"type": "Point", "coordinates": ["a", "b"]}), "not numbers"),
    (_feature("GM-3", {"type": "Point", "coordinates": []}), "[longitude, latitude]"),
    (_feature("GM-4", {"type": "LineString", "coordinates": [[99.52, 7.41]]}), "too few positions"),
    (_feature("GM-5", {"type": "Circle", "coordinates": [99.52, 7.41]}), "type is not one GeoJSON defines"),
    (_feature("GM-6", {"type": "GeometryCollection", "geometries": []}), "no geometries"),
    (_feature("GM-7", {"type": "Polygon", "coordinates": [[[99.5, 7.4], [99.6, 7.4], [99.5, 7.4]]]}),
     "too few positions"),
])
def test_malformed_features_are_refused_with_a_reason_not_an_unexpected_error(kantang, tmp_path, feature,
                                                                              words):
    _refused(run("kantang", "assets", _geojson(tmp_path / "bad.geojson", [feature])), "Feature 1", words)


def test_a_property_given_twice_in_a_feature_is_refused(kantang, tmp_path):
    raw = ('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
           '{"code": "GD-1", "asset_type": "cctv", "name": "a", "name": "b"}, "geometry": null}]}')
    _refused(run("kantang", "assets", _geojson(tmp_path / "dup.geojson", None, raw)), "“name”", "twice")


def test_brackets_nested_too_deep_are_refused(kantang, tmp_path):
    raw = '{"type": "FeatureCollection", "features": ' + "[" * 100_000 + "]" * 100_000 + "}"
    _refused(run("kantang", "assets", _geojson(tmp_path / "deep.geojson", None, raw)), "too deep")


def test_a_valid_geojson_still_loads(kantang, tmp_path):
    features = [_feature("GV-1", {"type": "Point", "coordinates": [99.52, 7.41]}),
                _feature("GV-2", {"type": "LineString", "coordinates": [[99.52, 7.41], [99.53, 7.42]]},
                         asset_type="road")]
    job = run("kantang", "assets", _geojson(tmp_path / "ok.geojson", features))
    assert (job.status, job.created, job.rejected) == ("done", 2, 0), job.failure_reason


def test_through_the_api_a_geojson_with_nan_ends_with_the_reason(kantang, tmp_path,
                                                                django_capture_on_commit_callbacks):
    with schema_context("kantang"):
        token = api_token_create(user=User.objects.get(username="engineer"), name="test")[1]
    body = _collection('{"type": "Feature", "properties": {"code": "GA-1", "asset_type": "cctv", '
                       '"name": "x"}, "geometry": {"type": "Point", "coordinates": [NaN, 7.41]}}')
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = call("kantang", "POST", "/api/v1/imports/", token, data={
                "dataset": "assets", "file": SimpleUploadedFile("a.geojson", body.encode())})
    finally:
        celery_app.conf.task_always_eager = before
    assert response.status_code == 202
    status = call("kantang", "GET", f"/api/v1/imports/{response.json()['id']}", token).json()
    assert status["status"] == "failed"
    assert "Feature 1" in status["failure_reason"] and "unexpected" not in status["failure_reason"]
