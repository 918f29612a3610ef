"""Onboarding in a real browser (issue 17): the platform team creates a municipality on the console
with the gazetteer pickers and the map, hands the password link over, and the new administrator
opens it on a phone, sets a password and signs in. Any script error fails the test."""

import re

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from playwright.sync_api import expect

from ..helpers import DEMO_PASSWORD

pytestmark = pytest.mark.browser

PASSWORD = "ตั้งเองครั้งแรก-2569"
# (code, Thai name, English name, lat, lon), in Trang: a subdistrict no pilot covers.
SUBDISTRICTS = (("920503", "กะลาเส", "Kalase", 7.5102, 99.3104),
                ("920504", "ไม้ฝาด", "Mai Fat", 7.4503, 99.3501))


@pytest.fixture
def trang_gazetteer(live_url, django_db_blocker, monkeypatch):
    """A little of the gazetteer, committed so the web server sees it; removed afterwards with the
    municipality the test creates."""
    from tenants.models import ConsoleAuditEntry, District, Municipality, Province, Subdistrict

    # Playwright's sync API runs an event loop in this thread (as in test_value_mapping.py).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with django_db_blocker.unblock():
        province, new_province = Province.objects.get_or_create(code="92", defaults={"name_th": "ตรัง"})
        district, new_district = District.objects.get_or_create(
            code="9205", defaults={"province": province, "name_th": "สิเกา", "name_en": "Sikao"})
        made = [Subdistrict.objects.get_or_create(
            code=code, defaults={"district": district, "name_th": th, "name_en": en,
                                 "centre": Point(lon, lat, srid=4326)})
                for code, th, en, lat, lon in SUBDISTRICTS]
    yield
    with django_db_blocker.unblock():
        for municipality in Municipality.objects.filter(subdistrict_code__in=[s[0] for s in SUBDISTRICTS]):
            ConsoleAuditEntry.objects.filter(municipality=municipality).delete()
            municipality.delete(force_drop=True)
        for subdistrict, created in made:
            if created:
                subdistrict.delete()
        if new_district:
            district.delete()
        if new_province:
            province.delete()
        connection.close()  # hand the connection back before the test database is dropped


def _watch(page, problems):
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda message: message.type == "error" and problems.append(
        f"{message.text} {message.location.get('url', '')}"))


def _script_errors(problems):
    # Base-map tiles cannot load on a closed network; everything else must run cleanly.
    return [p for p in problems if "tile" not in p and "ERR_NAME_NOT_RESOLVED" not in p
            and "favicon.ico" not in p]


def test_the_platform_team_onboards_a_municipality_whose_admin_then_signs_in(live_url, page, browser,
                                                                            trang_gazetteer):
    console = live_url.format(host="localhost")
    problems: list[str] = []
    _watch(page, problems)
    page.goto(console + "/accounts/login/")
    page.fill("#id_username", "platform")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(console + "/")

    page.goto(console + "/municipalities/new/")
    page.wait_for_selector("#centre-map[data-ready='1'].leaflet-container")
    page.select_option("#id_province_code", "92")
    page.wait_for_selector("#id_district_code option[value='9205']", state="attached")
    page.select_option("#id_district_code", "9205")
    page.wait_for_selector("#id_subdistrict_code option[value='920503']", state="attached")
    page.select_option("#id_subdistrict_code", "920503")
    # The centre starts at the subdistrict's, with a pin on the map.
    expect(page.locator("#id_lat")).not_to_have_value("", timeout=15_000)
    assert float(page.input_value("#id_lat")) == pytest.approx(7.5102, abs=1e-4)
    assert float(page.input_value("#id_lon")) == pytest.approx(99.3104, abs=1e-4)
    page.wait_for_selector("#centre-map .leaflet-marker-icon")
    # The platform team moves it to the office with a tap.
    page.locator("#centre-map").click(position={"x": 260, "y": 220})
    moved = (float(page.input_value("#id_lat")), float(page.input_value("#id_lon")))
    assert moved != pytest.approx((7.5102, 99.3104), abs=1e-5)
    assert 7.3 < moved[0] < 7.7 and 99.1 < moved[1] < 99.5

    page.fill("#id_name_th", "องค์การบริหารส่วนตำบลกะลาเส")
    page.fill("#id_name_en", "Kalase Subdistrict Administrative Organization")
    expect(page.locator("[data-names-preview]")).to_contain_text("kalase.localhost", timeout=15_000)
    page.fill("#id_admin_first_name", "สมใจ")
    page.fill("#id_admin_last_name", "รักถิ่น")
    page.fill("#id_admin_email", "somjai@example.invalid")
    page.fill("#id_admin_username", "somjai")
    page.click("form[data-console-municipality-form] button[type=submit]")
    page.wait_for_selector("[data-admin-link]", timeout=90_000)

    facts = page.locator(".facts").inner_text()
    assert "92 / 9205 / 920503" in facts
    link = page.input_value("#admin-link-url")
    assert re.match(r"^http://kalase\.localhost:\d+/accounts/welcome/[^/]+/[^/]+/$", link)
    assert _script_errors(problems) == []

    # The new administrator, on a phone, with nothing but the link.
    phone_context = browser.new_context(locale="th-TH", viewport={"width": 390, "height": 844},
                                        has_touch=True)
    phone = phone_context.new_page()
    phone_problems: list[str] = []
    _watch(phone, phone_problems)
    try:
        phone.goto(link)
        phone.wait_for_selector("#id_new_password1")
        assert "somjai" in phone.locator("main").inner_text()
        phone.fill("#id_new_password1", PASSWORD)
        phone.fill("#id_new_password2", PASSWORD)
        phone.click("button[type=submit].primary")
        site = live_url.format(host="kalase.localhost")
        phone.wait_for_url(site + "/accounts/login/")
        phone.fill("#id_username", "somjai")
        phone.fill("#id_password", PASSWORD)
        phone.click("button[type=submit].primary")
        phone.wait_for_url(site + "/")
        assert "องค์การบริหารส่วนตำบลกะลาเส" in phone.content()

        # The link does not work a second time.
        phone.goto(link)
        assert "ลิงก์นี้ใช้ไม่ได้แล้ว" in phone.locator("main").inner_text()
        assert _script_errors(phone_problems) == []
    finally:
        phone_context.close()
