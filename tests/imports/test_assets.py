import json

import pytest
from django_tenants.utils import schema_context

from infrastructure.models import Asset

from .conftest import problems, run, write_csv

pytestmark = pytest.mark.django_db


def test_it_loads_assets_from_xlsx_with_thai_choices_and_dates(kantang, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["รหัสทรัพย์สิน", "ประเภท", "ชื่อ", "สภาพ", "วันที่ติดตั้ง", "ละติจูด", "ลองจิจูด", "WKT"])
    sheet.append(["IMP-0001", "ไฟฟ้าส่องสว่าง", "เสาไฟ 1", "ดี", "01/06/2565", 7.41, 99.52, None])
    sheet.append(["IMP-0002", "road", "ถนนทดสอบ", "poor", None, None, None,
                  "LINESTRING(99.51 7.40, 99.52 7.41)"])
    # A street light is a point (a road given as a point waits for its line: test_assets_as_points.py).
    sheet.append(["IMP-0003", "ไฟฟ้าส่องสว่าง", "เสาไฟผิด", "good", None, None, None,
                  "LINESTRING(99.51 7.40, 99.52 7.41)"])
    sheet.append(["IMP-0004", "hydrant", "นอกประเทศ", "good", None, 35.0, 139.0, None])
    workbook.save(tmp_path / "assets.xlsx")
    job = run("kantang", "assets", tmp_path / "assets.xlsx")
    assert (job.status, job.created, job.rejected) == ("done", 2, 2), job.failure_reason
    assert [(row, problem.split(":")[0]) for row, problem in problems("kantang", job)] == [
        ("4", "asset_type"), ("5", "lat")]
    with schema_context("kantang"):
        light = Asset.objects.get(code="IMP-0001")
        assert light.asset_type == "streetlight" and light.installed_on.year == 2022
        assert Asset.objects.get(code="IMP-0002").geometry.geom_type == "LineString"
    again = run("kantang", "assets", tmp_path / "assets.xlsx")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    changed = write_csv(tmp_path / "c.csv", [["code", "asset_type", "name", "condition", "lat", "lon"],
                                             ["IMP-0001", "streetlight", "เสาไฟ 1", "ชำรุด", "7.41", "99.52"]])
    assert run("kantang", "assets", changed).updated == 1
    with schema_context("kantang"):
        history = list(Asset.objects.get(code="IMP-0001").condition_history.order_by("id")
                       .values_list("from_condition", "to_condition"))
    assert history == [("", "good"), ("good", "poor")]


def test_it_loads_assets_from_geojson(kantang, tmp_path):
    path = tmp_path / "assets.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [99.519, 7.41]},
         "properties": {"code": "GJ-1", "asset_type": "cctv", "name": "กล้อง 1"}},
    ]}), encoding="utf-8")
    job = run("kantang", "assets", path)
    assert (job.created, job.rejected) == (1, 0), job.failure_reason
    with schema_context("kantang"):
        assert Asset.objects.get(code="GJ-1").geometry.x == pytest.approx(99.519)


def test_a_csv_with_a_nul_byte_fails_as_a_whole(kantang, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"code,asset_type,name,lat,lon\nX-1,cctv,a\x00b,7.41,99.52\n")
    job = run("kantang", "assets", path)
    assert job.status == "failed" and "NUL" in job.failure_reason


def test_an_xlsx_that_is_not_a_zip_fails_clearly(kantang, tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"this is not a workbook")
    job = run("kantang", "assets", path)
    assert job.status == "failed" and "not an Excel workbook" in job.failure_reason


def test_a_header_only_file_fails_clearly(kantang, tmp_path):
    path = write_csv(tmp_path / "h.csv", [["code", "asset_type", "name"]])
    job = run("kantang", "assets", path)
    assert job.status == "failed" and "no data rows" in job.failure_reason
