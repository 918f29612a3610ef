"""Settings come from the environment and fail loudly; production settings pass check --deploy."""

import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from cityplatform.env import database_from_url, env_bool, env_int

from .helpers import ROOT


def _run(code: str, **env) -> subprocess.CompletedProcess:
    # DEV_ENV_FILE: not this checkout's var/dev.env, which `make run` writes with DEMO_MODE=1.
    base = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "cityplatform.settings",
            "DEV_ENV_FILE": "/dev/null"}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**base, **env},
                          capture_output=True, text=True, timeout=60)


def test_a_bad_boolean_is_an_error(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        env_bool("DEBUG")


def test_a_bad_number_is_an_error(monkeypatch):
    monkeypatch.setenv("DB_POOL_MAX", "eight")
    with pytest.raises(ImproperlyConfigured, match="DB_POOL_MAX"):
        env_int("DB_POOL_MAX", 8)


def test_a_database_url_is_read_into_parts():
    assert database_from_url("postgres://u:p%40ss@db.example:6432/city") == {
        "NAME": "city", "USER": "u", "PASSWORD": "p@ss", "HOST": "db.example", "PORT": "6432",
    }
    with pytest.raises(ImproperlyConfigured):
        database_from_url("mysql://u@h/db")


def test_production_refuses_to_start_without_a_secret_key():
    result = _run("import django; django.setup()", DEBUG="0")

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


# Fixed, valid keys for the subprocesses (a Fernet key is 32 url-safe base64 bytes).
PDPA_ENV = {"PDPA_ENCRYPTION_KEYS": "A" * 43 + "=", "PDPA_HASH_KEY": "h" * 40}


def test_production_refuses_to_start_without_the_personal_data_keys():
    result = _run("import django; django.setup()", DEBUG="0", SECRET_KEY="k" * 64)

    assert result.returncode != 0
    assert "PDPA_ENCRYPTION_KEYS and PDPA_HASH_KEY must be set" in result.stderr


def test_production_settings_pass_the_deployment_check():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "0", "SECRET_KEY": "k" * 64 + "-Zq9!x",
             "DEV_ENV_FILE": "/dev/null", "DJANGO_SETTINGS_MODULE": "cityplatform.settings", **PDPA_ENV},
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_demo_serves_without_debug_over_plain_http_on_localhost():
    """`make run`: DEBUG off (what users see), demo mode on (no secrets to set up, http)."""
    code = ("import django; django.setup(); from django.conf import settings as s; "
            "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, "
            "'.localhost' in s.ALLOWED_HOSTS, s.EMAIL_BACKEND.rsplit('.', 1)[-1])")
    result = _run(code, DEBUG="0", DEMO_MODE="1", HOME="/tmp")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False", "0", "False", "True", "EmailBackend"]
    assert "console" in _run("import django; django.setup(); from django.conf import settings as s; "
                             "print(s.EMAIL_BACKEND)", DEBUG="0", DEMO_MODE="1").stdout
