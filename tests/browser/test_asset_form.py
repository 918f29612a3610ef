"""The asset form in a real browser: the drawing widget runs under the Content-Security-Policy
and a point drawn on the map is saved."""

import json
import threading

import pytest
from django.urls import reverse

from ..helpers import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def url(name, *args):
    return reverse(f"infrastructure:{name}", args=args, urlconf="cityplatform.urls_tenant")


def test_the_drawing_widget_runs_under_the_csp_and_saves_a_point(live_url, page, django_db_blocker):
    from django_tenants.utils import schema_context

    from infrastructure.models import Asset

    base = live_url.format(host="kantang.localhost")
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(f"{m.text} {m.location.get('url')}"))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", "engineer")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(base + "/")
    try:
        page.goto(base + url("asset-create"))
        # The draw toolbar only exists if django-leaflet's inline scripts ran (they need the nonce).
        page.wait_for_selector(".leaflet-draw-draw-marker")
        page.select_option("#id_asset_type", "hydrant")
        assert page.locator('[data-attributes-for="hydrant"]').is_visible()
        assert not page.locator('[data-attributes-for="road"]').is_visible()
        page.click(".leaflet-draw-draw-marker")
        page.locator("#id_geometry-map").click(position={"x": 150, "y": 150})
        drawn = json.loads(page.input_value("#id_geometry"))
        assert drawn["type"] == "Point"
        lon, lat = drawn["coordinates"]
        assert abs(lat - 7.41) < 0.05 and abs(lon - 99.519) < 0.05  # the map opened on Kantang
        page.fill("#id_code", "PG-BROWSER-1")
        page.fill("#id_name", "หัวดับเพลิงทดสอบเบราว์เซอร์")
        page.fill("#id_attr__hydrant__pressure_bar", "3.5")
        page.click("form[data-asset-form] button[type=submit].primary")
        page.wait_for_url("**/infrastructure/assets/*/")
        page.wait_for_selector("#asset-detail-map .leaflet-interactive")  # drawn by asset-detail.js
        assert "PG-BROWSER-1" in page.locator("h1").inner_text()
        # Base-map tiles cannot load on a closed network, and there is no favicon: nothing else fails.
        real = [p for p in problems if "ERR_NAME_NOT_RESOLVED" not in p and "favicon.ico" not in p]
        assert real == []
    finally:
        def clean_up():  # in a thread: Playwright's event loop makes this one "async" to Django
            from django.db import connection

            with django_db_blocker.unblock(), schema_context("kantang"):
                Asset.objects.filter(code="PG-BROWSER-1").delete()
                connection.close()  # this thread's own connection: let the test database go

        worker = threading.Thread(target=clean_up)
        worker.start()
        worker.join()
