"""Shared by the map tests in a real browser: a hook that keeps each Leaflet map reachable from
the test, base-map tiles refused, script errors collected, a click or a tap on a feature at a
given place, and the test's own features (committed, so the live server sees them; removed after).
"""

import json
import threading
from pathlib import Path

import pytest

from ..helpers import ROOT

# Kantang's centre is (99.519, 7.41). Each feature of the tests stands alone at its own spot,
# clear of the demo data, so a tap there can only hit it.
ASSET_AT = (18.7883, 98.9853)  # Chiang Mai, as the infrastructure tests use: no demo asset near
REQUEST_AT = (7.4312, 99.5402)
HOUSEHOLD_AT = (7.3911, 99.5015)

# Before any page script: keep every map django-leaflet makes (its "map:init" event), so a test
# can move it to the feature it wants to tap.
MAP_HOOK = """
window.__cityMaps = {};
window.addEventListener("map:init", function (event) {
  window.__cityMaps[event.detail.id] = event.detail.map;
});
"""

# True once no vector-tile layer of the map is still fetching or drawing tiles.
GRIDS_IDLE = """
(id) => {
  var map = window.__cityMaps && window.__cityMaps[id];
  if (!map) return false;
  var busy = false;
  map.eachLayer(function (layer) {
    if (L.VectorGrid && layer instanceof L.VectorGrid && layer.isLoading()) busy = true;
  });
  return !busy;
}
"""


def watch_maps(page) -> None:
    page.add_init_script(MAP_HOOK)


def base_tiles_pattern() -> str:
    """The base-map tile server's address (settings.MAP_TILES_URL) as a Playwright URL glob."""
    from django.conf import settings

    return settings.MAP_TILES_URL.split("{")[0] + "**"


def block_base_tiles(page) -> list[str]:
    """Refuse every base-map tile, as an offline phone or a dead tile server would; returns the
    list of refused URLs."""
    refused: list[str] = []

    def abort(route):
        refused.append(route.request.url)
        route.abort()

    page.route(base_tiles_pattern(), abort)
    return refused


def script_errors(page) -> list[str]:
    """Script errors and console errors of the page, as they come. Refused tiles and the missing
    favicon log "Failed to load resource"; anything else is a fault."""
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda message: message.type == "error"
            and "Failed to load resource" not in message.text and problems.append(message.text))
    return problems


def phone_page(browser):
    """A new Thai 390 px touch-phone page whose script errors gather in `page.problems`; close it
    with page.context.close()."""
    context = browser.new_context(locale="th-TH", viewport={"width": 390, "height": 844},
                                  has_touch=True, is_mobile=True)
    page = context.new_page()
    page.problems = script_errors(page)
    return page


def open_feature(page, map_id: str, lat: float, lon: float, *, zoom: int) -> None:
    """Centre the map on (lat, lon), wait for its vector tiles, then click there (a tap on a
    touch page) and wait for the popup's link."""
    page.wait_for_function("(id) => window.__cityMaps && window.__cityMaps[id]", arg=map_id, timeout=15000)
    page.evaluate("([id, lat, lon, z]) => window.__cityMaps[id].setView([lat, lon], z, {animate: false})",
                  [map_id, lat, lon, zoom])
    page.wait_for_function(GRIDS_IDLE, arg=map_id, timeout=15000)
    point = page.evaluate("([id, lat, lon]) => window.__cityMaps[id].latLngToContainerPoint([lat, lon])",
                          [map_id, lat, lon])
    box = page.locator(f"#{map_id}").bounding_box()
    x, y = box["x"] + point["x"], box["y"] + point["y"]
    if getattr(page, "touch", False):
        page.touchscreen.tap(x, y)
    else:
        page.mouse.click(x, y)
    page.wait_for_selector(".leaflet-popup-content a.map-popup-link", timeout=15000)


def popup_text(page) -> str:
    page.wait_for_selector(".leaflet-popup-content .map-popup", timeout=15000)
    page.wait_for_selector(".leaflet-popup-content a.map-popup-link", timeout=15000)
    return page.locator(".leaflet-popup-content").inner_text()


