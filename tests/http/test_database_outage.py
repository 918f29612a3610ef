"""The database not answering (right after a PostgreSQL restart, a fail-over) is the platform's
own outage: a friendly 503 with Retry-After in the shape of each area, never a 500, and never
counted against the client's rate limit. Before: five 500s, then 429s for the rest of the window.

The shared PostgreSQL cannot be restarted from a test (tests/faults/test_postgres_restart.py
restarts a cluster of its own): here every new cursor fails as it does on a connection the
server closed — psycopg's OperationalError, raised where Django opens the cursor, so Django wraps
it exactly as it wraps the real one."""

import contextlib

import psycopg
import pytest
from django.db import connection

from ..api.conftest import assert_error_body
from ..helpers import host_client
from ..open311.helpers import error_of

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def database_down(monkeypatch):
    def refuse(name=None):
        raise psycopg.OperationalError("server closed the connection unexpectedly")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "create_cursor", refuse)
        yield


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_the_api_answers_503_with_retry_after_in_its_error_body(kantang_http, token, monkeypatch):
    raw = token()
    assert kantang_http.get("/api/v1/assets/?page_size=1", **bearer(raw)).status_code == 200  # host cached

    with database_down(monkeypatch):
        response = kantang_http.get("/api/v1/assets/?page_size=1", **bearer(raw))

    error = assert_error_body(response, 503)
    assert error["code"] == "unavailable" and int(response["Retry-After"]) > 0
    assert "database" in error["message_en"] and error["message"] != error["message_en"]


def test_the_api_answers_503_when_even_the_host_cannot_be_looked_up(kantang_http, token, monkeypatch):
    raw = token()  # the host is not cached yet: tenant routing is the first to need the database

    with database_down(monkeypatch):
        response = kantang_http.get("/api/v1/assets/", **bearer(raw))

    assert assert_error_body(response, 503)["code"] == "unavailable"
    assert int(response["Retry-After"]) > 0


def test_pages_answer_the_friendly_503_page_in_the_readers_language(kantang_http, monkeypatch):
    assert kantang_http.get("/report/status/ZZZZ-9999/").status_code == 404  # host cached

    with database_down(monkeypatch):
        response = kantang_http.get("/report/status/ZZZZ-9999/")

    assert response.status_code == 503 and int(response["Retry-After"]) > 0
    page = response.content.decode()
    assert "ระบบขัดข้องชั่วคราว" in page and "Temporarily unavailable" not in page  # Thai, the default
    assert "ฐานข้อมูลไม่ตอบสนอง" in page

    kantang_http.cookies["django_language"] = "en"
    with database_down(monkeypatch):
        english = kantang_http.get("/report/status/ZZZZ-9999/").content.decode()
    assert "Temporarily unavailable" in english and "ระบบขัดข้องชั่วคราว" not in english


def test_pages_answer_503_when_the_host_cannot_be_looked_up(monkeypatch, kantang):
    client = host_client("kantang.localhost")
    client.raise_request_exception = False

    with database_down(monkeypatch):
        response = client.get("/")

    assert response.status_code == 503 and "ระบบขัดข้องชั่วคราว" in response.content.decode()


def test_open311_answers_503_in_the_spec_shape(kantang_http, monkeypatch):
    assert kantang_http.get("/open311/v2/requests.json").status_code == 200

    with database_down(monkeypatch):
        response = kantang_http.get("/open311/v2/requests.json")

    assert "request: " in error_of(response, 503)
    assert int(response["Retry-After"]) > 0 and response["Access-Control-Allow-Origin"] == "*"


def test_an_outage_is_not_counted_against_an_open311_reader(kantang_http, monkeypatch, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "open311-read": (2, 600)}
    kantang_http.get("/open311/v2/services.json")  # host cached; counts 1
    with database_down(monkeypatch):
        outage = [kantang_http.get("/open311/v2/requests.json").status_code for _ in range(5)]

    after = [kantang_http.get("/open311/v2/requests.json").status_code for _ in range(2)]

    assert outage == [503] * 5
    assert after == [200, 429]  # the one left of the quota, then the limit: the outage used none


def test_an_outage_is_not_counted_against_an_api_token(kantang_http, token, monkeypatch, settings):
    settings.API_RATE_LIMIT = (2, 3600)
    raw = token()
    with database_down(monkeypatch):
        outage = [kantang_http.get("/api/v1/assets/?page_size=1", **bearer(raw)).status_code
                  for _ in range(5)]

    after = [kantang_http.get("/api/v1/assets/?page_size=1", **bearer(raw)).status_code for _ in range(3)]

    assert outage == [503] * 5
    assert after == [200, 200, 429]


def test_an_outage_after_the_token_was_checked_is_not_counted_either(kantang_http, token, monkeypatch,
                                                                      settings):
    from django.db import OperationalError

    settings.API_RATE_LIMIT = (2, 3600)
    raw = token()

    def fails(*args, **kwargs):
        raise OperationalError("the server closed the connection in the middle of the list")

    with monkeypatch.context() as patch:  # the token lookup works; the list's query does not
        patch.setattr("api.routers.assets.assets_for", fails)
        outage = [kantang_http.get("/api/v1/assets/?page_size=1", **bearer(raw)).status_code
                  for _ in range(3)]
    after = [kantang_http.get("/api/v1/assets/?page_size=1", **bearer(raw)).status_code for _ in range(3)]

    assert outage == [503] * 3
    assert after == [200, 200, 429]
