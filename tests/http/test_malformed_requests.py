"""A request the platform cannot read gets a 4xx in the shape its client reads — the API's error
body, Open311's error list, the pages' 400 page — and never a server error. Each case here
answered 500 (or an HTML page under /api/ and /open311/) before cityplatform/request_guard.py,
kernel/request_errors.py and api/errors.py's handlers."""

import json

import pytest

from ..api.conftest import assert_error_body
from ..helpers import host_client, login
from ..open311.helpers import error_of, post_data
from .transport import UnreadableBody, call_app

pytestmark = pytest.mark.django_db

THAI = range(0x0E00, 0x0E80)


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def english(text: str) -> bool:
    return not any(ord(char) in THAI for char in text)


def api_error(answer, status: int) -> dict:
    assert answer.status_code == status, answer.content[:300]
    body = answer.json()
    assert set(body) == {"error"} and body["error"]["status"] == status
    assert body["error"]["message"] and english(body["error"]["message_en"])
    return body["error"]


# --- The API --------------------------------------------------------------------------------


def test_an_import_sent_as_multipart_without_a_boundary_is_400(kantang_http, token):
    response = kantang_http.post("/api/v1/imports/", data=b"dataset=assets",
                                 content_type="multipart/form-data", **bearer(token()))

    error = assert_error_body(response, 400)
    assert error["code"] == "unreadable_body" and "boundary" in error["message_en"]


def test_a_body_cut_off_in_transit_is_400(kantang, token):
    answer = call_app("POST", "/api/v1/imports/", content_type="multipart/form-data; boundary=x",
                      content_length=5000, wsgi_input=UnreadableBody(),
                      headers={"HTTP_AUTHORIZATION": f"Bearer {token()}"})

    assert api_error(answer, 400)["code"] == "unreadable_body"


def test_a_form_in_another_charset_than_utf8_is_400(kantang, token):
    answer = call_app("POST", "/api/v1/imports/", body=b"dataset=assets",
                      content_type="application/x-www-form-urlencoded; charset=latin-1",
                      headers={"HTTP_AUTHORIZATION": f"Bearer {token()}"})

    api_error(answer, 400)


