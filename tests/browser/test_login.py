"""A person signs in on kantang.localhost in a real browser and sees their municipality."""

import pytest

from ..helpers import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def test_a_kantang_officer_signs_in_and_sees_the_thai_name(live_url, page):
    base = live_url.format(host="kantang.localhost")

    page.goto(base + "/")
    assert "/accounts/login/" in page.url  # anonymous visitors go to the login page

    page.fill("#id_username", "engineer")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(base + "/")

    assert page.locator(".name-th").inner_text() == "เทศบาลเมืองกันตัง"
    # The engineer's own work first (issue 16): the municipality's codes card is optional now.
    assert page.locator("[data-widget]").first.get_attribute("data-widget") == "requests.mine"


def test_a_wrong_password_keeps_the_person_on_the_login_page(live_url, page):
    base = live_url.format(host="nueaklong.localhost")

    page.goto(base + "/accounts/login/")
    page.fill("#id_username", "nurse")
    page.fill("#id_password", "not-the-password")
    page.click("button[type=submit].primary")

    assert "/accounts/login/" in page.url
    assert page.locator(".form-errors").is_visible()
    assert page.locator(".name-th").inner_text() == "เทศบาลตำบลเหนือคลอง"


@pytest.fixture
def executive_home_map(live_url, django_db_blocker, monkeypatch):
    """kantang's executive gets the (optional) map widget on her home page, then the defaults again."""
    from django.db import connection

    from tenants.models import ComponentSettings, CustomizationVersion, Municipality
    from tenants.services.components import components_for, components_update

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # ORM calls between Playwright steps
    with django_db_blocker.unblock():
        kantang = Municipality.objects.get(schema_name="kantang")
        assert not ComponentSettings.objects.filter(municipality=kantang).exists()
        data = components_for(kantang).as_data()
        for entry in data["roles"]["executive"]:
            entry["enabled"] = entry["enabled"] or entry["widget"] == "municipality.map"
        components_update(municipality=kantang, data=data, editor=None)
    yield
    with django_db_blocker.unblock():
        ComponentSettings.objects.filter(municipality=kantang).delete()
        CustomizationVersion.objects.filter(municipality=kantang, kind="components").delete()
        connection.close()


def test_the_home_map_runs_under_the_content_security_policy(live_url, page, executive_home_map):
    base = live_url.format(host="kantang.localhost")
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(base + "/accounts/login/")
    page.fill("#id_username", "executive")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(base + "/")
    page.wait_for_selector("#home-map .leaflet-interactive")  # the centre marker, drawn by our script

    # Base-map tiles cannot load on a closed network; everything else must run cleanly.
    assert [p for p in problems if "ERR_NAME_NOT_RESOLVED" not in p and "tile" not in p] == []
