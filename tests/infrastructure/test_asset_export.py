"""CSV / XLSX / GeoJSON export of the filtered asset list: as the list reads (Thai headings, labels
and Buddhist-Era dates, which import again), and for re-import (exactly the columns CONTRACT §5
imports, keys and codes); only the filtered rows, only this municipality's assets; both files go
back through the assets import without a change."""

import csv
import io
import json

import pytest
from django.urls import reverse
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from accounts.models import User
from infrastructure.services import asset_create

from ..helpers import host_client, login
from .helpers import line, point

URLCONF = "cityplatform.urls_tenant"
COMMUNITY = "ชุมชนทดสอบส่งออก"
IMPORT_COLUMNS = ["code", "asset_type", "name", "condition", "installed_on", "community", "lat", "lon", "wkt"]


def export(client, **params):
    return client.get(reverse("infrastructure:asset-export", urlconf=URLCONF), params)


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(response) -> list[dict]:
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads Thai correctly only with the BOM
    return list(csv.DictReader(io.StringIO(text[1:])))


@pytest.fixture
def assets(engineer):
    light = asset_create(user=engineer, data={
        "code": "EX-LIGHT-1", "asset_type": "streetlight", "name": "เสาไฟทดสอบส่งออก",
        "geometry": point(), "condition": "fair", "community": COMMUNITY, "installed_on": "2020-03-01",
        "attributes": {"lamp_type": "solar_led", "watts": 60},
    })
    road = asset_create(user=engineer, data={
        "code": "EX-ROAD-1", "asset_type": "road", "name": "ถนนทดสอบส่งออก",
        "geometry": line((0, 0), (100, 0)), "condition": "poor", "community": COMMUNITY,
        "attributes": {"surface": "laterite", "width_m": 4.5},
    })
    elsewhere = asset_create(user=engineer, data={
        "code": "EX-BIN-1", "asset_type": "waste_bin", "name": "ถังขยะชุมชนอื่น",
        "geometry": point(20, 20), "condition": "good", "community": "ชุมชนอื่น",
    })
    return light, road, elsewhere


@pytest.fixture
def executive_client(in_kantang):
    return login(host_client("kantang.localhost"), "kantang", "executive")


def test_the_csv_for_re_import_has_the_import_columns_and_only_the_filtered_rows(assets, executive_client):
    response = export(executive_client, format="csv", variant="import", community=COMMUNITY)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert "-import.csv" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert list(rows[0]) == IMPORT_COLUMNS  # nothing the import would ignore
    by_code = {row["code"]: row for row in rows}
    assert set(by_code) == {"EX-LIGHT-1", "EX-ROAD-1"}
    light, road = by_code["EX-LIGHT-1"], by_code["EX-ROAD-1"]
    assert (light["asset_type"], light["condition"]) == ("streetlight", "fair")
    assert light["installed_on"] == "2020-03-01"
    assert abs(float(light["lat"]) - assets[0].geometry.y) < 1e-6 and light["wkt"] == ""
    assert road["lat"] == "" and road["wkt"].startswith("LINESTRING")


def test_a_type_filter_keeps_only_that_types_facts_in_the_readable_file(assets, executive_client):
    rows = csv_rows(export(executive_client, format="csv", asset_type="road", q="EX-"))
    assert [row["รหัสทรัพย์สิน"] for row in rows] == ["EX-ROAD-1"]
    assert list(rows[0])[len(THAI_BASE):] == ["ผิวจราจร", "ความยาว (ม.)", "ความกว้าง (ม.)"]
    assert rows[0]["ผิวจราจร"] == "ลูกรัง" and float(rows[0]["ความกว้าง (ม.)"]) == 4.5


def test_the_xlsx_opens_in_openpyxl_with_the_same_rows(assets, executive_client):
    response = export(executive_client, format="xlsx", variant="import", q="EX-", condition="poor")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(body(response)), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == IMPORT_COLUMNS
    assert [row[0] for row in rows[1:]] == ["EX-ROAD-1"]
    assert rows[1][1:4] == ("road", "ถนนทดสอบส่งออก", "poor")


