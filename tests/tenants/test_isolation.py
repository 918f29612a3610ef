"""One municipality's data is never visible from another (ORM, HTTP, sign-in, sessions)."""

import pytest
from django_tenants.utils import schema_context

from accounts.models import User
from accounts.roles import Role
from accounts.services import user_create

from ..helpers import DEMO_PASSWORD, host_client, login


def _make_user(schema: str, username: str, role: Role = Role.ENGINEER) -> User:
    with schema_context(schema):
        return user_create(username=username, password=DEMO_PASSWORD, role=role)


def test_it_keeps_a_kantang_row_out_of_nueaklong_through_the_orm(kantang, nueaklong):
    _make_user("kantang", "somchai_kt")

    with schema_context("kantang"):
        assert User.objects.filter(username="somchai_kt").exists()
    with schema_context("nueaklong"):
        assert not User.objects.filter(username="somchai_kt").exists()


def test_it_keeps_a_nueaklong_row_out_of_kantang_through_the_orm(kantang, nueaklong):
    _make_user("nueaklong", "suda_nk")

    with schema_context("nueaklong"):
        assert User.objects.filter(username="suda_nk").exists()
    with schema_context("kantang"):
        assert not User.objects.filter(username="suda_nk").exists()


@pytest.mark.parametrize(("owner", "other"), [("kantang", "nueaklong"), ("nueaklong", "kantang")])
def test_it_keeps_a_row_out_of_the_other_municipality_over_http(owner, other, kantang, nueaklong):
    _make_user(owner, f"only_in_{owner}")
    owner_client = login(host_client(f"{owner}.localhost"), owner, "admin")
    other_client = login(host_client(f"{other}.localhost"), other, "admin")

    owner_page = owner_client.get("/accounts/users/", {"q": f"only_in_{owner}"})
    other_page = other_client.get("/accounts/users/", {"q": f"only_in_{owner}"})

    row = f">only_in_{owner}</a>"  # the username as a link in the results table
    assert owner_page.status_code == 200 and row in owner_page.text
    assert other_page.status_code == 200 and row not in other_page.text


def test_it_answers_404_for_an_unknown_host(db):
    response = host_client("nowhere.localhost").get("/")

    assert response.status_code == 404


@pytest.mark.parametrize(("home", "away"), [("kantang", "nueaklong"), ("nueaklong", "kantang")])
def test_a_user_cannot_sign_in_on_another_municipality(home, away, kantang, nueaklong):
    _make_user(home, f"staff_of_{home}")

    at_home = host_client(f"{home}.localhost").post(
        "/accounts/login/", {"username": f"staff_of_{home}", "password": DEMO_PASSWORD}
    )
    away_attempt = host_client(f"{away}.localhost").post(
        "/accounts/login/", {"username": f"staff_of_{home}", "password": DEMO_PASSWORD}
    )

    assert at_home.status_code == 302
    assert away_attempt.status_code == 200  # the form again, with an error
    assert "_auth_user_id" not in away_attempt.wsgi_request.session


def test_a_kantang_session_is_worthless_on_nueaklong(kantang, nueaklong):
    client = login(host_client("kantang.localhost"), "kantang", "admin")
    assert client.get("/").status_code == 200

    client.defaults["HTTP_HOST"] = "nueaklong.localhost"  # same cookie jar, other host
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_console_is_not_served_on_a_municipality_host(kantang):
    client = login(host_client("kantang.localhost"), "kantang", "admin")

    assert client.get("/municipalities/new/").status_code == 404


def test_municipality_pages_are_not_served_on_the_console_host(db):
    client = login(host_client("localhost"), "public", "platform")

    assert client.get("/accounts/users/").status_code == 404
