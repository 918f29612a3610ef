"""The asset map in a real browser: vector tiles load and draw under the content security policy;
its search box finds an asset by code or name and flies to it (desktop and a touch phone)."""

import pytest
from django.utils import translation

from ..helpers import DEMO_PASSWORD
from .map_helpers import ASSET_AT, block_base_tiles, map_data_fixture, script_errors, watch_maps

pytestmark = pytest.mark.browser


def sign_in(page, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(base + "/")


def test_the_asset_map_draws_its_tiles_without_errors(live_url, page):
    base = live_url.format(host="kantang.localhost")
    problems, tiles = [], []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    failed = []
    page.on("response", lambda response: ".mvt" in response.url and tiles.append(response.status))
    page.on("response", lambda response: response.status >= 400 and failed.append(response.url))
    sign_in(page, base, "engineer")

    page.goto(base + "/infrastructure/map/")
    page.wait_for_selector("#asset-map canvas.leaflet-tile-loaded", timeout=15000)

    assert tiles and set(tiles) == {200}
    # Every script, style and tile of the page answered; the browser's own /favicon.ico
    # request (none is served) is the one "Failed to load resource" left in the console.
    assert [url for url in failed if "favicon" not in url] == []
    problems = [p for p in problems if not p.startswith("Failed to load resource")]
    # Base-map tiles cannot load on a closed network; everything else must run cleanly.
    assert [p for p in problems if "ERR_NAME_NOT_RESOLVED" not in p and "tile" not in p] == []

    # Turning a filter on reloads the tiles with it and keeps it in the address bar.
    before = len(tiles)
    assert not page.locator("#map-condition").is_visible()  # on a phone the map gets the screen
    page.click("[data-map-panel] > summary")
    with page.expect_response(lambda response: ".mvt" in response.url and "condition=poor" in response.url):
        page.select_option("#map-condition", "poor")
    page.wait_for_function("() => window.location.search.includes('condition=poor')")
    assert len(tiles) > before


def test_the_open_requests_map_loads_for_an_executive(live_url, page):
    base = live_url.format(host="kantang.localhost")
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    sign_in(page, base, "executive")

    page.goto(base + "/infrastructure/requests/map/")
    page.wait_for_selector("#request-map canvas.leaflet-tile-loaded", timeout=15000)

    assert problems == []


# --- Search -------------------------------------------------------------------------------------

map_data = map_data_fixture()


@pytest.fixture(params=["desktop", "phone"])
def searcher(request, browser):
    phone = request.param == "phone"
    options = ({"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True} if phone
               else {"viewport": {"width": 1280, "height": 800}})
    context = browser.new_context(locale="th-TH", **options)
    page = context.new_page()
    page.touch = phone
    watch_maps(page)
    block_base_tiles(page)
    problems = script_errors(page)
    yield page
    context.close()
    assert problems == []


def popup_of(page) -> str:
    page.wait_for_selector(".leaflet-popup-content .map-popup a.map-popup-link", timeout=15000)
    return page.locator(".leaflet-popup-content").inner_text()


def test_a_code_typed_in_the_search_flies_to_the_asset_and_opens_it(live_url, searcher, map_data):
    page = searcher
    base = live_url.format(host="kantang.localhost")
    sign_in(page, base, "engineer")
    page.goto(base + "/infrastructure/map/")
    page.wait_for_function("() => window.__cityMaps && window.__cityMaps['asset-map']")

    page.fill("#map-search-q", "map-tap-sl")  # as people type it
    page.press("#map-search-q", "Enter")  # one match: straight there

    assert map_data["asset_name"] in popup_of(page)
    centre = page.evaluate("(() => { var c = window.__cityMaps['asset-map'].getCenter(); "
                           "return [c.lat, c.lng]; })()")
    assert centre == pytest.approx(list(ASSET_AT), abs=0.001)  # the map flew to it
    assert page.evaluate("window.__cityMaps['asset-map'].getZoom()") >= 15


def test_a_name_lists_the_matches_to_choose_from(live_url, searcher, map_data):
    page = searcher
    base = live_url.format(host="kantang.localhost")
    sign_in(page, base, "engineer")
    page.goto(base + "/infrastructure/map/")

    page.fill("#map-search-q", "ทดสอบการแตะ")  # part of the name, no Enter: the list follows typing
    choice = page.locator("[data-map-search-results] button", has_text="MAP-TAP-SL")
    choice.wait_for(timeout=15000)
    from infrastructure.models import AssetType

    with translation.override("th"):
        assert str(AssetType.STREETLIGHT.label) in choice.inner_text()
    if page.touch:
        choice.tap()
    else:
        choice.click()

    assert map_data["asset_name"] in popup_of(page)
    assert page.locator("[data-map-search-results] li").count() == 0

    page.fill("#map-search-q", "ไม่มีทรัพย์สินชื่อนี้แน่นอน")
    page.wait_for_function(
        "() => document.querySelector('[data-map-search-status]').textContent.includes('ไม่พบ')")
