"""The national map in a real browser: Leaflet (django-leaflet's, no CDN) draws one circle per
municipality under the content security policy, with no script error."""

import pytest

from ..helpers import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def test_the_map_draws_each_municipality_without_errors(live_url, page):
    base = live_url.format(host="localhost")
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", "platform")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(base + "/")

    page.goto(base + "/national/map/?indicator=bedridden")
    page.wait_for_selector("#national-map path.leaflet-interactive", timeout=15000)

    assert page.locator("#national-map path.leaflet-interactive").count() == 2
    # Base-map tiles cannot load on a closed network; everything else must run cleanly.
    assert [p for p in problems if "Failed to load resource" not in p and "tile" not in p] == []
