"""The API docs page in real Chromium (issue 20): Swagger UI draws the operations with their Thai
summaries and tags for a Thai reader, English ones once the reader chose English; its own buttons
and headings (Authorize, Try it out, Execute, Parameters, Responses…) read in the reader's language
too; the Thai introduction stands above it; and no script error on the way (the page's CSP
included)."""

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
        opened = page.locator(".opblock.is-open").first
        read["opened"] = opened.inner_text()
        read["authorize"] = page.locator(".auth-wrapper .btn.authorize").inner_text().strip()
        read["sections"] = [t.strip() for t in opened.locator(".opblock-section-header h4").all_inner_texts()]
        read["try"] = opened.locator(".try-out__btn").inner_text().strip()
        opened.locator(".try-out__btn").click()
        execute = opened.locator(".btn.execute")
        read["execute"] = execute.inner_text().strip()
        read["cancel"] = opened.locator(".try-out__btn").inner_text().strip()
        execute.click()  # no token: the API answers 401, which Swagger UI shows under its headings
        opened.locator(".live-responses-table").wait_for(timeout=10000)
        read["answered"] = opened.locator(".responses-wrapper").inner_text()
        page.locator(".auth-wrapper .btn.authorize").click()
        dialog = page.locator(".dialog-ux .modal-ux")
        dialog.wait_for(timeout=10000)
        read["dialog"] = dialog.inner_text()
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


def test_swagger_uis_own_buttons_and_headings_read_in_the_readers_language(live_url, browser):
    thai, thai_problems = _read_docs(browser, live_url, "th")
    english, english_problems = _read_docs(browser, live_url, "en")

    assert not thai_problems and not english_problems, thai_problems + english_problems
    assert (thai["authorize"], thai["try"], thai["execute"], thai["cancel"]) == (
        "ยืนยันตัวตน", "ลองใช้", "ส่งคำขอ", "ยกเลิก")
    assert "พารามิเตอร์" in thai["sections"] and "คำตอบที่อาจได้รับ" in thai["opened"]
    assert "ยังไม่ได้ยืนยันตัวตน" in thai["opened"]  # a documented answer's description (401)
    for heading in ("คำตอบจากเซิร์ฟเวอร์", "รหัสสถานะ", "รายละเอียด", "ที่อยู่ของคำขอ"):
        assert heading in thai["answered"], (heading, thai["answered"])
    assert "วิธียืนยันตัวตนที่ใช้ได้" in thai["dialog"] and "ปิด" in thai["dialog"]
    for word in ("Try it out", "Execute", "Parameters", "Responses", "Server response",
                 "Available authorizations"):
        assert word not in thai["opened"] + thai["answered"] + thai["dialog"], word
    # The answer itself (the API's documented bilingual error body) is left as the API wrote it.
    assert "unauthorized" in thai["answered"].lower() or "401" in thai["answered"]
    assert (english["authorize"], english["try"], english["execute"], english["cancel"]) == (
        "Authorize", "Try it out", "Execute", "Cancel")
    assert "Parameters" in english["sections"] and "Server response" in english["answered"]
    assert "Available authorizations" in english["dialog"]
