"""The console host (localhost, schema public) and the municipality hosts do not serve each
other's pages, and an account of one cannot sign in on the other."""

import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django_tenants.utils import schema_context

from accounts.models import User

from ..helpers import DEMO_PASSWORD, host_client, login

PUBLIC_URLCONF = "cityplatform.urls_public"
TENANT_URLCONF = "cityplatform.urls_tenant"
SAMPLES = {"int": "1", "slug": "kantang", "str": "x", "path": "x", "uuid": str(uuid.uuid4())}


def _sample(pattern) -> str:
    text = str(pattern)
    if text.startswith("^") or text.endswith("$"):  # a regular expression (re_path)
        text = text.lstrip("^").rstrip("$").replace("\\.", ".")
        # A named group becomes its first alternative (csv|xlsx → csv), or "x" for a class.
        def first(match: re.Match) -> str:
            alternative = match.group(1).split("|")[0]
            return "x" if alternative.startswith("[") else alternative.strip("-\\w+") or "x"

        return re.sub(r"\(\?P<\w+>([^)]*)\)", first, text)
    return re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES.get(m.group(1) or "str", "x"), text)


def _paths(urlconf: str) -> list[str]:
    found = []

    def walk(patterns, prefix):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + _sample(entry.pattern))
            elif isinstance(entry, URLPattern):
                found.append("/" + prefix + _sample(entry.pattern))

    walk(get_resolver(urlconf).url_patterns, "")
    return sorted(set(found))


def _resolves(path: str, urlconf: str) -> bool:
    try:
        resolve(path, urlconf=urlconf)
    except Resolver404:
        return False
    return True


def _console_only_paths() -> list[str]:
    return [p for p in _paths(PUBLIC_URLCONF) if p != "/" and not _resolves(p, TENANT_URLCONF)]


def _tenant_only_paths() -> list[str]:
    return [p for p in _paths(TENANT_URLCONF) if p != "/" and not _resolves(p, PUBLIC_URLCONF)]


def test_the_sampled_paths_really_are_the_hosts_pages():
    console, tenant = _console_only_paths(), _tenant_only_paths()

    assert all(_resolves(p, PUBLIC_URLCONF) for p in console)
    assert all(_resolves(p, TENANT_URLCONF) for p in tenant)
    assert {"/platform-users/", "/municipalities/kantang/", "/municipalities/new/"} <= set(console)
    for prefix in ("/health/", "/infrastructure/", "/settings/", "/change-requests/", "/report/",
                   "/accounts/users/"):
        assert any(p.startswith(prefix) for p in tenant), prefix


def test_no_console_page_exists_on_a_municipality_host(kantang):
    client = login(host_client("kantang.localhost"), "kantang", "admin")

    served = {path: client.get(path).status_code for path in _console_only_paths()}

    assert served and {path: code for path, code in served.items() if code != 404} == {}


def test_no_municipality_page_exists_on_the_console_host(db):
    client = login(host_client("localhost"), "public", "platform")

    served = {path: client.get(path).status_code for path in _tenant_only_paths()}

    assert served and {path: code for path, code in served.items() if code != 404} == {}


@pytest.mark.parametrize("path", ["/health/", "/infrastructure/assets/", "/settings/", "/report/",
                                  "/accounts/users/", "/change-requests/new/"])
def test_the_main_municipality_sections_are_404_on_the_console(path, db):
    client = login(host_client("localhost"), "public", "platform")

    assert client.get(path).status_code == 404


def test_a_municipal_admin_cannot_sign_in_on_the_console(kantang):
    with schema_context("public"):
        assert not User.objects.filter(username="admin").exists()

    response = host_client("localhost").post(
        "/accounts/login/", {"username": "admin", "password": DEMO_PASSWORD}
    )

    assert response.status_code == 200  # the form again, with its error; a success is a 302
    assert "_auth_user_id" not in host_client("localhost").session


def test_a_municipal_session_does_not_open_the_console(kantang):
    client = login(host_client("kantang.localhost"), "kantang", "admin")
    client.defaults["HTTP_HOST"] = "localhost"  # the same cookie sent to the console host

    response = client.get("/platform-users/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_platform_user_cannot_sign_in_on_a_municipality(kantang):
    response = host_client("kantang.localhost").post(
        "/accounts/login/", {"username": "platform", "password": DEMO_PASSWORD}
    )

    assert response.status_code == 200