def test_the_geojson_is_a_feature_collection_of_the_filtered_assets(assets, executive_client):
    response = export(executive_client, format="geojson", q="EX-")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    data = json.loads(body(response))
    assert data["type"] == "FeatureCollection"
    features = {f["properties"]["code"]: f for f in data["features"]}
    assert set(features) == {"EX-LIGHT-1", "EX-ROAD-1", "EX-BIN-1"}
    assert features["EX-LIGHT-1"]["geometry"]["type"] == "Point"
    assert features["EX-ROAD-1"]["geometry"]["type"] == "LineString"
    assert features["EX-LIGHT-1"]["properties"]["lamp_type"] == "solar_led"
    assert features["EX-LIGHT-1"]["properties"]["installed_on"] == "2020-03-01"
    assert features["EX-BIN-1"]["properties"]["community"] == "ชุมชนอื่น"


def test_the_geojson_is_valid_when_it_spans_several_writes(engineer, executive_client):
    from infrastructure.models import Asset

    Asset.objects.bulk_create([
        Asset(code=f"EX-MANY-{i:04d}", asset_type="hydrant", name="หัวดับเพลิง", geometry=point(i, 0))
        for i in range(1203)
    ])
    response = export(executive_client, format="geojson", q="EX-MANY-")
    assert len(list(response.streaming_content)) > 3  # streamed in pieces, not built whole
    response = export(executive_client, format="geojson", q="EX-MANY-")
    data = json.loads(body(response))
    assert len(data["features"]) == 1203


def test_an_empty_filter_gives_a_valid_empty_export(assets, executive_client):
    assert json.loads(body(export(executive_client, format="geojson", q="NO-SUCH-CODE")))["features"] == []
    assert csv_rows(export(executive_client, format="csv", q="NO-SUCH-CODE")) == []


def test_it_exports_only_this_municipalitys_assets(assets, nueaklong, executive_client):
    with schema_context("nueaklong"):
        asset_create(user=User.objects.get(username="engineer"), data={
            "code": "EX-NUEAKLONG-1", "asset_type": "hydrant", "name": "หัวดับเพลิงเหนือคลอง",
            "geometry": point(), "community": COMMUNITY,
        })
    for fmt in ("csv", "geojson"):
        text = body(export(executive_client, format=fmt)).decode("utf-8")
        assert "EX-LIGHT-1" in text
        assert "EX-NUEAKLONG-1" not in text
    rows = csv_rows(export(executive_client, format="csv", variant="import", community=COMMUNITY))
    assert {row["code"] for row in rows} == {"EX-LIGHT-1", "EX-ROAD-1"}
    nueaklong_client = login(host_client("nueaklong.localhost"), "nueaklong", "engineer")
    rows = csv_rows(export(nueaklong_client, format="csv", variant="import", community=COMMUNITY))
    assert [row["code"] for row in rows] == ["EX-NUEAKLONG-1"]


def test_an_unknown_format_is_not_found(assets, executive_client):
    assert export(executive_client, format="pdf").status_code == 404


@pytest.mark.parametrize("username", ["nurse", "volunteer"])
def test_health_staff_cannot_export(username, in_kantang):
    client = login(host_client("kantang.localhost"), "kantang", username)
    assert export(client, format="csv").status_code == 403


THAI_BASE = ["รหัสทรัพย์สิน", "ประเภท", "ชื่อ", "สภาพ", "สถานะ", "วันที่ติดตั้ง", "ชุมชน", "ละติจูด", "ลองจิจูด", "WKT"]


