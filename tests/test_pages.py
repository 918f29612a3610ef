"""What every page carries: a content security policy, and only assets served by the platform."""

import re

from django.contrib.staticfiles import finders

from .helpers import host_client, login


def _home():
    # The health map: a page with a map, whose script is inline (the home pages have no map by
    # default since each role got its own, issue 16).
    return login(host_client("kantang.localhost"), "kantang", "nurse").get("/health/map/")


def test_pages_carry_a_strict_content_security_policy(kantang):
    policy = _home()["Content-Security-Policy"]

    script_src = re.search(r"script-src ([^;]+)", policy).group(1).split()
    assert "'self'" in script_src and any(s.startswith("'nonce-") for s in script_src)
    assert "'unsafe-inline'" not in script_src
    assert "frame-ancestors 'none'" in policy


def test_every_inline_script_carries_the_nonce(kantang):
    response = _home()
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)

    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", response.text)
    assert inline, "the health map has its map script inline"
    assert all(f'nonce="{nonce}"' in attributes or "application/json" in attributes for attributes in inline)


def test_scripts_styles_and_fonts_are_served_by_the_platform(kantang):
    html = _home().text

    # The app manifest is a page of the platform itself (/manifest.webmanifest, issue 16).
    assets = re.findall(r'<(?:script|link)(?![^>]*rel="manifest")[^>]+(?:src|href)="([^"]+)"', html)
    assert assets and all(url.startswith("/static/") for url in assets), assets
    for url in assets:
        assert finders.find(url.removeprefix("/static/")), f"{url} is referenced but not shipped"
