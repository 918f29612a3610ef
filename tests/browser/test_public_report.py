"""A citizen reports a problem on kantang.localhost from a phone, with no account, and follows it
with the tracking code."""

import re

import pytest

pytestmark = pytest.mark.browser

# The phone's (fake) position: a street in Kantang.
PHONE_POSITION = {"latitude": 7.4081, "longitude": 99.5172}


def _ignore_offline_tiles(problems):
    # Base-map tiles cannot load on a closed network, and the site has no favicon yet;
    # everything else must run cleanly.
    return [p for p in problems if "ERR_NAME_NOT_RESOLVED" not in p and "tile" not in p
            and "favicon.ico" not in p]


@pytest.fixture
def phone(browser):
    """A phone-sized page whose owner allowed the site to read the (fake) location."""
    context = browser.new_context(
        locale="th-TH", viewport={"width": 390, "height": 844}, has_touch=True,
        geolocation=PHONE_POSITION, permissions=["geolocation"],
    )
    page = context.new_page()
    yield page
    context.close()


def test_a_citizen_reports_a_problem_and_checks_its_status(live_url, page):
    base = live_url.format(host="kantang.localhost")
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(
        f"{message.text} {message.location.get('url', '')}"))
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(base + "/report/")
    assert page.locator(".name-th").inner_text() == "เทศบาลเมืองกันตัง"
    page.locator(".category-tile[data-category=lighting]").click()
    assert page.locator("input[value=lighting]").is_checked()
    page.fill("#id_description", "ไฟถนนดับหน้าโรงเรียน")
    page.wait_for_selector("#report-map.leaflet-container")
    assert page.input_value("#id_lat") == ""
    page.locator("#report-map").click(position={"x": 150, "y": 120})
    page.wait_for_selector("#report-map .leaflet-marker-icon")
    lat, lon = float(page.input_value("#id_lat")), float(page.input_value("#id_lon"))
    assert 7.3 < lat < 7.5 and 99.4 < lon < 99.6  # the map opened on Kantang
    page.click("button.report-submit")

    page.wait_for_url(re.compile(r"/report/done/[A-Z0-9]{4}-[A-Z0-9]{4}/$"))
    code = page.locator("[data-tracking-code]").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code)

    page.goto(base + "/report/status/")
    page.fill("#id_code", code.lower().replace("-", ""))  # as people type it
    page.click("button[type=submit].primary")
    page.wait_for_url(base + f"/report/status/{code}/")
    assert page.locator(".status-badge").inner_text() == "รับเรื่องแล้ว"
    assert page.locator(".facts dd").first.inner_text() == "แสงสว่าง"
    assert _ignore_offline_tiles(problems) == []


def test_use_my_location_moves_the_pin_to_the_phone(live_url, phone):
    base = live_url.format(host="kantang.localhost")

    phone.goto(base + "/report/")
    phone.wait_for_selector("#report-map.leaflet-container")
    phone.click("[data-report-locate]")
    phone.wait_for_selector("#report-map .leaflet-marker-icon")

    assert float(phone.input_value("#id_lat")) == pytest.approx(PHONE_POSITION["latitude"], abs=1e-6)
    assert float(phone.input_value("#id_lon")) == pytest.approx(PHONE_POSITION["longitude"], abs=1e-6)
    assert phone.locator("[data-report-map-status]").inner_text() != ""


def test_a_missing_pin_is_explained_and_the_text_is_kept(live_url, page):
    base = live_url.format(host="kantang.localhost")

    page.goto(base + "/report/")
    page.locator(".category-tile[data-category=drain]").click()
    page.fill("#id_description", "ท่อระบายน้ำอุดตัน")
    page.click("button.report-submit")

    page.wait_for_selector(".form-errors")
    assert page.url == base + "/report/"
    assert page.input_value("#id_description") == "ท่อระบายน้ำอุดตัน"
    assert page.locator("input[value=drain]").is_checked()
    assert page.locator(".report-step.has-error .error").count() == 1
