"""Asset registers as municipalities keep them: most roads and drains are one GPS point. Such a
line (or area) is imported at its point and waits in the "to draw" list until someone draws it;
only a geometry that cannot be read, or lies outside the municipality, is refused."""

import html
import json
import math
import random
from dataclasses import dataclass

import mapbox_vector_tile
import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django_tenants.utils import schema_context
from openpyxl import Workbook

from imports import engine
from imports.registry import get as dataset
from infrastructure.models import Asset
from tenants.models import Municipality

from ..helpers import host_client, login
from .conftest import run, write_csv

pytestmark = pytest.mark.django_db

URLCONF = "cityplatform.urls_tenant"
COMMUNITY = "ชุมชนทะเบียนทดสอบ"
HEADER = ["รหัสทรัพย์สิน", "ประเภท", "ชื่อ", "สภาพ", "วันที่ติดตั้ง", "ชุมชน", "ละติจูด", "ลองจิจูด", "WKT", "GeoJSON"]
# How staff write the types in their register: the Thai word, with a stray space here and there.
WRITTEN = {"road": " ถนน", "drain": "ท่อระบายน้ำ ", "water_pipe": "ท่อประปา", "bridge": "สะพาน",
           "building": "อาคาร", "streetlight": "ไฟฟ้าส่องสว่าง", "hydrant": "หัวดับเพลิง",
           "waste_bin": "ถังขยะ", "cctv": "กล้องวงจรปิด"}
CONDITIONS = ["ดี", "พอใช้", "ชำรุด"]


@dataclass
class Row:
    code: str
    asset_type: str
    how: str  # "latlon", "wkt_point", "geojson_point", "line", "polygon"
    east: float  # metres from the municipality's centre
    north: float
    dated: bool

    @property
    def waits_for_drawing(self) -> bool:
        """Worked out from the row itself, not from the platform's rule tables."""
        return self.how in ("latlon", "wkt_point", "geojson_point") and self.asset_type in (
            "road", "drain", "water_pipe", "bridge", "building")


def lon_lat(centre, east: float, north: float) -> tuple[float, float]:
    lon, lat = centre
    return (round(lon + east / (111_320 * math.cos(math.radians(lat))), 7), round(lat + north / 110_574, 7))


def register_rows() -> list[Row]:
    """93 assets as a municipality's register holds them: 30 lines and areas known only by a point
    (12 drains, 10 roads, 3 water pipes, 3 bridges, 2 buildings), 20 drawn lines and areas, 43
    point assets."""
    rng = random.Random(15)
    rows: list[Row] = []

    def add(asset_type: str, how: str, count: int) -> None:
        for _ in range(count):
            n = len(rows) + 1
            rows.append(Row(f"REG-{n:03d}", asset_type, how, rng.uniform(-1500, 1500),
                            rng.uniform(-1500, 1500), dated=n % 3 != 0))

    add("drain", "latlon", 10)
    add("drain", "wkt_point", 1)
    add("drain", "geojson_point", 1)
    add("road", "latlon", 10)
    add("water_pipe", "latlon", 3)
    add("bridge", "latlon", 3)
    add("building", "latlon", 2)
    add("road", "line", 10)
    add("drain", "line", 8)
    add("building", "polygon", 2)
    add("streetlight", "latlon", 20)
    add("hydrant", "latlon", 8)
    add("waste_bin", "latlon", 8)
    add("cctv", "latlon", 7)
    return rows


def cells(row: Row, centre) -> list:
    lon, lat = lon_lat(centre, row.east, row.north)
    wkt = geojson = ""
    latitude: float | str = ""
    longitude: float | str = ""
    if row.how == "latlon":
        latitude, longitude = lat, lon
    elif row.how == "wkt_point":
        wkt = f"POINT({lon} {lat})"
    elif row.how == "geojson_point":
        geojson = json.dumps({"type": "Point", "coordinates": [lon, lat]})
    elif row.how == "line":
        end = lon_lat(centre, row.east + 180, row.north + 40)
        wkt = f"LINESTRING({lon} {lat}, {end[0]} {end[1]})"
    else:
        a, b, c = (lon_lat(centre, row.east + de, row.north + dn) for de, dn in ((20, 0), (20, 15), (0, 15)))
        wkt = f"POLYGON(({lon} {lat}, {a[0]} {a[1]}, {b[0]} {b[1]}, {c[0]} {c[1]}, {lon} {lat}))"
    name = {"road": "ถนนซอย", "drain": "ท่อระบายน้ำซอย", "water_pipe": "ท่อประปาซอย", "bridge": "สะพานข้ามคลอง",
            "building": "อาคาร", "streetlight": "เสาไฟ", "hydrant": "หัวดับเพลิง", "waste_bin": "ถังขยะ",
            "cctv": "กล้อง"}[row.asset_type]
    return [row.code, WRITTEN[row.asset_type], f"{name} {row.code[-3:]}", CONDITIONS[int(row.code[-3:]) % 3],
            "01/06/2565" if row.dated else None, COMMUNITY, latitude, longitude, wkt or None, geojson or None]


