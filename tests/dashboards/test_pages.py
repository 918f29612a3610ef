"""The dashboard page and the home-page widgets, by role."""

from urllib.parse import quote

from django.utils import timezone, translation
from django_tenants.utils import schema_context

from dashboards.models import RefreshState
from kernel.thaidate import thai_datetime

from ..helpers import login
from .conftest import COMMUNITY

PAGE = "/dashboard/"
FILTERED = f"{PAGE}?community={quote(COMMUNITY)}&months=12"
HEALTH_MARKERS = ('id="sec-health"', 'id="ch-pyramid', 'id="ch-adl', 'id="ch-ncd')


def _get(client, username, url=FILTERED):
    login(client, "kantang", username)
    return client.get(url)


def test_the_executive_sees_every_section_with_updated_at(refreshed, kantang_client):
    response = _get(kantang_client, "executive")
    assert response.status_code == 200
    html = response.content.decode()
    for marker in ('id="sec-infra"', 'id="sec-req"', *HEALTH_MARKERS):
        assert marker in html
    with schema_context("kantang"):
        updated = RefreshState.objects.get(part="health").refreshed_at
    assert f'datetime="{timezone.localtime(updated).isoformat()}"' in html
    with translation.override("th"):
        assert thai_datetime(updated).split(" ")[2] in html  # the Buddhist-Era year


def test_an_engineers_dashboard_has_no_health_figures(refreshed, kantang_client):
    response = _get(kantang_client, "engineer")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="sec-infra"' in html and 'id="sec-req"' in html
    for marker in HEALTH_MARKERS:
        assert marker not in html
    home = kantang_client.get("/").content.decode()
    assert 'data-widget="requests.mine"' in home  # the engineer's own home (issue 16)
    assert 'data-widget="dashboards.health"' not in home


def test_a_nurse_sees_health_figures_with_links_to_the_care_lists(refreshed, kantang_client):
    html = _get(kantang_client, "nurse").content.decode()
    assert 'id="sec-health"' in html and 'id="sec-infra"' not in html
    assert "/health/care/bedridden/" in html and "/health/care/elderly/?" in html


def test_an_executive_gets_no_links_to_person_lists(refreshed, kantang_client):
    html = _get(kantang_client, "executive").content.decode()
    assert "/health/care/" not in html and "/health/persons/" not in html
    # … but the lists behind infrastructure figures
    assert "/infrastructure/assets/?" in html and "condition=poor" in html
    assert "queue=overdue&amp;category=flood" in html


def test_the_filtered_figures_are_the_communitys(refreshed, kantang_client):
    html = _get(kantang_client, "executive").content.decode()
    assert '<span class="kpi-value">75.0 %</span>' in html  # 3 of 4 assets poor or out of service
    assert '<span class="kpi-value">6</span>' in html  # requests opened in 12 months


def test_a_volunteer_gets_403(refreshed, kantang_client):
    assert _get(kantang_client, "volunteer").status_code == 403
    assert _get(kantang_client, "volunteer", "/dashboard/disaster/").status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(kantang_client):
    response = kantang_client.get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_unknown_community_is_refused_with_a_message(refreshed, kantang_client):
    response = _get(kantang_client, "executive", f"{PAGE}?community=nowhere")
    assert response.status_code == 400
    assert 'class="form-errors"' in response.content.decode()


def test_the_home_page_widgets_show_the_figures(refreshed, kantang_client):
    html = _get(kantang_client, "executive", "/").content.decode()
    for key in ("dashboards.infrastructure", "dashboards.requests", "dashboards.health"):
        assert f'data-widget="{key}"' in html
    assert 'href="/dashboard/"' in html


def test_the_page_has_a_print_stylesheet(refreshed, kantang_client):
    html = _get(kantang_client, "executive").content.decode()
    assert "css/dashboards.css" in html
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "static/css/dashboards.css").read_text()
    assert "@media print" in css and "break-before: page" in css


def test_inline_scripts_carry_the_nonce_and_assets_are_served_locally(refreshed, kantang_client):
    import re

    from django.contrib.staticfiles import finders

    for username, url, map_id in (("executive", f"{PAGE}?months=12", "hotspot-map"),
                                  ("nurse", "/dashboard/disaster/", "disaster-map")):
        login(kantang_client, "kantang", username)
        response = kantang_client.get(url)
        assert f'id="{map_id}"' in response.text
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
        inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", response.text)
        assert all(f'nonce="{nonce}"' in a or "application/json" in a for a in inline)
        # The app manifest is a page of the platform itself (/manifest.webmanifest, issue 16).
        for asset in re.findall(r'<(?:script|link)(?![^>]*rel="manifest")[^>]+(?:src|href)="([^"]+)"',
                                response.text):
            assert asset.startswith("/static/") and finders.find(asset.removeprefix("/static/")), asset


def test_a_cached_page_shows_new_figures_as_soon_as_they_are_refreshed(refreshed, kantang_client):
    from dashboards.services import dashboard_refresh
    from infrastructure.models import Asset

    def poor_percent(html):
        return html.split('class="kpi-label">poor or out of service', 1)[0].rsplit('class="kpi-value">', 1)[1]

    with translation.override("en"):
        kantang_client.cookies["django_language"] = "en"
        first = _get(kantang_client, "executive").content.decode()
        assert _get(kantang_client, "executive").content.decode().count('id="sec-infra"') == 1  # from cache
        with schema_context("kantang"):
            Asset.objects.filter(code__startswith="DASH-").update(condition="good")
            assert poor_percent(kantang_client.get(FILTERED).content.decode()) == poor_percent(first)
            dashboard_refresh()
        after = kantang_client.get(FILTERED).content.decode()
    assert poor_percent(first) != poor_percent(after)
    assert poor_percent(after).startswith("0")
