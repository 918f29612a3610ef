"""The citizens' "report a problem" pages under /report/ (no login): submit, tracking code,
status, rate limits, and what never leaks."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from accounts.models import User
from infrastructure.models import Channel, RequestStatus, ServiceRequest, sla_hours
from infrastructure.services import (
    service_request_assign,
    service_request_comment,
    service_request_transition,
)

from ..helpers import host_client
from .helpers import png_upload

# A street in Kantang, a few hundred metres from the municipality's centre (lat, lon).
NEAR_KANTANG = ("7.4092", "99.5185")
CONTACT = {
    "reporter_name": "สมชาย ใจดี", "reporter_phone": "081 234 5678", "reporter_email": "somchai@example.com",
}


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()  # the counters live in Redis, which outlives each test's rolled-back transaction
    yield
    cache.clear()


def english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def client(kantang, media_root):
    return english(host_client("kantang.localhost"))


def form_data(**overrides):
    data = {
        "category": "lighting",
        "description": "ไฟถนนหน้าตลาดสดดับมาสามคืนแล้ว",
        "lat": NEAR_KANTANG[0],
        "lon": NEAR_KANTANG[1],
        "address_text": "หน้าตลาดสดกันตัง",
        **CONTACT,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def request_count(schema="kantang") -> int:
    with schema_context(schema):
        return ServiceRequest.objects.count()


def submit(client, **overrides):
    return client.post("/report/", form_data(**overrides))


def code_from(response) -> str:
    match = re.fullmatch(r"/report/done/([A-Z0-9]{4}-[A-Z0-9]{4})/", response["Location"])
    assert match, response["Location"]
    return match.group(1)


# --- The form ---------------------------------------------------------------------------------


def test_it_shows_the_form_to_anyone_with_the_municipality_name(kantang):
    response = host_client("kantang.localhost").get("/report/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "เทศบาลเมืองกันตัง" in html
    assert 'capture="environment"' in html and 'accept="image/*"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "แสงสว่าง" in html  # category tiles in Thai first
    assert 'id="report-map"' in html and "js/report/report.js" in html
    assert "/accounts/logout/" not in html  # no staff navigation for citizens


def test_the_map_script_carries_the_csp_nonce(kantang):
    response = host_client("kantang.localhost").get("/report/")

    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert f'<script nonce="{nonce}">' in response.content.decode()


def test_csrf_stays_on(kantang):
    strict = host_client("kantang.localhost")
    strict.handler.enforce_csrf_checks = True

    before = request_count()

    response = strict.post("/report/", form_data())

    assert response.status_code == 403
    assert request_count() == before


# --- A valid report ---------------------------------------------------------------------------


def test_it_creates_a_public_web_request_and_shows_the_tracking_code(client):
    before = request_count()

    response = client.post("/report/", {**form_data(), "photo": png_upload()})

    assert response.status_code == 302
    code = code_from(response)  # the tracking code is the only thing in the URL
    assert request_count() == before + 1
    with schema_context("kantang"):
        created = ServiceRequest.objects.get(tracking_code=code)
        assert created.channel == Channel.PUBLIC_WEB
        assert created.status == RequestStatus.RECEIVED
        assert created.created_by is None
        assert created.category == "lighting"
        assert (created.location.y, created.location.x) == pytest.approx((7.4092, 99.5185))
        assert created.reporter_phone == "081 234 5678"
        assert created.due_at == created.received_at + timedelta(hours=sla_hours("lighting", "normal"))
        assert created.photo.name.startswith("requests/")
    done = client.get(response["Location"])
    assert done.status_code == 200
    assert f'<p class="tracking-code" data-tracking-code>{code}</p>' in done.content.decode()
    assert f'href="/report/status/{code}/"' in done.content.decode()


# --- Said in words, without a pin (no GPS, a grey map) ----------------------------------------


def test_a_report_with_the_place_in_words_and_no_pin_is_accepted_for_staff_to_pin(client):
    response = submit(client, lat=None, lon=None, address_text="ซอย 3 ตรงข้ามวัดกันตังใต้")

    code = code_from(response)
    with schema_context("kantang"):
        created = ServiceRequest.objects.get(tracking_code=code)
        assert created.location is None and not created.has_pin
        assert created.address_text == "ซอย 3 ตรงข้ามวัดกันตังใต้"
        assert created.asset is None  # nothing to measure from: linked when staff pin it
        assert created.due_at == created.received_at + timedelta(hours=sla_hours("lighting", "normal"))
    status = client.get(f"/report/status/{code}/")
    # The reporter's words stay private.
    assert status.status_code == 200 and "ซอย 3" not in status.content.decode()


def test_without_a_pin_the_place_in_words_is_required(client):
    before = request_count()

    response = submit(client, lat=None, lon=None, address_text="   ")

    html = response.content.decode()
    assert response.status_code == 200 and request_count() == before
    assert ("Show us where the problem is: tap the map, use your location, or type the address or a "
            "landmark.") in html
    assert "ไฟถนนหน้าตลาดสดดับมาสามคืนแล้ว" in html


@pytest.fixture
def town_register(kantang):
    """A road and a community in kantang's asset register (the names the page offers)."""
    from django.contrib.gis.geos import LineString, Point

    from infrastructure.services import asset_create

    with schema_context("kantang"):
        asset_create(user=None, data={
            "code": "RD-WORDS-1", "asset_type": "road", "name": "ถนนทดสอบคำบอกทาง",
            "geometry": LineString((99.5180, 7.4090), (99.5190, 7.4095), srid=4326),
            "community": "ชุมชนทดสอบคำบอกทาง"})
        asset_create(user=None, data={
            "code": "SL-WORDS-1", "asset_type": "streetlight", "name": "เสาไฟทดสอบคำบอกทาง",
            "geometry": Point(99.5185, 7.4092, srid=4326), "community": "ชุมชนทดสอบคำบอกทาง"})
        asset_create(user=None, data={
            "code": "RD-WORDS-2", "asset_type": "road", "name": "ถนนเลิกใช้ทดสอบคำบอกทาง",
            "geometry": LineString((99.5170, 7.4080), (99.5175, 7.4085), srid=4326), "status": "retired"})


