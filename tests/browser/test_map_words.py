"""The map libraries speak the reader's language (cityplatform/map_words.py, js/map-words.js): on the
asset form, Leaflet's zoom buttons, its attribution link and Leaflet.draw's toolbar, tooltips and
actions read in Thai, and in English once the person switches — with no JavaScript error."""

import pytest
from django.urls import reverse

from ..helpers import DEMO_PASSWORD

pytestmark = pytest.mark.browser

THAI = {
    "zoom_in": "ขยาย", "zoom_out": "ย่อ", "polyline": "วาดเส้น", "marker": "ปักหมุด",
    "attribution": "ไลบรารีจาวาสคริปต์สำหรับแผนที่แบบโต้ตอบ",
    "start_line": "คลิกเพื่อเริ่มวาดเส้น", "actions": ["เสร็จ", "ลบจุดสุดท้าย", "ยกเลิก"],
    "undo_title": "ลบจุดสุดท้ายที่วาด",
}
ENGLISH = {
    "zoom_in": "Zoom in", "zoom_out": "Zoom out", "polyline": "Draw a polyline", "marker": "Draw a marker",
    "attribution": "A JavaScript library for interactive maps",
    "start_line": "Click to start drawing line.", "actions": ["Finish", "Delete last point", "Cancel"],
    "undo_title": "Delete last point drawn",
}


def _read_the_map_tools(page) -> dict:
    zoom_in, zoom_out = page.locator(".leaflet-control-zoom-in"), page.locator(".leaflet-control-zoom-out")
    words = {
        "zoom_in": zoom_in.get_attribute("title"), "zoom_in_label": zoom_in.get_attribute("aria-label"),
        "zoom_out": zoom_out.get_attribute("title"),
        "polyline": page.get_attribute(".leaflet-draw-draw-polyline", "title"),
        "marker": page.get_attribute(".leaflet-draw-draw-marker", "title"),
        "attribution": page.get_attribute('.leaflet-control-attribution a[href*="leafletjs"]', "title"),
    }
    # Start a line, as a person does, and read what the tool says and offers.
    page.click(".leaflet-draw-draw-polyline")
    words["start_line"] = page.locator(".leaflet-draw-tooltip").inner_text().strip()
    actions = page.locator(".leaflet-draw-actions:visible a")
    words["actions"] = [text.strip() for text in actions.all_inner_texts()]
    words["undo_title"] = page.locator(".leaflet-draw-actions:visible a", has_text=words["actions"][1]) \
        .get_attribute("title")
    return words


def test_the_drawing_tools_read_in_thai_and_in_english(live_url, page):
    base = live_url.format(host="kantang.localhost")
    form_url = base + reverse("infrastructure:asset-create", urlconf="cityplatform.urls_tenant")
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(f"{m.text} {m.location.get('url')}"))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", "engineer")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(base + "/")

    page.goto(form_url)
    page.select_option("#id_asset_type", "road")
    page.wait_for_selector(".leaflet-draw-draw-polyline")
    thai = _read_the_map_tools(page)
    assert thai["zoom_in_label"] == THAI["zoom_in"]  # what a screen reader says, too
    assert {key: thai[key] for key in THAI} == THAI

    # On a phone the language switch is in the menu.
    page.click("[data-nav-toggle]")
    with page.expect_navigation():
        page.click('.language-switch button[value="en"]')
    page.goto(form_url)
    page.select_option("#id_asset_type", "road")
    page.wait_for_selector(".leaflet-draw-draw-polyline")
    english = _read_the_map_tools(page)
    assert english["zoom_in_label"] == ENGLISH["zoom_in"]
    assert {key: english[key] for key in ENGLISH} == ENGLISH

    # Base-map tiles cannot load on a closed network, and there is no favicon: nothing else fails.
    assert [p for p in problems if "ERR_NAME_NOT_RESOLVED" not in p and "favicon.ico" not in p] == []