def test_the_csv_reads_like_the_list_in_thai(assets, executive_client):
    rows = csv_rows(export(executive_client, format="csv", community=COMMUNITY))

    assert list(rows[0])[: len(THAI_BASE)] == THAI_BASE
    by_code = {row["รหัสทรัพย์สิน"]: row for row in rows}
    light, road = by_code["EX-LIGHT-1"], by_code["EX-ROAD-1"]
    assert (light["ประเภท"], light["สภาพ"], light["สถานะ"]) == ("ไฟฟ้าส่องสว่าง", "พอใช้", "ใช้งาน")
    assert light["วันที่ติดตั้ง"] == "01/03/2563"  # day/month/Buddhist year
    assert road["สภาพ"] == "ชำรุด" and "ลูกรัง" in road.values()
    # No English keys or stored codes left in the headings or the values.
    text = body(export(executive_client, format="csv", community=COMMUNITY)).decode("utf-8")
    for code in ("asset_type", "streetlight", "fair", "in_use", "laterite", "solar_led", "2020-03-01"):
        assert code not in text, code


def test_the_excel_file_reads_like_the_list_too(assets, executive_client):
    response = export(executive_client, format="xlsx", q="EX-", condition="poor")
    rows = list(load_workbook(io.BytesIO(body(response)), read_only=True).active.iter_rows(values_only=True))
    assert list(rows[0][: len(THAI_BASE)]) == THAI_BASE
    assert rows[1][:4] == ("EX-ROAD-1", "ถนน", "ถนนทดสอบส่งออก", "ชำรุด")


def test_an_english_reader_gets_english_words_and_day_first_dates(assets, executive_client):
    executive_client.cookies["django_language"] = "en"
    rows = csv_rows(export(executive_client, format="csv", q="EX-LIGHT-1"))
    assert list(rows[0])[:4] == ["Code", "Type", "Name", "Condition"]
    light = rows[0]
    assert (light["Type"], light["Condition"]) == ("Street light", "Fair")
    assert light["Installed on"] == "01/03/2020"


def test_the_list_offers_both_variants_beside_each_other(assets, executive_client):
    page = executive_client.get(reverse("infrastructure:asset-list", urlconf=URLCONF)).content.decode()
    assert "variant=import" in page and "format=xlsx" in page
    assert export(executive_client, format="csv", variant="nonsense").status_code == 404


@pytest.mark.parametrize("variant", ["readable", "import"])
def test_an_export_imports_again_unchanged(kantang, engineer, executive_client, tmp_path, settings, variant):
    from django.contrib.gis.geos import LineString, Point

    from infrastructure.models import Asset
    from tests.imports.conftest import run

    from .helpers import offset

    settings.MEDIA_ROOT = str(tmp_path / "media")
    centre = (kantang.centre.x, kantang.centre.y)  # inside the municipality: the import checks it
    asset_create(user=engineer, data={
        "code": "RT-LIGHT-1", "asset_type": "streetlight", "name": "เสาไฟส่งออกแล้วนำเข้า",
        "geometry": Point(*offset(50, 50, origin=centre), srid=4326), "condition": "fair",
        "community": COMMUNITY, "installed_on": "2020-03-01"})
    asset_create(user=engineer, data={
        "code": "RT-DRAIN-1", "asset_type": "drain", "name": "ท่อส่งออกแล้วนำเข้า",
        "geometry": LineString([offset(0, 0, origin=centre), offset(80, 0, origin=centre)], srid=4326),
        "condition": "poor", "community": COMMUNITY})
    path = tmp_path / f"assets-{variant}.csv"
    path.write_bytes(body(export(executive_client, format="csv", q="RT-", variant=variant)))
    shapes = lambda: {a.code: (a.asset_type, a.condition, a.installed_on, a.geometry.wkt)  # noqa: E731
                      for a in Asset.objects.filter(code__startswith="RT-")}
    with schema_context("kantang"):
        before = shapes()

    job = run("kantang", "assets", path, user=engineer)

    assert (job.rows, job.rejected, job.created) == (2, 0, 0)
    if variant == "import":
        assert job.header_mapping["ignored"] == []  # every column is one the import reads
    with schema_context("kantang"):
        after = shapes()
    assert {code: values[:3] for code, values in after.items()} == {
        code: values[:3] for code, values in before.items()}
