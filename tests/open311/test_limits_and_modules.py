"""Rate limits (per address for reads and POSTs, per token for filing) and the module switch."""

import pytest
from django_tenants.utils import schema_context

from accounts.models import User
from tenants.registry import get_widget, nav_module
from tenants.services.components import components_for, components_update

from ..helpers import host_client
from .helpers import counts, error_of, post_data

URL = "/open311/v2/requests.json"


def test_reads_over_the_limit_get_429(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "open311-read": (2, 600)}
    assert client.get(URL).status_code == 200
    assert client.get("/open311/v2/services.json").status_code == 200

    response = client.get("/open311/v2/requests/ZZZZ-9999.json")

    assert "request" in error_of(response, 429)
    assert int(response["Retry-After"]) > 0
    assert response["Access-Control-Allow-Origin"] == "*"
    # Another address reads on.
    assert client.get(URL, REMOTE_ADDR="198.51.100.7").status_code == 200


def test_filing_over_the_limit_of_the_token_gets_429(client, settings, token_of):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "open311-submit": (2, 600)}
    first = token_of("engineer")
    assert client.post(URL, post_data(first)).status_code == 201
    assert client.post(URL, post_data(first)).status_code == 201
    before = counts()

    response = client.post(URL, post_data(first))

    error_of(response, 429)
    assert int(response["Retry-After"]) > 0
    assert counts() == before
    # The limit is the token's: another token files on from the same address.
    assert client.post(URL, post_data(token_of("admin"))).status_code == 201


def test_rejected_posts_do_not_use_up_the_tokens_quota(client, settings, engineer_token):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "open311-submit": (1, 600)}
    for _i in range(3):
        assert client.post(URL, post_data(engineer_token, lat="abc")).status_code == 400

    assert client.post(URL, post_data(engineer_token)).status_code == 201


def test_posts_from_one_address_are_limited_before_the_token_is_checked(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "open311-post": (3, 600)}
    for _i in range(3):
        error_of(client.post(URL, post_data("cdp_guess")), 401)

    error_of(client.post(URL, post_data("cdp_guess")), 429)


@pytest.fixture
def requests_switched_off(kantang):
    with schema_context("kantang"):
        admin = User.objects.get(username="admin")
    off = {"public_report", "service_requests"}
    data = components_for(kantang).as_data()
    data["modules"].update(dict.fromkeys(off, False))
    data["navigation"] = [dict(e, hidden=True) if nav_module(e["key"]) in off else e
                          for e in data["navigation"]]
    data["dashboard"] = [dict(e, enabled=False) if get_widget(e["widget"]).module in off else e
                         for e in data["dashboard"]]
    components_update(municipality=kantang, data=data, editor=admin)


def test_open311_goes_with_the_service_requests_module(requests_switched_off, engineer_token, nueaklong):
    client = host_client("kantang.localhost")
    before = counts()

    for response in (client.get("/open311/v2/services.json"), client.get(URL),
                     client.post(URL, post_data(engineer_token))):
        assert response.status_code == 404
        [error] = response.json()
        assert error["code"] == 404 and "/" in error["description"]  # Thai / English
    assert counts() == before
    assert host_client("nueaklong.localhost").get("/open311/v2/services.json").status_code == 200
