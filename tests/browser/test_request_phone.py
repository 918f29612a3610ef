"""An engineer works a service request on a phone (390 px, touch) in a real Chromium (issue 16):
finds it in the unassigned queue, opens it, and with the action bar at the bottom of the screen
takes it, moves it to its next status, adds a comment and a photo from the site; the page and the
database say so.
Any JavaScript error fails the test."""

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from ..helpers import DEMO_PASSWORD

pytestmark = pytest.mark.browser

DESCRIPTION = "ฝาท่อระบายน้ำหายหน้าตลาด ทดสอบบนโทรศัพท์"
COMMENT = "ถึงหน้างานแล้ว วางกรวยกั้นไว้"


@pytest.fixture
def unassigned_request(live_url, django_db_blocker, monkeypatch):
    """A request nobody has yet near kantang's centre, committed for the live server, then removed."""
    from django.contrib.gis.geos import Point

    from infrastructure.models import ServiceRequest
    from infrastructure.services import service_request_create

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # ORM calls between Playwright steps
    with django_db_blocker.unblock(), schema_context("kantang"):
        obj = service_request_create(
            data={"category": "drain", "description": DESCRIPTION, "address_text": "หน้าตลาดกันตัง",
                  "location": Point(99.5187, 7.4094, srid=4326)},
            channel="phone", link_nearest=False)
    yield obj
    with django_db_blocker.unblock():
        with schema_context("kantang"):
            for left in ServiceRequest.objects.filter(pk=obj.pk).exclude(photo=""):
                left.photo.delete(save=False)  # the photo taken on site, on the live server's disk
            ServiceRequest.objects.filter(pk=obj.pk).delete()
        connection.close()


def site_photo() -> dict:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (48, 36), (120, 90, 40)).save(buffer, format="JPEG")
    return {"name": "site.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def sign_in(page, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.locator("button[type=submit].primary").tap()
    page.wait_for_url(base + "/")


def bar_button(page, name: str):
    return page.locator(f'[data-action-bar] [data-bar="{name}"]')


def test_an_engineer_takes_moves_and_comments_a_request_from_the_action_bar(
        live_url, phone, unassigned_request, django_db_blocker):
    from infrastructure.models import ServiceRequest

    base = live_url.format(host="kantang.localhost")
    code = unassigned_request.tracking_code
    sign_in(phone, base, "engineer")

    # The unassigned queue holds it.
    phone.goto(f"{base}/infrastructure/requests/?queue=unassigned&q={code}")
    assert phone.locator('.queue-tab[aria-current="page"]').inner_text().startswith("ยังไม่มอบหมาย")
    phone.locator(f"a.tracking-code:text('{code}')").tap()
    phone.wait_for_url(f"**/infrastructure/requests/{unassigned_request.pk}/")

    # The bar sits at the bottom of the screen, over the page, with the first step in it.
    bar = phone.locator("[data-action-bar]")
    box = bar.bounding_box()
    assert box["y"] + box["height"] == pytest.approx(844, abs=1) and box["y"] > 700
    assert phone.evaluate("getComputedStyle(document.querySelector('[data-action-bar]')).position") == "fixed"
    assert phone.locator("#action-status select[name=to_status]").input_value() == ""  # keep the status
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    bar_button(phone, "take").tap()
    phone.wait_for_selector(".message-success")
    assert code in phone.locator(".message-success").inner_text()
    assert not bar_button(phone, "take").count()
    assert bar_button(phone, "next").inner_text() == "เริ่มดำเนินการ"

    bar_button(phone, "next").tap()
    phone.wait_for_selector(".status-in_progress")
    assert bar_button(phone, "next").inner_text() == "แจ้งว่าแก้ไขแล้ว"

    bar_button(phone, "comment").tap()
    assert phone.locator("#action-comment").get_attribute("open") is not None
    assert phone.evaluate("document.activeElement.name") == "comment"
    phone.keyboard.type(COMMENT)
    phone.locator("#action-comment button[type=submit]").tap()
    phone.wait_for_selector(f".timeline-comment:text('{COMMENT}')")

    # A photo from the site: the bar opens the photo form, the camera (a file here) fills it.
    bar_button(phone, "photo").tap()
    assert phone.locator("#action-photo").get_attribute("open") is not None
    phone.set_input_files("#action-photo input[type=file]", site_photo())
    phone.locator("#action-photo button[type=submit]").tap()
    phone.wait_for_selector(".timeline-comment:text('เพิ่มรูปถ่ายแล้ว')")
    assert phone.locator("img.request-photo").count() == 1

    timeline = phone.locator(".timeline").inner_text()
    assert "กำลังดำเนินการ" in timeline and COMMENT in timeline
    assert phone.problems == []

    with django_db_blocker.unblock(), schema_context("kantang"):
        obj = ServiceRequest.objects.select_related("assignee").get(pk=unassigned_request.pk)
        kinds = list(obj.events.values_list("kind", "from_value", "to_value", "comment"))
        has_photo = bool(obj.photo)
    assert (obj.status, obj.assignee.username) == ("in_progress", "engineer") and has_photo
    assert kinds[1:5] == [
        ("assigned", "", "engineer", ""), ("status", "received", "assigned", ""),
        ("status", "assigned", "in_progress", ""), ("comment", "", "", COMMENT),
    ]
    assert [kind for kind, *_rest in kinds[5:]] == ["comment"]  # the photo, noted on the timeline
