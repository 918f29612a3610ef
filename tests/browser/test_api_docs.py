"""The API docs page in real Chromium (issue 20): Swagger UI draws the operations with their Thai
summaries and tags for a Thai reader, English ones once the reader chose English; the Thai
introduction stands above it; and no script error on the way (the page's CSP included)."""

import pytest

from .map_helpers import script_errors

pytestmark = pytest.mark.browser


def _read_docs(browser, live_url, language: str) -> tuple[dict, list[str]]:
    context = browser.new_context(locale="th-TH", viewport={"width": 1280, "height": 900})
    base = live_url.format(host="kantang.localhost")
    context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page = context.new_page()
    problems = script_errors(page)
    try:
        page.goto(base + "/api/v1/docs")
        # Swagger UI has drawn the document it was handed: its operations, under their tags.
        page.locator(".opblock-summary-description").first.wait_for(timeout=20000)
        read = {
            "intro": page.locator("#api-intro h2").all_inner_texts(),
            "summaries": page.locator(".opblock-summary-description").all_inner_texts(),
            "tags": [text.strip() for text in page.locator(".opblock-tag").all_inner_texts()],
            "title": page.locator(".information-container .title").inner_text(),
        }
        # A person opens one operation, as they would to read it.
        page.locator(".opblock-summary").first.click()
        page.locator(".opblock-description-wrapper, .opblock-section").first.wait_for(timeout=10000)
        read["opened"] = page.locator(".opblock.is-open").first.inner_text()
    finally:
        context.close()
    return read, problems


def test_the_api_docs_read_in_thai_and_in_english_without_script_errors(live_url, browser):
    thai, thai_problems = _read_docs(browser, live_url, "th")
    english, english_problems = _read_docs(browser, live_url, "en")

    assert not thai_problems and not english_problems, thai_problems + english_problems
    assert "ทรัพย์สินในรูปแบบ GeoJSON" in thai["summaries"] and "ยื่นคำร้อง" in thai["summaries"]
    assert any(tag.startswith("ทรัพย์สิน") for tag in thai["tags"]), thai["tags"]
    assert thai["title"].startswith("API ของแพลตฟอร์มข้อมูลเมือง")
    assert "การยืนยันตัวตนของคำขอ" in thai["intro"]
    assert "เรียงตามรหัส" in thai["opened"]
    assert "Assets as GeoJSON" in english["summaries"] and "File a service request" in english["summaries"]
    assert any(tag.startswith("assets") for tag in english["tags"]), english["tags"]
    assert "Signing requests" in english["intro"] and "ordered by code" in english["opened"]