def test_the_road_and_community_picked_from_the_register_join_the_place_in_words(client, town_register):
    page = client.get("/report/").content.decode()
    assert '<option value="ถนนทดสอบคำบอกทาง">' in page and '<option value="ชุมชนทดสอบคำบอกทาง">' in page
    assert "เสาไฟทดสอบคำบอกทาง" not in page and "ถนนเลิกใช้ทดสอบคำบอกทาง" not in page  # roads in use only

    response = submit(client, lat=None, lon=None, address_text="หน้าร้านข้าวแกง",
                      road="ถนนทดสอบคำบอกทาง", community="ชุมชนทดสอบคำบอกทาง")

    with schema_context("kantang"):
        created = ServiceRequest.objects.get(tracking_code=code_from(response))
    assert created.location is None
    assert created.address_text == "หน้าร้านข้าวแกง · ถนนทดสอบคำบอกทาง · ชุมชนทดสอบคำบอกทาง"


def test_a_road_picked_alone_is_a_place_and_a_road_not_in_the_register_is_refused(client, town_register):
    response = submit(client, lat=None, lon=None, address_text="", road="ถนนทดสอบคำบอกทาง")
    with schema_context("kantang"):
        created = ServiceRequest.objects.get(tracking_code=code_from(response))
    assert created.address_text == "ถนนทดสอบคำบอกทาง"

    before = request_count()
    refused = submit(client, lat=None, lon=None, address_text="", road="ถนนที่ไม่มีในทะเบียน")
    assert refused.status_code == 200 and request_count() == before


def test_a_report_without_photo_or_contact_is_accepted(client):
    response = submit(client, reporter_name="", reporter_phone="", reporter_email="")

    assert response.status_code == 302
    with schema_context("kantang"):
        created = ServiceRequest.objects.get(tracking_code=code_from(response))
        assert not created.photo and created.reporter_name == ""


# --- Bad input: a clear message, what was typed kept, nothing saved ---------------------------


def oversized_png():
    return SimpleUploadedFile("big.png", b"\x89PNG\r\n\x1a\n" + b"\0" * (8 * 1024 * 1024 + 1),
                              content_type="image/png")


@pytest.mark.parametrize("overrides, message", [
    ({"category": None}, "Choose what kind of problem it is."),
    ({"category": "spaceship"}, "Choose what kind of problem it is."),
    ({"description": "   "}, "Describe the problem in a few words."),
    ({"lon": None}, "Give both the latitude and the longitude, or leave both empty."),
    ({"lat": "abc"}, "Latitude and longitude must be numbers"),
    ({"lat": "35.6812", "lon": "139.7671"}, "The location is outside Thailand"),  # Tokyo
    ({"lat": "99.5185", "lon": "7.4092"}, "latitude and longitude look swapped"),
    ({"lat": "18.7883", "lon": "98.9853"}, "km from เทศบาลเมืองกันตัง"),  # Chiang Mai: not Kantang's
    ({"reporter_email": "not-an-address"}, "Enter a valid e-mail address"),
    ({"reporter_phone": "call me"}, "Enter a phone number of digits only"),
    ({"photo": "not-an-image"}, "The file is not a photo that can be read"),
    ({"photo": "oversized"}, "The photo is too large"),
])
def test_bad_input_gets_a_message_and_saves_nothing(client, overrides, message):
    photo = overrides.pop("photo", None)
    data = form_data(**overrides)
    if photo == "not-an-image":
        data["photo"] = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    elif photo == "oversized":
        data["photo"] = oversized_png()
    before = request_count()

    response = client.post("/report/", data)

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "Please correct the errors below." in html
    assert request_count() == before
    # What the citizen typed comes back (the file aside).
    if overrides.get("description") is None:
        assert "ไฟถนนหน้าตลาดสดดับมาสามคืนแล้ว" in html
    assert 'value="หน้าตลาดสดกันตัง"' in html


