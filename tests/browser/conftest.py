"""A real web server (gunicorn on the test database) and headless Debian Chromium driven by
Playwright, for tests that check what a person sees."""

import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from ..helpers import ROOT, free_port, subprocess_env
from .map_helpers import phone_page

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps dialling Google's hosts, which this
# closed network refuses (see the machine notes in the README).
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def live_url(django_db_setup, django_db_blocker):
    """Base URL template, e.g. http://{host}:PORT, of gunicorn serving the test database."""
    port = free_port()
    with django_db_blocker.unblock():
        env = subprocess_env()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "cityplatform.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--threads", "4", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                break
        except (urllib.error.URLError, ConnectionError, TimeoutError):  # a slow first answer too
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("the test web server did not start")
            time.sleep(0.2)
    yield "http://{host}:" + str(port)
    server.terminate()
    server.wait(timeout=20)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which("chromium") and not shutil.which(CHROMIUM):
        pytest.fail("Debian's chromium is not installed; `make test` installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="th-TH", viewport={"width": 390, "height": 844})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    """A Thai 390 px touch phone whose script errors gather in `phone.problems`."""
    page = phone_page(browser)
    yield page
    page.context.close()