def kantang_centre() -> tuple[float, float]:
    centre = Municipality.objects.get(schema_name="kantang").centre
    return centre.x, centre.y


def write_register(path, rows: list[Row]):
    centre = kantang_centre()
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(cells(row, centre))
    workbook.save(path)
    return path


def engineer_client():
    return login(host_client("kantang.localhost"), "kantang", "engineer")


def url(name, *args):
    return reverse(f"infrastructure:{name}", args=args, urlconf=URLCONF)


def page_text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def register(kantang, tmp_path):
    from communities.models import Community

    with schema_context("kantang"):
        # The demo's community boundaries cover the town (the location rule would name them): this
        # register's assets keep the community its file names.
        Community.objects.update(boundary=None)
    rows = register_rows()
    path = write_register(tmp_path / "ทะเบียนทรัพย์สิน.xlsx", rows)
    job = run("kantang", "assets", path)
    assert (job.status, job.failure_reason) == ("done", "")
    return rows, path, job


# --- The import -------------------------------------------------------------------------------

def test_every_asset_of_the_register_is_imported_and_the_points_wait_for_their_lines(register):
    rows, path, job = register
    expected_waiting = {row.code for row in rows if row.waits_for_drawing}
    assert (len(rows), len(expected_waiting)) == (93, 30)
    assert (job.rows, job.created, job.rejected) == (93, 93, 0)
    with schema_context("kantang"):
        stored = {a.code: a for a in Asset.objects.filter(code__startswith="REG-")}
        assert {code for code, a in stored.items() if a.line_pending} == expected_waiting
        for row in rows:
            geom_type = stored[row.code].geometry.geom_type
            expected = {"line": "LineString", "polygon": "Polygon"}.get(row.how, "Point")
            assert (row.code, geom_type) == (row.code, expected)
        assert stored["REG-001"].asset_type == "drain" and stored["REG-013"].asset_type == "road"


def test_the_same_register_again_changes_nothing(register):
    rows, path, _ = register
    again = run("kantang", "assets", path)
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 93, 0)
    with schema_context("kantang"):
        assert Asset.objects.filter(code__startswith="REG-", line_pending=True).count() == 30


# --- Where the waiting assets show ------------------------------------------------------------

def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    n = 2**z
    return z, int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)


