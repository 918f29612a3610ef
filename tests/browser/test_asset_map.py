"""The asset map in a real browser: vector tiles load and draw under the content security policy."""

import pytest

from ..helpers import DEMO_PASSWORD

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
    page.select_option("#map-condition", "poor")
    page.wait_for_function("window.location.search.includes('condition=poor')")
    page.wait_for_timeout(500)
    assert len(tiles) > before


def test_the_open_requests_map_loads_for_an_executive(live_url, page):
    base = live_url.format(host="kantang.localhost")
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    sign_in(page, base, "executive")

    page.goto(base + "/infrastructure/requests/map/")
    page.wait_for_selector("#request-map canvas.leaflet-tile-loaded", timeout=15000)

    assert problems == []