def test_too_many_form_fields_is_400(kantang_http, token, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    body = "&".join(f"f{i}=1" for i in range(10))

    response = kantang_http.post("/api/v1/imports/", data=body,
                                 content_type="application/x-www-form-urlencoded", **bearer(token()))

    assert assert_error_body(response, 400)["code"] == "too_many_fields"


def test_a_json_body_over_the_memory_limit_is_413(kantang_http, token, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100

    response = kantang_http.post("/api/v1/persons/lookup", data=json.dumps({"cid": "1" * 13, "x": "y" * 200}),
                                 content_type="application/json", **bearer(token("nurse")))

    assert assert_error_body(response, 413)["code"] == "too_large"


@pytest.mark.parametrize("body", [b"{not json", b'{"cid": "\xff\xfe"}', b'{"cid": "12'])
def test_a_body_that_is_not_json_is_400(kantang_http, token, body):
    response = kantang_http.post("/api/v1/persons/lookup", data=body, content_type="application/json",
                                 **bearer(token("nurse")))

    error = assert_error_body(response, 400)
    assert error["code"] == "invalid_json" and error["message_en"] == "The body is not valid JSON."


def test_a_nul_character_in_json_text_is_422_naming_the_field(kantang_http, token):
    payload = {"category": "road", "description": "หลุม\u0000บนถนน", "lat": 7.41, "lon": 99.52}

    response = kantang_http.post("/api/v1/service-requests/", data=json.dumps(payload),
                                 content_type="application/json", **bearer(token()))

    error = assert_error_body(response, 422)
    assert [field["field"] for field in error["fields"]] == ["body.description"]
    assert english(error["fields"][0]["message_en"]) and error["fields"][0]["message"] != error["fields"][0][
        "message_en"]


@pytest.mark.parametrize("path", [
    "/api/v1/assets/?q=a%00b", "/api/v1/assets/?community=%00", "/api/v1/assets/%00",
    "/api/v1/service-requests/?q=%00", "/api/v1/service-requests/%00",
])
def test_a_nul_character_in_the_address_is_400(kantang_http, token, path):
    response = kantang_http.get(path, **bearer(token()))

    assert assert_error_body(response, 400)["code"] == "nul_character"


def test_an_absurd_page_number_is_422(kantang_http, token):
    response = kantang_http.get("/api/v1/assets/?page=99999999999999999999999999", **bearer(token()))

    assert assert_error_body(response, 422)["fields"][0]["field"] == "page"


def test_an_unknown_api_address_answers_in_the_api_body_not_a_page(kantang_http, token):
    response = kantang_http.get("/api/v1/no-such-thing/", **bearer(token()))

    assert response["Content-Type"].startswith("application/json")
    assert assert_error_body(response, 404)["code"] == "not_found"


# --- Open311 --------------------------------------------------------------------------------


def test_open311_multipart_without_a_boundary_is_400_in_the_spec_shape(kantang_http, token):
    response = kantang_http.post("/open311/v2/requests.json", data=b"service_code=road",
                                 content_type="multipart/form-data", **bearer(token()))

    assert "boundary" in error_of(response, 400)


@pytest.mark.parametrize("content_type", ["multipart/form-data; boundary=x",
                                          "application/x-www-form-urlencoded"])
def test_open311_body_cut_off_is_400_in_the_spec_shape(kantang, token, content_type):
    answer = call_app("POST", "/open311/v2/requests.json", content_type=content_type, content_length=900,
                      wsgi_input=UnreadableBody(), headers={"HTTP_AUTHORIZATION": f"Bearer {token()}"})

    assert answer.status_code == 400
    assert answer.json() == [{"code": 400, "description": answer.json()[0]["description"]}]
    assert "cut off" in answer.json()[0]["description"]


def test_open311_form_in_another_charset_is_400_in_the_spec_shape(kantang, token):
    answer = call_app("POST", "/open311/v2/requests.json", body=b"service_code=road",
                      content_type="application/x-www-form-urlencoded; charset=latin-1",
                      headers={"HTTP_AUTHORIZATION": f"Bearer {token()}"})

    assert answer.status_code == 400 and answer.json()[0]["code"] == 400


@pytest.mark.parametrize("params", [{"start_date": "9999-12-31"}, {"end_date": "0001-01-01"},
                                    {"start_date": "0000-01-01"}, {"end_date": "9999-12-31T23:59:59+07:00"}])
def test_open311_dates_at_the_ends_of_the_calendar_are_400(kantang_http, params):
    response = kantang_http.get("/open311/v2/requests.json", params)

    assert "out of range" in error_of(response, 400)


def test_open311_nul_in_a_parameter_is_400_in_the_spec_shape(kantang_http):
    assert "NUL" in error_of(kantang_http.get("/open311/v2/requests.json?jurisdiction_id=%00"), 400)


def test_an_unknown_open311_address_is_404_in_the_spec_shape(kantang_http):
    error_of(kantang_http.get("/open311/v2/nothing-here.json"), 404)


def test_a_valid_open311_post_still_files(kantang_http, token):
    response = kantang_http.post("/open311/v2/requests.json", post_data(token()))

    assert response.status_code == 201, response.content


# --- Pages ----------------------------------------------------------------------------------


def test_a_page_with_nul_in_its_address_is_the_400_page(kantang):
    client = login(host_client("kantang.localhost"), "kantang", "admin")

    response = client.get("/infrastructure/assets/?q=%00")

    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    assert "ไม่สามารถอ่านคำขอได้" in response.content.decode()  # the friendly page; the API names NUL


def test_a_form_posted_as_multipart_without_a_boundary_is_the_400_page(kantang_http):
    response = kantang_http.post("/report/", data=b"x", content_type="multipart/form-data")

    assert response.status_code == 400
    page = response.content.decode()
    assert "ไม่สามารถอ่านคำขอได้" in page and "The request could not be read" not in page  # Thai only


def test_a_form_with_too_many_fields_is_the_400_page(kantang_http, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5

    response = kantang_http.post("/accounts/login/", {f"f{i}": "1" for i in range(10)})

    assert response.status_code == 400
    page = response.content.decode()
    assert "ไม่สามารถอ่านคำขอได้" in page and "The request could not be read" not in page  # Thai only
