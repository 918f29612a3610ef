"""Every map answers a click on a desktop and a tap on a 390 px touch phone with a popup that says,
in Thai words, what the feature is, with a link to its page: the asset map, the map of open
requests, the health map, the dashboard's hotspot map and the national map. Each page must run
without a script error (the fixed Leaflet.VectorGrid used to throw on every click).

Base-map tiles are refused in every test (the closed network refuses them anyway): the maps must
work on their own data."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from ..helpers import DEMO_PASSWORD
from .map_helpers import (
    ASSET_AT,
    HOUSEHOLD_AT,
    REQUEST_AT,
    block_base_tiles,
    map_data_fixture,
    open_feature,
    popup_text,
    script_errors,
    watch_maps,
)

pytestmark = pytest.mark.browser

map_data = map_data_fixture()

DEVICES = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True},
}


@pytest.fixture(params=list(DEVICES))
def device(request, browser):
    """A page on a desktop (mouse clicks) or a 390 px phone (touch taps), with the map hook."""
    context = browser.new_context(locale="th-TH", **DEVICES[request.param])
    page = context.new_page()
    page.touch = request.param == "phone"
    watch_maps(page)
    block_base_tiles(page)
    problems = script_errors(page)
    yield page
    context.close()
    assert problems == []


def sign_in(page, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(base + "/")


def tenant_url(name: str, *args) -> str:
    return reverse(name, args=args, urlconf="cityplatform.urls_tenant")


def thai(label) -> str:
    with translation.override("th"):
        return str(label)


def test_an_asset_answers_a_click_or_a_tap(live_url, device, map_data):
    from infrastructure.models import AssetType

    base = live_url.format(host="kantang.localhost")
    sign_in(device, base, "engineer")
    device.goto(base + "/infrastructure/map/")

    open_feature(device, "asset-map", *ASSET_AT, zoom=18)

    text = popup_text(device)
    assert thai(AssetType.STREETLIGHT.label) in text and map_data["asset_name"] in text
    assert "streetlight" not in text  # words, not stored codes
    link = device.locator(".leaflet-popup-content a.map-popup-link").first
    assert link.get_attribute("href") == tenant_url("infrastructure:asset-detail", map_data["asset"])


def test_a_request_answers_a_click_or_a_tap(live_url, device, map_data):
    from infrastructure.models import RequestCategory

    base = live_url.format(host="kantang.localhost")
    sign_in(device, base, "engineer")
    device.goto(base + "/infrastructure/requests/map/")

    open_feature(device, "request-map", *REQUEST_AT, zoom=18)

    text = popup_text(device)
    assert "คำร้อง" in text and map_data["tracking_code"] in text
    assert RequestCategory.thai_labels()["lighting"] in text and "lighting" not in text
    link = device.locator(".leaflet-popup-content a.map-popup-link").first
    assert link.get_attribute("href") == tenant_url("infrastructure:request-detail", map_data["request"])


def test_a_household_answers_a_click_or_a_tap(live_url, device, map_data):
    base = live_url.format(host="kantang.localhost")
    sign_in(device, base, "nurse")
    device.goto(base + "/health/map/")

    open_feature(device, "health-map", *HOUSEHOLD_AT, zoom=19)

    text = popup_text(device)
    assert "ครัวเรือน" in text and map_data["house_no"] in text
    link = device.locator(".leaflet-popup-content a.map-popup-link").first
    assert link.get_attribute("href") == tenant_url("smarthealth:household-detail", map_data["household"])


def test_a_hotspot_square_answers_a_click_or_a_tap(live_url, device, map_data):
    base = live_url.format(host="kantang.localhost")
    sign_in(device, base, "engineer")
    device.goto(base + "/dashboard/")
    square = device.locator("#hotspot-map path.leaflet-interactive").first
    square.wait_for(timeout=15000)

    if device.touch:
        square.tap()
    else:
        square.click()

    text = popup_text(device)
    assert "คำร้องในช่องนี้" in text and re.search(r"\d", text)
    href = device.locator(".leaflet-popup-content a.map-popup-link").get_attribute("href")
    assert re.fullmatch(re.escape(tenant_url("infrastructure:request-map")) + r"#17/[\d.]+/[\d.]+", href)
    # The link opens the request map on that square.
    device.goto(base + href)
    device.wait_for_function("() => window.__cityMaps && window.__cityMaps['request-map']")
    assert device.evaluate("window.__cityMaps['request-map'].getZoom()") == 17


def test_a_municipality_on_the_national_map_answers_a_click_or_a_tap(live_url, device):
    base = live_url.format(host="localhost")
    device.goto(base + "/accounts/login/")
    device.fill("#id_username", "platform")
    device.fill("#id_password", DEMO_PASSWORD)
    device.click("button[type=submit].primary")
    device.wait_for_url(base + "/")
    device.goto(base + "/national/map/?indicator=bedridden")
    circle = device.locator("#national-map path.leaflet-interactive").first
    circle.wait_for(timeout=15000)

    if device.touch:
        circle.tap()
    else:
        circle.click()

    text = popup_text(device)
    name = device.locator(".leaflet-popup-content h3").inner_text()
    assert name in ("เทศบาลเมืองกันตัง", "เทศบาลตำบลเหนือคลอง") and "ข้อมูล ณ วันที่" in text
    schema = "kantang" if name == "เทศบาลเมืองกันตัง" else "nueaklong"
    href = device.locator(".leaflet-popup-content a.map-popup-link").get_attribute("href")
    assert href == f"/municipalities/{schema}/"
