"""A signed-in session ends after SESSION_IDLE_TIMEOUT without a request and, whatever the
activity, SESSION_COOKIE_AGE after signing in (issue 22, finding 4). The clocks are moved by
rewriting the session's timestamps, not by waiting."""

import time

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django_tenants.utils import schema_context

from accounts.middleware import LAST_SEEN, SIGNED_IN_AT

from ..helpers import host_client, login

pytestmark = pytest.mark.django_db
PAGE = "/accounts/profile/"


@pytest.fixture
def client(kantang):
    return login(host_client("kantang.localhost"), "kantang", "nurse")


def session_of(client):
    with schema_context("kantang"):  # kantang's sessions live in kantang's schema
        session = client.session
        session.items()  # loaded now, inside the schema
        return session


def _shift(client, **seconds_ago):
    """Pretend the session's clocks started `seconds_ago` (keys: signed_in, last_seen)."""
    session = session_of(client)
    now = int(time.time())
    if "signed_in" in seconds_ago:
        session[SIGNED_IN_AT] = now - seconds_ago["signed_in"]
    if "last_seen" in seconds_ago:
        session[LAST_SEEN] = now - seconds_ago["last_seen"]
    with schema_context("kantang"):
        session.save()


def test_the_idle_timeout_is_thirty_minutes_by_default():
    assert settings.SESSION_IDLE_TIMEOUT == 30 * 60
    assert settings.SESSION_COOKIE_AGE == 12 * 60 * 60


def test_signing_in_starts_both_clocks_and_fixes_the_end_of_the_session(client):
    session = session_of(client)
    assert abs(session[SIGNED_IN_AT] - time.time()) < 120 and session[LAST_SEEN] == session[SIGNED_IN_AT]
    # The session ends at a fixed time (not "12 hours after the last request").
    assert abs(session.get_expiry_age() - settings.SESSION_COOKIE_AGE) < 120
    end = session.get_expiry_date()
    _shift(client, last_seen=5 * 60)
    assert client.get(PAGE).status_code == 200
    assert session_of(client).get_expiry_date() == end


def test_activity_within_the_idle_timeout_keeps_the_session(client):
    _shift(client, last_seen=settings.SESSION_IDLE_TIMEOUT - 60)
    assert client.get(PAGE).status_code == 200
    assert time.time() - session_of(client)[LAST_SEEN] < 120  # the request counted as activity


def test_an_idle_session_is_signed_out(client):
    _shift(client, last_seen=settings.SESSION_IDLE_TIMEOUT + 60)
    client.cookies["django_language"] = "en"  # the message is written in the language of the request
    response = client.get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert SESSION_KEY not in session_of(client)
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out after 30 minutes without activity." in page


def test_a_busy_session_still_ends_twelve_hours_after_signing_in(client):
    _shift(client, signed_in=settings.SESSION_COOKIE_AGE + 60, last_seen=10)
    response = client.get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert SESSION_KEY not in session_of(client)


def test_an_htmx_request_of_an_idle_session_sends_the_whole_page_to_sign_in(client):
    _shift(client, last_seen=settings.SESSION_IDLE_TIMEOUT + 60)
    response = client.get(PAGE, HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"] == "/accounts/login/"
