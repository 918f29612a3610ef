"""Reporting through LINE: the webhook with the real SDK's signature check, and the whole
conversation against a local stand-in for LINE's Messaging API (reply, push, photo download)."""

import base64
import hashlib
import hmac
import itertools
import json

import pytest
from django.core.cache import cache
from django_tenants.utils import schema_context, tenant_context

from infrastructure.models import Channel, NotificationDelivery, NotifyChannel, RequestStatus, ServiceRequest
from infrastructure.notify.base import Notice, NotifyError
from infrastructure.notify.dispatch import notification_deliver
from infrastructure.notify.line import LineBackend, LineRefused
from infrastructure.services import service_request_transition
from tenants.models import LineChannel
from tenants.services.line import line_channel_update

from ..helpers import host_client
from .line_standin import LineStandIn, png_bytes

SECRET = "0123456789abcdef0123456789abcdef"
TOKEN = "stand-in-access-token-" + "x" * 40
USER = "U4af4980629" + "0" * 22
NEAR_KANTANG = (7.4092, 99.5185)
_ids = itertools.count(1)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # conversation state, seen event ids and rate limits live in Redis
    yield
    cache.clear()


@pytest.fixture
def line_api(settings):
    stand_in = LineStandIn(access_token=TOKEN).start()
    settings.LINE_API_HOST = stand_in.url
    yield stand_in
    stand_in.stop()


@pytest.fixture
def line_on(kantang, line_api, media_root):
    line_channel_update(municipality=kantang, enabled=True, channel_secret=SECRET, access_token=TOKEN)
    return line_api


