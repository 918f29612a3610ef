"""Every error page a person can meet — 400, 403, 404, 410, 500, 503 — is friendly, in the reader's
language only (the language cookie, also before sessions and the database), shows whose site it
is, and offers a way back; the Thai one has no Latin words off the allow-list."""

import uuid

import pytest
from django.test import Client
from django.utils import timezone, translation

from tenants.models import Municipality
from tenants.routing import tenant_cache_clear

from .helpers import host_client, login
from .http.test_database_outage import database_down
from .thai_text import latin_words, typed_words, visible_text

KANTANG = "เทศบาลเมืองกันตัง"


def client(host: str = "kantang.localhost", *, language: str, username: str | None = None,
           schema: str = "kantang", **options) -> Client:
    reader = Client(HTTP_HOST=host, **options)
    if username:
        login(reader, schema, username)
    reader.cookies["django_language"] = language
    return reader


def assert_friendly(response, status: int, *, language: str, heading: str, way_back: str | None = "/",
                    municipality: str | None = KANTANG) -> str:
    html = response.content.decode()
    assert response.status_code == status, html[:300]
    assert response["Content-Type"].startswith("text/html")
    assert f'<html lang="{language}">' in html
    with translation.override(language):
        assert translation.gettext(heading) in html
    if way_back:
        assert f'href="{way_back}"' in html  # a way back
    if municipality:
        assert municipality in html  # whose site: the municipality's own header
    if language == "th":
        found = latin_words(visible_text(html), allowed=typed_words())
        assert found == [], found
    else:
        assert "ไม่" not in "".join(visible_text(html)).replace(KANTANG, "")  # no Thai sentence
    return html


@pytest.mark.parametrize("language", ["th", "en"])
def test_a_body_the_platform_cannot_read_is_a_friendly_400(kantang, language):
    response = client(language=language).post("/report/", data=b"x", content_type="multipart/form-data")

    assert_friendly(response, 400, language=language, heading="The request could not be read")


@pytest.mark.parametrize("language", ["th", "en"])
def test_a_host_django_refuses_is_a_friendly_400(db, language):
    response = client("kantang.example.org", language=language).get("/")

    assert_friendly(response, 400, language=language, heading="The request could not be read",
                    municipality=None)


@pytest.mark.parametrize("language", ["th", "en"])
def test_too_many_reports_from_one_connection_is_a_friendly_429(kantang, language, settings):
    from django.core.cache import cache

    cache.clear()  # the counters live in Redis, outside the test's transaction
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report-attempt": (1, 600)}
    reader = client(language=language)
    reader.post("/report/", {"description": "ท่อแตก"})

    response = reader.post("/report/", {"description": "ท่อแตก"})

    assert_friendly(response, 429, language=language, heading="Too many attempts", way_back="/report/")
    cache.clear()


@pytest.mark.parametrize("language", ["th", "en"])
def test_a_page_the_role_may_not_open_is_a_friendly_403(kantang, language):
    response = client(language=language, username="volunteer").get("/infrastructure/assets/")

    assert_friendly(response, 403, language=language, heading="No access")


@pytest.mark.parametrize("language", ["th", "en"])
def test_a_stale_form_is_a_friendly_403_not_djangos_csrf_page(kantang, language):
    reader = client(language=language, username="engineer", enforce_csrf_checks=True)

    response = reader.post("/infrastructure/requests/new/", {"description": "ท่อแตก"})

    html = assert_friendly(response, 403, language=language, heading="The form could not be sent")
    assert "CSRF" not in " ".join(visible_text(html))  # not Django's "CSRF verification failed"


@pytest.mark.parametrize("language", ["th", "en"])
@pytest.mark.parametrize("path", ["/no-such-page/", f"/health/persons/{uuid.UUID(int=7)}/"])
def test_a_page_that_is_not_there_is_a_friendly_404(kantang, language, path):
    response = client(language=language, username="nurse").get(path)

    assert_friendly(response, 404, language=language, heading="Page not found")


@pytest.mark.parametrize("language", ["th", "en"])
def test_an_unknown_host_and_the_console_answer_a_friendly_404(db, language):
    unknown = client("nowhere.localhost", language=language).get("/")
    platform = client("localhost", language=language, username="platform", schema="public")
    console = platform.get("/no-such-page/")

    assert_friendly(unknown, 404, language=language, heading="Page not found", municipality=None)
    assert_friendly(console, 404, language=language, heading="Page not found", municipality=None)


@pytest.mark.parametrize("language", ["th", "en"])
def test_an_archived_municipality_answers_a_friendly_410(kantang, language):
    Municipality.objects.filter(pk=kantang.pk).update(archived_at=timezone.now())
    tenant_cache_clear()

    response = client(language=language).get("/report/")

    name = KANTANG if language == "th" else "Kantang Town Municipality"
    assert_friendly(response, 410, language=language, heading="Service closed", way_back=None,
                    municipality=name)


@pytest.mark.parametrize("language", ["th", "en"])
def test_a_suspended_municipality_answers_a_friendly_503(kantang, language):
    Municipality.objects.filter(pk=kantang.pk).update(is_active=False)
    tenant_cache_clear()

    response = client(language=language).get("/report/")

    assert_friendly(response, 503, language=language, heading="Service suspended", way_back=None)


@pytest.mark.parametrize("language", ["th", "en"])
def test_the_database_away_is_a_friendly_503(kantang, language, monkeypatch):
    reader = client(language=language)
    reader.raise_request_exception = False  # what the browser gets, not the exception behind it
    assert reader.get("/report/").status_code == 200  # the host is known before the outage

    with database_down(monkeypatch):
        response = reader.get("/report/")

    assert_friendly(response, 503, language=language, heading="Temporarily unavailable")


@pytest.mark.parametrize("language", ["th", "en"])
def test_a_bug_is_a_friendly_500_in_the_municipalitys_colours(kantang, language, monkeypatch):
    from infrastructure.views import public
    from tenants.models import Theme

    Theme.objects.update_or_create(municipality=kantang, defaults={"primary_color": "#7a1f5c"})

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(public, "PublicReportForm", broken)
    reader = client(language=language)
    reader.raise_request_exception = False

    response = reader.get("/report/")

    html = assert_friendly(response, 500, language=language, heading="Something went wrong")
    assert "#7a1f5c" in html


def test_a_module_switched_off_is_a_404_in_thai_without_english(kantang):
    from .tenants.test_module_off_page import _switch_off

    _switch_off(kantang, "public_report")
    response = host_client("kantang.localhost").get("/report/")

    assert_friendly(response, 404, language="th", heading="This service is not open here")