def test_the_waiting_assets_are_in_the_to_draw_list_on_the_map_and_in_the_api(register, make_token):
    rows, _, _ = register
    waiting = sorted(row.code for row in rows if row.waits_for_drawing)
    client = engineer_client()

    listed = client.get(url("asset-to-draw"), {"community": COMMUNITY})
    assert listed.status_code == 200
    assert [a.code for a in listed.context["page"]] == waiting
    counts = {c["value"]: c["count"] for c in listed.context["type_counts"]}
    assert counts == {"road": 10, "drain": 12, "water_pipe": 3, "bridge": 3, "building": 2}
    text = page_text(listed)
    with translation.override("th"):
        assert gettext("Assets to draw") in text and gettext("Draw the line") in text
    drains = client.get(url("asset-to-draw"), {"community": COMMUNITY, "asset_type": "drain"})
    assert [a.code for a in drains.context["page"]] == [r.code for r in rows
                                                        if r.waits_for_drawing and r.asset_type == "drain"]

    # The map tile at street level carries each of them as a point with the flag.
    first = next(row for row in rows if row.waits_for_drawing and row.asset_type == "drain")
    lon, lat = lon_lat(kantang_centre(), first.east, first.north)
    tile = client.get(url("asset-tiles", *tile_of(lon, lat, 17)), {"type": "drain"})
    assert tile.status_code == 200
    features = mapbox_vector_tile.decode(tile.content)["drain"]["features"]
    # Tiles carry the id and the flag only (issue 16: light tiles); the popup fetches the rest.
    with schema_context("kantang"):
        first_id = Asset.objects.get(code=first.code).pk
    by_id = {f["properties"]["id"]: f for f in features}
    assert by_id[first_id]["properties"]["pending"] is True
    assert by_id[first_id]["geometry"]["type"] == "Point"

    # The API's GeoJSON says it as a property.
    token = make_token("kantang", "engineer")
    api = host_client("kantang.localhost").get(
        "/api/v1/assets/", {"community": COMMUNITY, "page_size": 100}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.status_code == 200
    flagged = sorted(f["id"] for f in api.json()["features"] if f["properties"]["line_pending"])
    assert flagged == waiting


@pytest.fixture
def make_token(db):
    from accounts.models import User
    from accounts.tokens import api_token_create

    def make(schema: str, username: str) -> str:
        with schema_context(schema):
            return api_token_create(user=User.objects.get(username=username), name="test")[1]

    return make


# --- Drawing the line, then the next month's register -------------------------------------------

def form_post(asset: Asset, geometry: str, **overrides) -> dict:
    """The edit form as the browser sends it: every field with its current value, and the
    geometry as the Leaflet draw widget writes it (GeoJSON)."""
    data = {
        "code": asset.code, "asset_type": asset.asset_type, "name": asset.name, "geometry": geometry,
        "condition": asset.condition, "status": asset.status,
        "installed_on": "01/06/2565" if asset.installed_on else "", "community": asset.community, "notes": "",
    }
    data.update(overrides)
    return data


def test_drawing_the_line_replaces_the_point_and_the_next_register_keeps_it(register, tmp_path):
    rows, path, _ = register
    drain_row = next(r for r in rows if r.waits_for_drawing and r.asset_type == "drain")
    road_row = next(r for r in rows if r.waits_for_drawing and r.asset_type == "road")
    other_road = [r for r in rows if r.waits_for_drawing and r.asset_type == "road"][1]
    with schema_context("kantang"):
        drain = Asset.objects.get(code=drain_row.code)
        road = Asset.objects.get(code=road_row.code)
    client = engineer_client()

    # The edit form says what is missing; saving a condition alone keeps the point and the mark.
    page = client.get(url("asset-update", road.pk))
    with translation.override("th"):
        assert "ยังไม่ได้วาดเส้น" in page_text(page)
    response = client.post(url("asset-update", road.pk), form_post(road, road.geometry.geojson,
                                                                condition="out_of_service"))
    assert response.status_code == 302, page_text(response)[:2000]
    with schema_context("kantang"):
        road.refresh_from_db()
    assert (road.condition, road.line_pending, road.geometry.geom_type) == ("out_of_service", True, "Point")

    # Drawing the line replaces the point and clears the mark.
    centre = kantang_centre()
    start = lon_lat(centre, drain_row.east, drain_row.north)
    end = lon_lat(centre, drain_row.east + 120, drain_row.north)
    drawn = json.dumps({"type": "LineString", "coordinates": [list(start), list(end)]})
    response = client.post(url("asset-update", drain.pk), form_post(drain, drawn))
    assert response.status_code == 302, page_text(response)[:2000]
    with schema_context("kantang"):
        drain.refresh_from_db()
        assert drain.geometry.geom_type == "LineString" and not drain.line_pending
        assert 100 < drain.attributes["length_m"] < 140
        detail = page_text(client.get(url("asset-detail", drain.pk)))
    assert "ยังไม่ได้วาดเส้น" not in detail

    # The same register again: the drawn line stays (the register still has only the point); the
    # road's condition goes back to the register's, the one thing that changed.
    again = run("kantang", "assets", path)
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 1, 92, 0)
    with schema_context("kantang"):
        drain.refresh_from_db()
        assert drain.geometry.geom_type == "LineString" and not drain.line_pending
        assert Asset.objects.filter(code__startswith="REG-", line_pending=True).count() == 29

    # A register that changes the drawn drain's condition still keeps its line; one that gives a
    # road's line replaces that road's point.
    line = f"LINESTRING({start[0]} {start[1]}, {end[0]} {end[1]})"
    changed = write_csv(tmp_path / "next-month.csv", [
        ["code", "asset_type", "name", "condition", "installed_on", "community", "lat", "lon", "wkt"],
        [drain.code, "ท่อระบายน้ำ", drain.name, "ใช้งานไม่ได้", "01/06/2565" if drain.installed_on else "",
         COMMUNITY, start[1], start[0], ""],
        [other_road.code, "ถนน", f"ถนนซอย {other_road.code[-3:]}", CONDITIONS[int(other_road.code[-3:]) % 3],
         "01/06/2565" if other_road.dated else "", COMMUNITY, "", "", line],
    ])
    job = run("kantang", "assets", changed)
    assert (job.updated, job.rejected) == (2, 0)
    with schema_context("kantang"):
        drain.refresh_from_db()
        assert drain.condition == "out_of_service" and drain.geometry.geom_type == "LineString"
        redrawn = Asset.objects.get(code=other_road.code)
        assert redrawn.geometry.geom_type == "LineString" and not redrawn.line_pending