def sign(body: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def event(kind: str, *, event_id: str | None = None, user: str = USER, **fields) -> dict:
    n = next(_ids)
    base = {
        "type": kind, "mode": "active", "timestamp": 1764900000000 + n,
        "source": {"type": "user", "userId": user},
        "webhookEventId": event_id or f"01HLINE{n:019d}",
        "deliveryContext": {"isRedelivery": False},
        "replyToken": f"reply-token-{n}",
    }
    base.update(fields)
    return base


def text(words: str, **kw) -> dict:
    return event("message", message={"type": "text", "id": f"t{next(_ids)}", "text": words,
                                     "quoteToken": "qt"}, **kw)


def postback(data: str, **kw) -> dict:
    return event("postback", postback={"data": data}, **kw)


def image(message_id: str, **kw) -> dict:
    return event("message", message={"type": "image", "id": message_id, "quoteToken": "qt",
                                     "contentProvider": {"type": "line"}}, **kw)


def location(lat: float, lon: float, address: str = "", **kw) -> dict:
    return event("message", message={"type": "location", "id": f"l{next(_ids)}", "latitude": lat,
                                     "longitude": lon, "address": address}, **kw)


def deliver(*events, secret: str = SECRET, signature: str | None = None, host="kantang.localhost"):
    body = json.dumps({"destination": "Ubot", "events": list(events)}).encode()
    return host_client(host).post(
        "/line/webhook/", data=body, content_type="application/json",
        HTTP_X_LINE_SIGNATURE=sign(body, secret) if signature is None else signature,
    )


def line_requests():
    with schema_context("kantang"):
        mine = ServiceRequest.objects.filter(channel=Channel.LINE, reporter_line_user_id=USER)
        return list(mine.order_by("pk"))


# --- signature and replays ---------------------------------------------------------------------

def test_a_good_signature_is_accepted_and_answered(line_on):
    response = deliver(text("สวัสดี"))
    assert response.status_code == 200
    assert len(line_on.replies) == 1
    assert "ประเภท" in line_on.reply_texts()[0]  # what kind of problem, in Thai
    assert "ถนน" in line_on.quick_reply_labels() and "ยกเลิก" in line_on.quick_reply_labels()


def test_the_verify_button_of_line_gets_200(line_on):
    assert deliver().status_code == 200  # LINE's "Verify": no events, signed
    assert line_on.replies == []


@pytest.mark.parametrize("how", ["other secret", "garbage", "missing"])
def test_a_forged_signature_is_refused_and_nothing_happens(line_on, how):
    if how == "other secret":
        response = deliver(text("สวัสดี"), secret="f" * 32)
    else:
        response = deliver(text("สวัสดี"), signature={"garbage": "bm90IGEgc2lnbmF0dXJl", "missing": ""}[how])
    assert response.status_code == 400
    assert line_on.replies == []
    assert cache.get(f"line:conversation:{USER}") is None


def test_a_replayed_event_is_ignored(line_on):
    first = text("สวัสดี", event_id="01HREPLAYED0000000000000000")
    assert deliver(first).status_code == 200
    assert deliver(postback("category:road")).status_code == 200
    state = cache.get(f"line:conversation:{USER}")
    # The same signed body again (LINE's redelivery, or someone who captured it): no effect.
    replay = dict(first, deliveryContext={"isRedelivery": True})
    assert deliver(replay).status_code == 200
    assert len(line_on.replies) == 2
    assert cache.get(f"line:conversation:{USER}") == state


def test_line_off_or_on_the_console_host_answers_404(kantang, line_api):
    assert deliver(text("สวัสดี")).status_code == 404  # no channel set
    line_channel_update(municipality=kantang, enabled=False, channel_secret=SECRET, access_token=TOKEN)
    assert deliver(text("สวัสดี")).status_code == 404
    line_channel_update(municipality=kantang, enabled=True)
    assert deliver(text("สวัสดี"), host="localhost").status_code == 404
    assert line_api.replies == []


def test_line_is_off_with_the_citizens_report_page(kantang, line_on):
    from ..tenants.test_module_off_page import _switch_off

    _switch_off(kantang, "public_report")
    assert deliver(text("สวัสดี")).status_code == 404
    assert line_on.replies == []


def test_the_credentials_are_stored_encrypted(line_on, kantang):
    row = LineChannel.objects.get(municipality=kantang)
    assert SECRET not in row.channel_secret_sealed and TOKEN not in row.access_token_sealed
    assert row.channel_secret == SECRET and row.access_token == TOKEN


# --- the steps -------------------------------------------------------------------------------

def test_a_photo_message_is_downloaded_from_line(line_on):
    line_on.contents["9001"] = png_bytes()
    deliver(text("แจ้งปัญหา"))
    deliver(postback("category:lighting"))
    assert "รูป" in line_on.reply_texts()[0]
    deliver(image("9001"))
    assert line_on.downloads == ["9001"]
    assert cache.get(f"line:conversation:{USER}")["step"] == "location"
    assert "ตำแหน่ง" in line_on.quick_reply_labels()[0]


def test_a_photo_that_is_not_an_image_is_refused_and_asked_again(line_on):
    line_on.contents["9002"] = b"%PDF-1.4 not a photo"
    deliver(text("แจ้งปัญหา"), postback("category:lighting"), image("9002"))
    assert cache.get(f"line:conversation:{USER}")["step"] == "photo"
    assert "ข้าม" in line_on.quick_reply_labels()


def test_a_photo_line_cannot_give_is_asked_again(line_on):
    deliver(text("แจ้งปัญหา"), postback("category:lighting"), image("404404"))  # unknown to LINE
    assert "รับรูปไม่สำเร็จ" in line_on.reply_texts()[0]
    assert cache.get(f"line:conversation:{USER}")["step"] == "photo"


def test_a_location_message_sets_the_pin_and_one_far_away_is_refused(line_on):
    deliver(text("แจ้งปัญหา"), postback("category:road"), postback("photo:skip"))
    deliver(location(18.79, 98.98))  # Chiang Mai: not Kantang
    assert cache.get(f"line:conversation:{USER}")["step"] == "location"
    deliver(location(*NEAR_KANTANG, address="ถนนตรัง-กันตัง"))
    state = cache.get(f"line:conversation:{USER}")
    assert state["step"] == "description"
    assert (state["lat"], state["lon"]) == NEAR_KANTANG


def test_adding_the_account_starts_a_report(line_on):
    deliver(event("follow", follow={"isUnblocked": False}))
    assert "ประเภท" in line_on.reply_texts()[0]
    deliver(postback("category:tree"))
    assert cache.get(f"line:conversation:{USER}") == {"step": "photo", "category": "tree"}


def test_cancel_forgets_the_report(line_on):
    deliver(text("แจ้งปัญหา"), postback("category:road"))
    deliver(text("ยกเลิก"))
    assert cache.get(f"line:conversation:{USER}") is None
    assert "ยกเลิก" in line_on.reply_texts()[0]


# --- the whole conversation and the status push ----------------------------------------------

def report_by_line(stand_in) -> ServiceRequest:
    stand_in.contents["9100"] = png_bytes()
    deliver(text("สวัสดีค่ะ"))
    deliver(postback("category:lighting"))
    deliver(image("9100"))
    deliver(location(*NEAR_KANTANG, address="หน้าตลาดสดกันตัง"))
    deliver(text("ไฟถนนหน้าตลาดดับสามคืนแล้ว"))
    [filed] = line_requests()
    return filed


def test_the_whole_conversation_files_a_line_request_and_answers_the_tracking_code(line_on):
    filed = report_by_line(line_on)
    assert filed.channel == Channel.LINE
    assert filed.category == "lighting"
    assert filed.description == "ไฟถนนหน้าตลาดดับสามคืนแล้ว"
    assert (round(filed.location.y, 4), round(filed.location.x, 4)) == NEAR_KANTANG
    assert filed.address_text == "หน้าตลาดสดกันตัง"
    assert filed.photo.name.endswith(".png")
    assert filed.notify_channel == NotifyChannel.LINE and filed.reporter_line_user_id == USER
    [answer] = line_on.reply_texts()
    assert filed.tracking_code in answer
    assert f"http://kantang.localhost/report/status/{filed.tracking_code}/" in answer
    assert host_client("kantang.localhost").get(f"/report/status/{filed.tracking_code}/").status_code == 200
    assert cache.get(f"line:conversation:{USER}") is None  # state and photo forgotten


def test_a_report_without_a_pin_keeps_the_place_in_words(line_on):
    deliver(text("แจ้ง"), postback("category:drain"), postback("photo:skip"),
            text("ซอย 3 ถนนตรัง-กันตัง"), text("ท่อตัน น้ำขัง"))
    [filed] = line_requests()
    assert filed.location is None and filed.address_text == "ซอย 3 ถนนตรัง-กันตัง"
    assert not filed.photo


def test_filing_is_rate_limited_per_line_user(line_on, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report-submit": (1, 600)}
    steps = [postback("category:drain"), postback("photo:skip"), text("ซอย 3"), text("ท่อตัน")]
    deliver(text("แจ้ง"), *steps)
    deliver(text("แจ้ง"), *[dict(step, webhookEventId=step["webhookEventId"] + "B") for step in steps])
    assert len(line_requests()) == 1
    assert "หลายครั้ง" in line_on.reply_texts()[0]


def test_a_status_change_is_pushed_to_the_reporter_on_line(line_on, kantang, settings):
    # The test settings keep LINE notices in memory; here they go through the real backend.
    settings.NOTIFY_BACKENDS = {**settings.NOTIFY_BACKENDS, "line": "infrastructure.notify.line.LineBackend"}
    filed = report_by_line(line_on)
    with tenant_context(kantang):  # as the notification task runs: in the request's municipality
        service_request_transition(service_request=filed, to_status=RequestStatus.IN_PROGRESS, user=None)
        delivery = NotificationDelivery.objects.filter(request=filed, channel=NotifyChannel.LINE).latest("pk")
        assert notification_deliver(delivery_id=delivery.pk) == NotificationDelivery.State.SENT
    [push] = line_on.pushes
    assert push["to"] == USER
    message = push["messages"][0]["text"]
    assert filed.tracking_code in message and "กำลังดำเนินการ" in message
    assert f"/report/status/{filed.tracking_code}/" in message and "/report/" in message.split("\n")[-1]


def notice() -> Notice:
    return Notice(request_id=1, tracking_code="ABCD-2345", subject="เรื่อง ABCD-2345: แก้ไขแล้ว",
                  body="ไฟถนน", status_url="http://kantang.localhost/report/status/ABCD-2345/",
                  opt_out_url="http://kantang.localhost/report/stop/x/")


def test_the_backend_retries_on_a_line_outage_and_gives_up_on_a_refusal(line_on):
    line_on.push_status = 500
    with schema_context("kantang"), pytest.raises(NotifyError):
        LineBackend().send(notice=notice(), address=USER)
    line_on.push_status = 400
    with schema_context("kantang"), pytest.raises(LineRefused):
        LineBackend().send(notice=notice(), address=USER)
    line_on.push_status = 200
    with schema_context("kantang"):
        LineBackend().send(notice=notice(), address=USER)
    assert [p["to"] for p in line_on.pushes] == [USER]


def test_the_backend_refuses_when_the_municipality_has_no_line(kantang, line_api):
    with schema_context("kantang"), pytest.raises(LineRefused):
        LineBackend().send(notice=notice(), address=USER)
    assert line_api.pushes == []
