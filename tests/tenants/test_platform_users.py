"""Platform users: the platform team's own accounts in `public`, managed from the console."""

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory
from django_tenants.utils import schema_context

from accounts.models import User
from accounts.roles import Role

from ..helpers import host_client, login

NEW_PASSWORD = "Tide-Gauge-Kantang-77"


@pytest.fixture
def platform_client(db):
    return login(host_client("localhost"), "public", "platform")


@pytest.fixture
def colleague(db):
    from accounts.services import user_create

    return user_create(username="somchai", password="Old-Password-2567x", role=Role.PLATFORM,
                       first_name="สมชาย", last_name="ใจดี", email="somchai@example.invalid")


def _authenticates(username, password) -> bool:
    request = RequestFactory().post("/accounts/login/")
    return authenticate(request, username=username, password=password) is not None


def test_the_list_shows_the_platform_team(platform_client, colleague):
    response = platform_client.get("/platform-users/")

    assert response.status_code == 200
    assert "somchai" in response.text and "platform" in response.text


def test_it_creates_a_platform_user_in_public_with_the_platform_role(platform_client):
    response = platform_client.post("/platform-users/new/", {
        "username": "nattaya", "first_name": "ณัฐญา", "last_name": "ทองดี",
        "email": "nattaya@example.invalid", "phone": "", "position": "ARV support",
        "password": NEW_PASSWORD,
    })

    assert response.status_code == 302
    user = User.objects.get(username="nattaya")
    assert user.role == Role.PLATFORM and user.has_perm("accounts.use_console")
    assert _authenticates("nattaya", NEW_PASSWORD)
    with schema_context("kantang"):
        assert not User.objects.filter(username="nattaya").exists()


@pytest.mark.parametrize(("field", "value"), [("password", "12345"), ("email", ""), ("username", "Platform")])
def test_bad_input_creates_nobody_and_says_why(platform_client, field, value):
    data = {"username": "nattaya", "first_name": "ณัฐญา", "last_name": "", "email": "n@example.invalid",
            "phone": "", "position": "", "password": NEW_PASSWORD, field: value}

    response = platform_client.post("/platform-users/new/", data)

    assert response.status_code == 400
    assert 'class="form-errors"' in response.text
    assert User.objects.filter(username__iexact=data["username"]).count() == (
        1 if data["username"] == "Platform" else 0
    )


def test_it_edits_name_email_and_deactivates_a_colleague(platform_client, colleague):
    response = platform_client.post(f"/platform-users/{colleague.pk}/", {
        "first_name": "สมชาย", "last_name": "ใจงาม", "email": "somchai.j@example.invalid",
    })  # is_active left unticked

    assert response.status_code == 302
    colleague.refresh_from_db()
    assert (colleague.last_name, colleague.email, colleague.is_active) == (
        "ใจงาม", "somchai.j@example.invalid", False
    )
    assert not _authenticates("somchai", "Old-Password-2567x")


def test_nobody_can_deactivate_themselves(platform_client):
    me = User.objects.get(username="platform")

    response = platform_client.post(f"/platform-users/{me.pk}/", {
        "first_name": me.first_name, "last_name": "changed", "email": me.email,
    })

    assert response.status_code == 400
    assert 'class="form-errors"' in response.text
    me.refresh_from_db()
    assert me.is_active and me.last_name != "changed"


def test_it_sets_a_colleagues_password(platform_client, colleague):
    response = platform_client.post(f"/platform-users/{colleague.pk}/password/", {"password": NEW_PASSWORD})

    assert response.status_code == 302
    assert _authenticates("somchai", NEW_PASSWORD)
    assert not _authenticates("somchai", "Old-Password-2567x")


def test_a_weak_password_is_refused_and_the_old_one_stays(platform_client, colleague):
    response = platform_client.post(f"/platform-users/{colleague.pk}/password/", {"password": "password"})

    assert response.status_code == 400
    assert _authenticates("somchai", "Old-Password-2567x")


def test_setting_my_own_password_keeps_me_signed_in(platform_client):
    me = User.objects.get(username="platform")

    platform_client.post(f"/platform-users/{me.pk}/password/", {"password": NEW_PASSWORD})

    assert platform_client.get("/platform-users/").status_code == 200


def test_a_public_user_without_the_platform_role_gets_403(colleague):
    User.objects.create_user("guest", password="Guest-Password-2567")
    client = login(host_client("localhost"), "public", "guest")

    assert client.get("/platform-users/").status_code == 403
    assert client.get("/platform-users/new/").status_code == 403
    assert client.post(f"/platform-users/{colleague.pk}/", {"first_name": "x", "email": "x@example.invalid",
                                                             "is_active": "on"}).status_code == 403
    password = client.post(f"/platform-users/{colleague.pk}/password/", {"password": NEW_PASSWORD})
    assert password.status_code == 403
    assert _authenticates("somchai", "Old-Password-2567x")


def test_anonymous_visitors_are_sent_to_sign_in(db):
    response = host_client("localhost").get("/platform-users/")

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_console_navigation_offers_platform_users(platform_client):
    assert 'href="/platform-users/"' in platform_client.get("/").text
