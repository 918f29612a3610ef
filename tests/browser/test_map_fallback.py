"""When the base map's tiles do not load (offline, a weak rural network, the tile server down), each
map still draws the municipality's outline (here Trang's province boundary: kantang has none of
its own) and says so in Thai; the asset map draws the town's roads and drains underneath; the
citizen's report page offers the phone's location and the address instead. No script error."""

import pytest

from .map_helpers import block_base_tiles, phone_page, province_outline_fixture, watch_maps
from .test_map_popups import sign_in

pytestmark = pytest.mark.browser

NOTICE = "แผนที่พื้นฐานโหลดไม่ได้"

trang_outline = province_outline_fixture()


@pytest.fixture
def offline_phone(browser):
    """A 390 px touch phone whose base-map tiles are all refused."""
    page = phone_page(browser)
    watch_maps(page)
    page.refused = block_base_tiles(page)
    yield page
    page.context.close()


def outline_drawn(page, map_id: str) -> bool:
    return page.locator(f"#{map_id} .leaflet-cityOutline-pane path").count() > 0


def test_the_asset_map_without_base_tiles(live_url, offline_phone, trang_outline):
    page = offline_phone
    base = live_url.format(host="kantang.localhost")
    sign_in(page, base, "engineer")

    page.goto(base + "/infrastructure/map/")

    notice = page.locator("#asset-map .city-map-notice")
    notice.wait_for(timeout=15000)
    assert notice.inner_text().startswith(NOTICE) and page.refused
    assert outline_drawn(page, "asset-map")
    # The town's roads and drains, drawn from its own register under the assets.
    page.wait_for_selector("#asset-map .leaflet-cityBase-pane canvas.leaflet-tile-loaded", timeout=15000)
    page.wait_for_selector("#asset-map .leaflet-overlay-pane canvas.leaflet-tile-loaded", timeout=15000)
    assert page.problems == []


def test_the_health_map_without_base_tiles(live_url, offline_phone, trang_outline):
    page = offline_phone
    base = live_url.format(host="kantang.localhost")
    sign_in(page, base, "nurse")

    page.goto(base + "/health/map/")

    page.locator("#health-map .city-map-notice").wait_for(timeout=15000)
    assert NOTICE in page.locator("#health-map .city-map-notice").inner_text()
    assert outline_drawn(page, "health-map")
    assert page.problems == []


def test_the_report_page_offers_the_location_and_the_address_instead(live_url, offline_phone, trang_outline):
    page = offline_phone
    base = live_url.format(host="kantang.localhost")

    page.goto(base + "/report/")

    advice = page.locator("[data-report-no-base]")
    advice.wait_for(state="visible", timeout=15000)
    assert NOTICE in advice.inner_text() and "GPS" in advice.inner_text()
    assert NOTICE in page.locator("#report-map .city-map-notice").inner_text()
    assert outline_drawn(page, "report-map")
    assert advice.locator("[data-report-use-gps]").is_visible()
    advice.locator("[data-report-type-address]").tap()
    assert page.evaluate("document.activeElement.name") == "address_text"
    # Without tiles the map still takes a pin inside the outline.
    page.locator("#report-map").tap(position={"x": 195, "y": 150})
    page.wait_for_selector("#report-map .leaflet-marker-icon")
    assert page.input_value("#id_lat") != ""
    assert page.problems == []
