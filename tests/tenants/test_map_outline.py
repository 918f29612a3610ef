"""The municipality's outline every map draws under its data: its own boundary, else its
province's from the gazetteer (../shared/data/thai-admin/provinces.geojson), simplified."""

import json
from pathlib import Path

import pytest
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon
from django.urls import reverse

from tenants.maps import municipality_outline, outline_key
from tenants.models import Province

from ..helpers import ROOT, host_client, login

PROVINCES = Path(ROOT).parent / "shared" / "data" / "thai-admin" / "provinces.geojson"


def _trang_boundary() -> MultiPolygon:
    features = json.loads(PROVINCES.read_text(encoding="utf-8"))["features"]
    (trang,) = [f for f in features if f["properties"]["pro_code"] == "92"]
    geometry = GEOSGeometry(json.dumps(trang["geometry"]), srid=4326)
    return geometry if geometry.geom_type == "MultiPolygon" else MultiPolygon(geometry, srid=4326)


@pytest.fixture
def trang(db):
    """Kantang's province with its published boundary, as `load_thai_admin` leaves it."""
    province, _ = Province.objects.update_or_create(
        code="92", defaults={"name_th": "ตรัง", "name_en": "Trang", "boundary": _trang_boundary()})
    return province


def test_without_a_boundary_the_province_outline_stands_in(kantang, trang):
    outline = municipality_outline(municipality=kantang)

    assert outline["source"] == "province"
    shape = GEOSGeometry(json.dumps(outline["geometry"]), srid=4326)
    assert shape.contains(kantang.centre)
    # Simplified and rounded for drawing: far smaller than the published boundary, same place.
    assert len(json.dumps(outline["geometry"])) < len(trang.boundary.geojson) / 2
    assert shape.envelope.intersection(trang.boundary.envelope).area > 0.95 * trang.boundary.envelope.area
    assert outline_key(kantang) == "p:92"


def test_a_stored_boundary_wins_over_the_province(kantang, trang):
    lon, lat = kantang.centre.x, kantang.centre.y
    kantang.boundary = MultiPolygon(Polygon.from_bbox((lon - 0.02, lat - 0.02, lon + 0.02, lat + 0.02)),
                                    srid=4326)

    outline = municipality_outline(municipality=kantang)

    assert outline["source"] == "boundary"
    shape = GEOSGeometry(json.dumps(outline["geometry"]), srid=4326)
    assert shape.equals_exact(kantang.boundary.unary_union, tolerance=1e-5)
    assert outline_key(kantang) == "m:kantang"


def test_no_outline_when_neither_is_known(kantang):
    Province.objects.filter(code=kantang.province_code).update(boundary=None)

    assert municipality_outline(municipality=kantang) is None


@pytest.mark.parametrize(("username", "url", "config"), [
    ("engineer", "infrastructure:asset-map", lambda c: c["geo"]["outline"]),
    ("engineer", "infrastructure:request-map", lambda c: c["geo"]["outline"]),
    ("nurse", "smarthealth:map", lambda c: c["outline"]),
])
def test_the_staff_maps_send_the_outline(kantang, trang, username, url, config):
    client = login(host_client("kantang.localhost"), "kantang", username)

    response = client.get(reverse(url))

    assert response.status_code == 200
    assert config(response.context["map_config"])["source"] == "province"


def test_the_citizens_report_map_sends_the_outline(kantang, trang, kantang_client):
    response = kantang_client.get(reverse("report:start"))

    assert response.context["map_config"]["outline"]["source"] == "province"
    html = response.content.decode()
    assert "data-report-no-base" in html and "js/map-base.js" in html
