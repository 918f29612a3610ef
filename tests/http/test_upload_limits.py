"""Uploads never threaten the server: a body larger than its address takes is refused (413) by its
Content-Length before a byte of it is read; files stream to disk above 1 MB; and one user has at
most IMPORT_UPLOADS_PER_USER import uploads in flight (429 with Retry-After, in Thai)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.test import RequestFactory
from django_tenants.utils import schema_context

from accounts.models import User
from cityplatform import upload_gate

from ..api.conftest import assert_error_body
from ..helpers import host_client, login
from ..open311.helpers import error_of
from .transport import UnreadableBody, call_app

pytestmark = pytest.mark.django_db

CSV = "code,asset_type,name,condition,lat,lon\nUPL-0001,hydrant,หัวดับเพลิงทดสอบ,good,7.41,99.519\n".encode()


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def upload() -> dict:
    return {"dataset": "assets", "file": SimpleUploadedFile("a.csv", CSV)}


# --- 413 before the body is read -------------------------------------------------------------
# The body is one that cannot be read: an answer other than 413 would mean it was read.


def test_an_import_larger_than_the_limit_is_413_before_its_body_is_read(kantang, token, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 5 * 1024 * 1024

    answer = call_app("POST", "/api/v1/imports/", content_type="multipart/form-data; boundary=x",
                      content_length=6 * 1024 * 1024, wsgi_input=UnreadableBody(),
                      headers={"HTTP_AUTHORIZATION": f"Bearer {token()}"})

    assert answer.status_code == 413
    error = answer.json()["error"]
    assert error["code"] == "too_large" and "5 MB" in error["message_en"] and "5 MB" in error["message"]
    assert error["message"] != error["message_en"]


def test_an_import_within_the_limit_is_read(kantang, token, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 5 * 1024 * 1024

    answer = call_app("POST", "/api/v1/imports/", content_type="multipart/form-data; boundary=x",
                      content_length=4 * 1024 * 1024, wsgi_input=UnreadableBody(),
                      headers={"HTTP_AUTHORIZATION": f"Bearer {token()}"})

    assert answer.status_code == 400 and answer.json()["error"]["code"] == "unreadable_body"


def test_the_web_import_page_refuses_a_large_upload_with_a_page(kantang, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 5 * 1024 * 1024

    answer = call_app("POST", "/imports/", content_type="multipart/form-data; boundary=x",
                      content_length=6 * 1024 * 1024, wsgi_input=UnreadableBody())

    assert answer.status_code == 413 and answer["Content-Type"].startswith("text/html")
    assert "ไฟล์ที่อัปโหลดมีขนาดใหญ่เกินไป" in answer.content.decode()


def test_other_addresses_take_at_most_request_max_body_bytes(kantang, settings):
    settings.REQUEST_MAX_BODY_BYTES = 1024 * 1024

    answer = call_app("POST", "/open311/v2/requests.json", content_type="multipart/form-data; boundary=x",
                      content_length=2 * 1024 * 1024, wsgi_input=UnreadableBody())

    assert answer.status_code == 413
    assert answer.json()[0]["code"] == 413 and "1 MB" in answer.json()[0]["description"]


def test_files_above_one_megabyte_stream_to_disk():
    body = SimpleUploadedFile("big.csv", b"x" * (1024 * 1024 + 1))
    request = RequestFactory().post("/imports/", {"dataset": "assets", "file": body})

    assert isinstance(request.FILES["file"], TemporaryUploadedFile)


# --- At most two import uploads in flight per user ---------------------------------------------


def uploads_in_progress(username: str, count: int) -> list[str]:
    """Slots taken as `count` uploads of the user, elsewhere, still in progress take them."""
    with schema_context("kantang"):
        who = f"user:{User.objects.get(username=username).pk}"
        key = upload_gate._slot_key(who)
        for _i in range(count):
            upload_gate._acquire(key)
        return [who, key]


def in_flight(who: str) -> int:
    with schema_context("kantang"):
        return upload_gate.uploads_in_flight(who)


def test_a_third_api_upload_in_flight_is_429_in_thai_with_retry_after(kantang, token):
    who, key = uploads_in_progress("engineer", 2)
    client = host_client("kantang.localhost")

    response = client.post("/api/v1/imports/", upload(), **bearer(token()))

    error = assert_error_body(response, 429)
    assert error["code"] == "too_many_uploads" and int(response["Retry-After"]) > 0
    assert "อัปโหลดอยู่ 2 ไฟล์" in error["message"] and "2 uploads in progress" in error["message_en"]
    assert in_flight(who) == 2  # the refused one took no slot


def test_when_one_upload_finishes_the_next_is_taken_and_its_slot_given_back(kantang, token):
    who, key = uploads_in_progress("engineer", 2)
    with schema_context("kantang"):
        upload_gate._release(key)  # one of the two finished

    response = host_client("kantang.localhost").post(
        "/api/v1/imports/", upload(), **bearer(token()))

    assert response.status_code == 202, response.content
    assert in_flight(who) == 1


def test_a_slot_taken_while_redis_was_away_is_not_given_back_from_the_others_in_redis(kantang):
    """Redis answers again when an upload that took its slot in process memory ends: the count in
    Redis is other uploads' (two here), and must not drop to one, which would let a third in."""
    who, key = uploads_in_progress("engineer", 2)
    with schema_context("kantang"):
        upload_gate._release(key, taken_in_memory=True)

    assert in_flight(who) == 2


def test_a_refused_upload_gives_its_slot_back_too(kantang, token):
    who, _key = uploads_in_progress("engineer", 0)

    response = host_client("kantang.localhost").post(
        "/api/v1/imports/", {"dataset": "assets", "file": SimpleUploadedFile("scan.pdf", b"%PDF-1.4")},
        **bearer(token()))

    assert response.status_code == 422 and in_flight(who) == 0


def test_the_limit_is_the_users_across_tokens_and_the_web_page(kantang, token):
    uploads_in_progress("engineer", 2)
    web = login(host_client("kantang.localhost"), "kantang", "engineer")

    by_other_token = host_client("kantang.localhost").post(
        "/api/v1/imports/", upload(), **bearer(token()))
    by_page = web.post("/imports/", upload())

    assert_error_body(by_other_token, 429)
    assert by_page.status_code == 429 and int(by_page["Retry-After"]) > 0
    assert "อัปโหลดพร้อมกันมากเกินไป" in by_page.content.decode()
    # Another user uploads on.
    other = host_client("kantang.localhost").post(
        "/api/v1/imports/", upload(), **bearer(token("admin")))
    assert other.status_code == 202, other.content


def test_open311_uploads_are_not_import_uploads(kantang_http):
    uploads_in_progress("engineer", 2)

    error_of(kantang_http.post("/open311/v2/requests.json", {"service_code": "road"}), 401)
