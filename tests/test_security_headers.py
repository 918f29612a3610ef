"""Production settings (DEBUG off, behind a TLS proxy) send the security headers and cookie flags a
browser needs, on a municipality's real pages: checked over the WSGI stack, not read from settings."""

import json
import subprocess
import sys

import pytest
from django.conf import settings

from .helpers import ROOT, database_url_for_subprocesses

pytestmark = pytest.mark.django_db

PDPA_ENV = {"PDPA_ENCRYPTION_KEYS": "bmFub3NlY29uZHMtcGFkZGVkLWtleS0zMi1ieXRlcyE=",
            "PDPA_HASH_KEY": "h" * 43}

PROBE = r"""
import json, django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="kantang.localhost", HTTP_X_FORWARDED_PROTO="https")
plain = Client(HTTP_HOST="kantang.localhost")
login = client.get("/accounts/login/", secure=True)
from django_tenants.utils import schema_context
from accounts.models import User
# A user of our own, hashed as production hashes (the seeded ones are MD5 under the test settings);
# signing in through the form makes the real Set-Cookie of the session.
with schema_context("kantang"):
    User.objects.filter(username="header-probe").delete()
    User.objects.create_user("header-probe", password="Probe-pass-2026!x")
try:
    signed = client.post("/accounts/login/", {"username": "header-probe", "password": "Probe-pass-2026!x"},
                         secure=True).status_code
finally:
    with schema_context("kantang"):
        User.objects.filter(username="header-probe").delete()
redirect = plain.get("/accounts/login/")
cookies = {name: {k: str(v) for k, v in morsel.items()} for name, morsel in client.cookies.items()}
print(json.dumps({"headers": dict(login.headers), "signed": signed, "cookies": cookies,
                  "http": [redirect.status_code, redirect.headers.get("Location", "")]}))
"""


@pytest.fixture(scope="module")
def production(django_db_setup, django_db_blocker):
    url = database_url_for_subprocesses()
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True,
        text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "cityplatform.settings", "DEBUG": "0",
             "SECRET_KEY": "k" * 64 + "-Zq9!x", "DATABASE_URL": url, "REDIS_URL": settings.REDIS_URL,
             "DEV_ENV_FILE": "/nonexistent", "PLATFORM_DOMAIN": "localhost", **PDPA_ENV,
             # collectstatic is a build step of the image; the pages here use the source files
             "STATIC_MANIFEST": "0"})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_it_sends_hsts_nosniff_frame_denial_and_a_referrer_policy(production):
    headers = production["headers"]
    assert "max-age=31536000" in headers["Strict-Transport-Security"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


def test_its_content_security_policy_runs_no_inline_script(production):
    policy = dict(part.strip().split(" ", 1) for part in
                  production["headers"]["Content-Security-Policy"].split(";") if " " in part.strip())
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"


def test_its_cookies_are_secure_httponly_and_samesite(production):
    assert production["signed"] == 302, "the probe user could not sign in"
    session, csrf = production["cookies"]["sessionid"], production["cookies"]["csrftoken"]
    for cookie in (session, csrf):
        assert cookie["secure"] == "True" and cookie["samesite"] == "Lax"
    assert session["httponly"] == "True"


def test_plain_http_is_sent_to_https(production):
    status, location = production["http"]
    assert status == 301 and location.startswith("https://kantang.localhost/")
