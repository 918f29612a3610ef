"""A drain that the register gave only as a point, in a real browser: its page says the line is
not drawn yet, the map page runs cleanly, and drawing the line with the form's tools replaces
the point."""

import json
import threading

import pytest
from django.urls import reverse

from ..helpers import DEMO_PASSWORD

pytestmark = pytest.mark.browser

CODE = "TD-BROWSER-1"


def url(name, *args):
    return reverse(f"infrastructure:{name}", args=args, urlconf="cityplatform.urls_tenant")


def in_thread(work):
    """Run `work` on a thread of its own: Playwright's event loop makes this one "async" to Django."""
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
    return result.get("value")


def test_a_waiting_drain_is_shown_and_its_line_drawn_on_the_form(live_url, page, django_db_blocker):
    from django.contrib.gis.geos import Point
    from django_tenants.utils import schema_context

    from infrastructure.models import Asset
    from infrastructure.services import asset_create

    def create():
        with django_db_blocker.unblock(), schema_context("kantang"):
            Asset.objects.filter(code=CODE).delete()
            return asset_create(user=None, data={
                "code": CODE, "asset_type": "drain", "name": "ท่อระบายน้ำทดสอบเบราว์เซอร์",
                "geometry": Point(99.519, 7.41, srid=4326), "line_pending": True,
            }).pk

    def stored():
        with django_db_blocker.unblock(), schema_context("kantang"):
            asset = Asset.objects.get(code=CODE)
            return asset.geometry.geom_type, asset.line_pending

    pk = in_thread(create)
    base = live_url.format(host="kantang.localhost")
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(f"{m.text} {m.location.get('url')}"))
    page.on("pageerror", lambda error: problems.append(str(error)))
    failed = []
    page.on("response", lambda response: response.status >= 400 and failed.append(response.url))
    try:
        page.goto(base + "/accounts/login/")
        page.fill("#id_username", "engineer")
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("button[type=submit].primary")
        page.wait_for_url(base + "/")

        page.goto(base + url("asset-detail", pk))
        assert "ยังไม่ได้วาดเส้น" in page.locator("[data-line-pending]").inner_text()
        # The small map draws the point as a dashed ring.
        ring = page.wait_for_selector("#asset-detail-map path.leaflet-interactive")
        assert ring.get_attribute("stroke-dasharray") == "4 3"

        page.goto(base + url("asset-map") + "?type=drain")
        page.wait_for_selector("#asset-map canvas.leaflet-tile-loaded", timeout=15000)
        listed = page.goto(base + url("asset-to-draw"))
        assert listed.status == 200 and CODE in page.content()

        # Draw the line with the form's tools: two points, then "Finish" in the tool's actions.
        page.goto(base + url("asset-detail", pk))
        page.click("[data-line-pending] a.button.primary")
        page.wait_for_selector(".leaflet-draw-draw-polyline")
        page.click(".leaflet-draw-draw-polyline")
        box = page.locator("#id_geometry-map").bounding_box()
        first = (box["x"] + 80, box["y"] + 120)
        last = (box["x"] + 260, box["y"] + 160)
        for x, y in (first, last):
            page.mouse.click(x, y)
            page.wait_for_timeout(400)  # two quick clicks would be a double click (zoom)
        page.locator(".leaflet-draw-actions a").first.click()
        drawn = json.loads(page.input_value("#id_geometry"))
        assert drawn["type"] == "LineString" and len(drawn["coordinates"]) == 2
        page.click("form[data-asset-form] button[type=submit].primary")
        page.wait_for_url(f"**{url('asset-detail', pk)}")
        assert page.locator("[data-line-pending]").count() == 0
        assert in_thread(stored) == ("LineString", False)

        # Every page, script and tile answered (there is no favicon); base-map tiles cannot load on a
        # closed network; nothing else may fail.
        assert [u for u in failed if "favicon" not in u] == []
        real = [p for p in problems
                if "ERR_NAME_NOT_RESOLVED" not in p and "Failed to load resource" not in p]
        assert real == []
    finally:
        def clean_up():
            with django_db_blocker.unblock(), schema_context("kantang"):
                Asset.objects.filter(code=CODE).delete()

        in_thread(clean_up)
