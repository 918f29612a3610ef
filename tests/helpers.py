"""Helpers the tests share (not fixtures)."""

import contextlib
import os
import socket
import subprocess
import sys
from pathlib import Path

from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

ROOT = Path(__file__).resolve().parent.parent
# seed_demo uses $DEMO_PASSWORD when it is set (CONTRACT §1), and so do the tests.
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD") or "demo-pass-1234"


def host_client(host: str) -> Client:
    return Client(HTTP_HOST=host)


def login(client: Client, schema: str, username: str) -> Client:
    """Sign `username` of `schema` in on `client` without the login form (axes wants a request)."""
    from accounts.models import User

    with schema_context(schema):
        client.force_login(User.objects.get(username=username))
    return client


def database_url_for_subprocesses() -> str:
    """The URL of the test database, for processes the tests start (worker, web server)."""
    s = connection.settings_dict
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def subprocess_env(**extra) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="cityplatform.settings_test",
        DATABASE_URL=database_url_for_subprocesses(),
        DEBUG="0",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(*args: str, timeout: float = 120, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=subprocess_env(**env),
        capture_output=True, text=True, timeout=timeout,
    )


def kantang_staff(username: str, *, name: str | None = None):
    """A fixture (named `name`, default `username`): kantang's demo account `username`, read inside
    kantang's schema (it asks for the `in_kantang` fixture). In a conftest:
    `nurse = kantang_staff("nurse")`."""
    import pytest

    @pytest.fixture(name=name or username)
    def staff(in_kantang):
        from accounts.models import User

        return User.objects.get(username=username)

    return staff


@contextlib.contextmanager
def celery_worker(queue: str, *, env: dict, concurrency: int, **popen):
    """A real Celery worker process (prefork, as `make run` starts it) taking tasks from `queue`
    only, so no other worker can take them; stopped on leaving. `popen`: where its output goes."""
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "cityplatform", "worker", "--pool=prefork",
         f"--concurrency={concurrency}", "--queues", queue, "--loglevel=WARNING", "--without-gossip",
         "--without-mingle", "--hostname", f"{queue}@test"],
        cwd=ROOT, env=env, **popen,
    )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def error_texts(errors) -> tuple[str, str]:
    """A form field's errors (or any list of messages) read in Thai and in English, each joined by
    spaces: a message must be in one language at a time, never "ไทย / English"."""
    from django.utils import translation

    texts = []
    for language in ("th", "en"):
        with translation.override(language):
            texts.append(" ".join(str(error) for error in errors))
    return texts[0], texts[1]
