"""Only the municipal admin publishes; the executive may look; other roles get 403."""

import pytest

from ..helpers import host_client, login
from .conftest import publish

SETTINGS = "/settings/open-data/"


@pytest.mark.parametrize("username", ["engineer", "nurse", "volunteer"])
def test_other_roles_may_not_open_the_settings(kantang, username):
    client = login(host_client("kantang.localhost"), "kantang", username)

    assert client.get(SETTINGS).status_code == 403
    assert client.get(f"{SETTINGS}assets/").status_code == 403
    assert client.post(f"{SETTINGS}assets/publish/").status_code == 403


def test_the_executive_sees_the_list_but_may_not_publish(kantang, visitor):
    client = login(host_client("kantang.localhost"), "kantang", "executive")

    page = client.get(SETTINGS)

    assert page.status_code == 200
    assert f'action="{SETTINGS}assets/publish/"' not in page.text
    assert client.post(f"{SETTINGS}assets/publish/").status_code == 403
    assert client.get(f"{SETTINGS}assets/").status_code == 403
    assert visitor.get("/opendata/assets.csv").status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(visitor):
    response = visitor.get(SETTINGS)

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_admin_sees_the_three_datasets_with_a_preview(admin_client):
    page = admin_client.get(SETTINGS)

    assert page.status_code == 200
    for kind in ("assets", "service_requests", "health"):
        assert f'action="{SETTINGS}{kind}/publish/"' in page.text
    assert "asset_type_th" in page.text  # the CSV preview's header
    assert "เทศบาลเมืองกันตัง" in page.text  # defaults come from the municipality


def test_the_admin_menu_links_to_open_data(admin_client):
    assert f'href="{SETTINGS}"' in admin_client.get(SETTINGS).text


def test_publishing_shows_on_the_list(admin_client):
    publish(admin_client, "health")

    page = admin_client.get(SETTINGS)

    assert f'action="{SETTINGS}health/unpublish/"' in page.text


def test_an_unknown_dataset_has_no_settings(admin_client):
    assert admin_client.get(f"{SETTINGS}persons/").status_code == 404
    assert admin_client.post(f"{SETTINGS}persons/publish/").status_code == 404