def test_a_point_for_a_line_that_is_not_waiting_never_replaces_the_line_of_another_type(kantang, tmp_path):
    """A drawn road that the register now calls a street light takes the register's point: a
    street light cannot keep a road's line."""
    centre = kantang_centre()
    start, end = lon_lat(centre, 0, 0), lon_lat(centre, 100, 0)
    drawn = f"LINESTRING({start[0]} {start[1]}, {end[0]} {end[1]})"
    first = write_csv(tmp_path / "a.csv", [["code", "asset_type", "name", "lat", "lon", "wkt"],
                                           ["REG-X1", "road", "ถนน", "", "", drawn]])
    assert run("kantang", "assets", first).created == 1
    second = write_csv(tmp_path / "b.csv", [["code", "asset_type", "name", "lat", "lon"],
                                            ["REG-X1", "streetlight", "ถนน", start[1], start[0]]])
    assert run("kantang", "assets", second).updated == 1
    with schema_context("kantang"):
        asset = Asset.objects.get(code="REG-X1")
        assert (asset.asset_type, asset.geometry.geom_type) == ("streetlight", "Point")
        assert not asset.line_pending


# --- What is still refused ----------------------------------------------------------------------

def engine_errors(path) -> dict[str, list[str]]:
    """{row code: [reason in Thai, reason in English]} straight from the engine (the error file's
    layout is the import pages' business)."""
    with schema_context("kantang"), transaction.atomic():
        result = engine.run(dataset=dataset("assets"), path=path, name=path.name)
        transaction.set_rollback(True)
    by_row: dict[str, list[str]] = {}
    for row, _column, reason in result.errors:
        by_row.setdefault(str(row), []).extend([engine.render(reason, "th"), engine.render(reason, "en")])
    return by_row


def test_only_unreadable_or_outside_geometries_are_refused_with_the_reason(kantang, tmp_path):
    centre = kantang_centre()
    near = lon_lat(centre, 300, 200)
    chiang_mai = (98.9853, 18.7883)  # in Thailand, 1,200 km from Kantang
    far_end = (98.99, 18.79)
    path = write_csv(tmp_path / "refused.csv", [
        ["code", "asset_type", "name", "lat", "lon", "wkt"],
        ["OUT-1", "ท่อระบายน้ำ", "ท่อที่เชียงใหม่", chiang_mai[1], chiang_mai[0], ""],  # row 2
        ["OUT-2", "ถนน", "ถนนที่เชียงใหม่", "", "",
         f"LINESTRING({chiang_mai[0]} {chiang_mai[1]}, {far_end[0]} {far_end[1]})"],  # row 3
        ["OUT-3", "ถนน", "ถนนที่โตเกียว", 35.68, 139.76, ""],  # row 4: outside Thailand
        ["OUT-4", "ถนน", "อ่านไม่ได้", "", "", "LINESTRING(99.5 7.4, oops)"],  # row 5
        ["OUT-5", "ท่อระบายน้ำ", "ท่อหน้าตลาด", near[1], near[0], ""],  # row 6: fine, waits
        ["OUT-6", "ท่อระบายน้ำ", "ท่อสลับพิกัด", near[0], near[1], ""],  # row 7: lat and lon swapped
    ])
    errors = engine_errors(path)
    assert set(errors) == {"2", "3", "4", "5", "7"}
    name = Municipality.objects.get(schema_name="kantang").name_th
    for row in ("2", "3"):
        thai, english = errors[row]
        assert name in thai and "กม." in thai and "นอกพื้นที่" in thai
        assert "outside the municipality" in english and "km from the centre of" in english
    assert "outside Thailand" in errors["4"][1]
    assert "cannot be read" in errors["5"][1]
    assert "swapped" in errors["7"][1]

    job = run("kantang", "assets", path)
    assert (job.created, job.rejected) == (1, 5)
    with schema_context("kantang"):
        assert Asset.objects.get(code="OUT-5").line_pending


def test_a_known_boundary_decides_before_the_distance(kantang, tmp_path):
    """With the municipality's boundary known, a point inside it is accepted however far from the
    centre; outside both, it is refused."""
    from django.contrib.gis.geos import MultiPolygon, Polygon

    centre = kantang_centre()
    inside_far = lon_lat(centre, 45_000, 0)  # 45 km east: past the distance, inside the boundary below
    outside_far = lon_lat(centre, 0, 45_000)
    box = Polygon.from_bbox((centre[0] - 0.1, centre[1] - 0.1, centre[0] + 0.5, centre[1] + 0.1))
    Municipality.objects.filter(schema_name="kantang").update(boundary=MultiPolygon(box, srid=4326))
    path = write_csv(tmp_path / "boundary.csv", [
        ["code", "asset_type", "name", "lat", "lon"],
        ["BND-1", "road", "ถนนชายเขต", inside_far[1], inside_far[0]],
        ["BND-2", "road", "ถนนนอกเขต", outside_far[1], outside_far[0]],
    ])
    job = run("kantang", "assets", path)
    assert (job.created, job.rejected) == (1, 1)
    with schema_context("kantang"):
        assert Asset.objects.get(code="BND-1").line_pending