# --- Status page ------------------------------------------------------------------------------


def test_the_status_page_shows_the_status_but_never_the_reporter_or_staff(client, kantang):
    code = code_from(submit(client))
    with schema_context("kantang"):
        engineer = User.objects.get(username="engineer")
        service_request = ServiceRequest.objects.get(tracking_code=code)
        service_request_comment(
            service_request=service_request, user=engineer, comment="internal: ask contractor Somsak"
        )
        service_request_assign(service_request=service_request, user=engineer, assignee=engineer)

    thai = host_client("kantang.localhost")
    response = thai.get(f"/report/status/{code}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert code in html
    assert 'data-status="assigned"' in html
    assert "มอบหมายแล้ว" in html and "รับเรื่องแล้ว" in html  # current status and the history, in Thai
    assert "แสงสว่าง" in html
    for private in (*CONTACT.values(), "internal: ask contractor", "engineer", "หน้าตลาดสดกันตัง",
                    "ไฟถนนหน้าตลาดสด"):
        assert private not in html, private
    assert 'name="robots" content="noindex"' in html


def test_a_rejected_report_shows_the_reason_written_for_the_citizen(client):
    code = code_from(submit(client))
    with schema_context("kantang"):
        engineer = User.objects.get(username="engineer")
        service_request = ServiceRequest.objects.get(tracking_code=code)
        service_request_transition(
            service_request=service_request, user=engineer, to_status=RequestStatus.REJECTED,
            comment="This road belongs to the Department of Highways.",
        )

    response = client.get(f"/report/status/{code}/")

    assert 'data-status="rejected"' in response.content.decode()
    assert "This road belongs to the Department of Highways." in response.content.decode()


def test_the_lookup_form_accepts_a_code_as_people_type_it(client):
    code = code_from(submit(client))

    response = client.get("/report/status/", {"code": f"  {code.replace('-', '').lower()} "})

    assert response.status_code == 302
    assert response["Location"] == f"/report/status/{code}/"


def test_a_badly_typed_code_gets_a_message(client):
    response = client.get("/report/status/", {"code": "12"})

    assert response.status_code == 200
    assert "A tracking code has 8 letters and digits" in response.content.decode()


def test_an_unknown_code_gets_a_friendly_not_found_page(client):
    response = client.get("/report/status/ZZZZ-9999/")

    assert response.status_code == 404
    assert "We found no report with the code" in response.content.decode()
    assert 'name="code"' in response.content.decode()  # and can try again at once


def test_kantangs_code_is_not_found_on_nueaklong(client, nueaklong):
    code = code_from(submit(client))

    other = english(host_client("nueaklong.localhost"))
    assert other.get(f"/report/status/{code}/").status_code == 404
    assert other.get(f"/report/done/{code}/").status_code == 404
    assert client.get(f"/report/status/{code}/").status_code == 200


def test_nueaklong_refuses_a_pin_in_kantang(nueaklong, media_root):
    other = english(host_client("nueaklong.localhost"))
    before = request_count("nueaklong")

    response = other.post("/report/", form_data())

    assert response.status_code == 200
    assert "km from เทศบาลตำบลเหนือคลอง" in response.content.decode()
    assert request_count("nueaklong") == before


# --- Rate limits ------------------------------------------------------------------------------


def test_submissions_over_the_limit_get_429(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report-submit": (2, 600)}
    assert submit(client).status_code == 302
    assert submit(client).status_code == 302
    before = request_count()

    response = submit(client)

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert "Too many attempts" in html and "ส่งคำขอบ่อยเกินไป" not in html  # the reader's language only
    assert request_count() == before


def test_the_limit_is_per_address(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report-submit": (1, 600)}
    assert submit(client).status_code == 302
    assert submit(client).status_code == 429

    elsewhere = english(host_client("kantang.localhost"))
    assert elsewhere.post("/report/", form_data(), REMOTE_ADDR="198.51.100.9").status_code == 302


def test_invalid_attempts_are_limited_too(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report-attempt": (3, 600)}
    for _i in range(3):
        assert submit(client, category=None).status_code == 200

    assert submit(client, category=None).status_code == 429


def test_status_lookups_over_the_limit_get_429(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report-status": (3, 600)}
    for _i in range(3):
        assert client.get("/report/status/ZZZZ-9999/").status_code == 404

    assert client.get("/report/status/ZZZZ-9999/").status_code == 429


def test_a_trusted_proxy_forwards_the_citizens_address(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report-submit": (1, 600)}
    settings.RATE_LIMIT_TRUSTED_PROXIES = 1
    first = client.post("/report/", form_data(), HTTP_X_FORWARDED_FOR="203.0.113.5")
    second = client.post("/report/", form_data(), HTTP_X_FORWARDED_FOR="203.0.113.6")
    again = client.post("/report/", form_data(), HTTP_X_FORWARDED_FOR="203.0.113.5")

    assert (first.status_code, second.status_code, again.status_code) == (302, 302, 429)
