"""A citizen whose phone has no GPS and whose map stays grey (every base-map tile refused) reports
a problem by typing where it is and picking the road from the municipality's list; the report
arrives with that place and no pin. The engineer then reads the place on the request on his
phone and sets the pin on its map. Touch, 390 px, any JavaScript error fails the test."""

import re

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from .map_helpers import block_base_tiles, phone_page, watch_maps
from .test_map_popups import sign_in

pytestmark = pytest.mark.browser

DESCRIPTION = "ท่อระบายน้ำอุดตัน น้ำขังทั้งซอย ทดสอบไม่มีหมุด"
TYPED = "ซอยข้างร้านขายยา ตรงข้ามป้ายรถเมล์"


@pytest.fixture
def grey_phone(browser):
    """A touch phone without GPS (no navigator.geolocation at all) whose base tiles all fail."""
    pages = []

    def make():
        page = phone_page(browser)
        page.add_init_script("delete Navigator.prototype.geolocation;")
        watch_maps(page)
        page.refused = block_base_tiles(page)
        pages.append(page)
        return page

    yield make
    for page in pages:
        page.context.close()


@pytest.fixture
def reports_removed(live_url, django_db_blocker, monkeypatch):
    """Removes the requests this test files through the live server."""
    from infrastructure.models import ServiceRequest

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # ORM calls between browser steps
    yield
    with django_db_blocker.unblock():
        with schema_context("kantang"):
            ServiceRequest.objects.filter(description=DESCRIPTION).delete()
        connection.close()


def test_a_report_typed_without_gps_or_map_arrives_and_staff_pin_it(
        live_url, grey_phone, reports_removed, django_db_blocker):
    from infrastructure.models import ServiceRequest

    base = live_url.format(host="kantang.localhost")
    citizen = grey_phone()

    citizen.goto(base + "/report/")
    advice = citizen.locator("[data-report-no-base]")
    advice.wait_for(state="visible", timeout=15000)
    assert "แผนที่พื้นฐานโหลดไม่ได้" in advice.inner_text() and citizen.refused
    # No GPS on this phone: no button that cannot work.
    assert citizen.locator("[data-report-locate]").is_hidden()
    assert advice.locator("[data-report-use-gps]").is_hidden()

    citizen.locator(".category-tile[data-category=drain]").tap()
    citizen.locator("#id_description").tap()
    citizen.keyboard.type(DESCRIPTION)
    advice.locator("[data-report-type-address]").tap()
    assert citizen.evaluate("document.activeElement.name") == "address_text"
    citizen.keyboard.type(TYPED)
    road = citizen.locator("#id_road option").nth(1).get_attribute("value")
    assert road  # kantang's register names its roads
    citizen.select_option("#id_road", road)
    citizen.locator("button.report-submit").tap()

    citizen.wait_for_url(re.compile(r"/report/done/[A-Z0-9]{4}-[A-Z0-9]{4}/$"))
    code = citizen.locator("[data-tracking-code]").inner_text().strip()
    with django_db_blocker.unblock(), schema_context("kantang"):
        arrived = ServiceRequest.objects.get(tracking_code=code)
    assert arrived.description == DESCRIPTION and arrived.channel == "public_web"
    assert arrived.location is None and arrived.address_text == f"{TYPED} · {road}"
    assert citizen.problems == []

    # The engineer, on his phone (the base map just as grey): the place in words, then the pin.
    engineer = grey_phone()
    sign_in(engineer, base, "engineer")
    engineer.goto(base + f"/infrastructure/requests/{arrived.pk}/")
    notice = engineer.locator("[data-no-pin-notice]")
    assert TYPED in notice.inner_text() and road in notice.inner_text()
    assert engineer.locator("[data-open-in-maps]").count() == 0  # nowhere to navigate to yet
    engineer.locator('[data-action-bar] [data-bar="pin"]').tap()
    engineer.wait_for_function("() => window.__cityMaps && window.__cityMaps['request-detail-map']")
    engineer.locator("#request-detail-map").tap(position={"x": 180, "y": 120})
    engineer.wait_for_selector("#request-detail-map .leaflet-marker-icon")
    lat, lon = float(engineer.input_value("#id_latitude")), float(engineer.input_value("#id_longitude"))
    engineer.locator("[data-location-form] button[type=submit]").tap()

    engineer.wait_for_url(base + f"/infrastructure/requests/{arrived.pk}/")
    assert "บันทึกหมุดแล้ว" in engineer.locator(".messages").inner_text()
    assert engineer.locator("[data-no-pin-notice]").count() == 0
    assert engineer.locator("[data-open-in-maps]").count() == 1
    with django_db_blocker.unblock(), schema_context("kantang"):
        pinned = ServiceRequest.objects.get(pk=arrived.pk)
        located = pinned.events.select_related("actor").get(kind="located")
    assert (pinned.location.y, pinned.location.x) == pytest.approx((lat, lon), abs=1e-6)
    assert 7.3 < lat < 7.5 and 99.4 < lon < 99.6  # the map opened on Kantang
    assert located.actor.username == "engineer" and located.from_value == ""
    assert engineer.problems == []