def in_thread(work):
    """Run `work` on a thread of its own: Playwright's event loop makes this one "async" to
    Django."""
    result = {}

    def run():
        from django.db import connection

        try:
            result["value"] = work()
        finally:
            connection.close()  # this thread's own connection: let the test database go

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    if "value" not in result:
        pytest.fail("setting up the map test's data failed (see the log above)")
    return result["value"]


def map_data_fixture():
    """A module fixture: a street light, an open request and a household of kantang, each alone
    at its spot, and the dashboard's figures refreshed so the hotspot map has its squares."""

    @pytest.fixture(scope="module", name="map_data")
    def fixture(live_url, django_db_blocker):
        from django.contrib.gis.geos import Point
        from django.db import transaction
        from django_tenants.utils import schema_context

        from dashboards.services import dashboard_refresh
        from infrastructure.models import Asset, ServiceRequest
        from infrastructure.services import asset_create, service_request_create
        from smarthealth.models import Household

        def point(at):
            return Point(at[1], at[0], srid=4326)

        def create():
            with django_db_blocker.unblock(), schema_context("kantang"):
                asset = asset_create(user=None, data={
                    "code": "MAP-TAP-SL", "asset_type": "streetlight", "name": "ไฟส่องสว่างทดสอบการแตะ",
                    "geometry": point(ASSET_AT), "condition": "poor"})
                request = service_request_create(data={
                    "category": "lighting", "description": "ไฟดับ ทดสอบการแตะแผนที่",
                    "location": point(REQUEST_AT)}, user=None, channel="staff", link_nearest=False)
                household = Household.objects.create(
                    house_no="77/7", moo=5, community="ชุมชนทดสอบแผนที่", location=point(HOUSEHOLD_AT))
                with transaction.atomic():
                    dashboard_refresh()
                return {"asset": asset.pk, "asset_name": asset.name, "request": request.pk,
                        "tracking_code": request.tracking_code, "household": household.pk,
                        "house_no": household.house_no}

        def remove(made):
            with django_db_blocker.unblock(), schema_context("kantang"):
                Asset.objects.filter(pk=made["asset"]).delete()
                ServiceRequest.objects.filter(pk=made["request"]).delete()
                Household.objects.filter(pk=made["household"]).delete()
                with transaction.atomic():
                    dashboard_refresh()

        made = in_thread(create)
        yield made
        in_thread(lambda: remove(made) or True)

    return fixture


def province_outline_fixture():
    """A module fixture: Trang (kantang's province) with its published boundary, as
    `load_thai_admin` leaves it (../shared/data/thai-admin/provinces.geojson); put back after."""

    @pytest.fixture(scope="module", name="trang_outline")
    def fixture(live_url, django_db_blocker):
        from django.contrib.gis.geos import GEOSGeometry, MultiPolygon

        from tenants.models import Province

        path = Path(ROOT).parent / "shared" / "data" / "thai-admin" / "provinces.geojson"
        features = json.loads(path.read_text(encoding="utf-8"))["features"]
        (trang,) = [f for f in features if f["properties"]["pro_code"] == "92"]
        boundary = GEOSGeometry(json.dumps(trang["geometry"]), srid=4326)
        if boundary.geom_type == "Polygon":
            boundary = MultiPolygon(boundary, srid=4326)

        def load():
            with django_db_blocker.unblock():
                before = Province.objects.filter(code="92").values("pk", "boundary").first()
                Province.objects.update_or_create(
                    code="92", defaults={"name_th": "ตรัง", "name_en": "Trang", "boundary": boundary})
                return before or {}

        def restore(before):
            with django_db_blocker.unblock():
                if before:
                    Province.objects.filter(pk=before["pk"]).update(boundary=before["boundary"])
                else:
                    Province.objects.filter(code="92").delete()
            return True

        before = in_thread(load)
        yield
        in_thread(lambda: restore(before))

    return fixture
