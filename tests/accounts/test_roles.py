"""The roles of CONTRACT §3 exist in every municipality as groups, and decide who may do what."""

import pytest
from django.contrib.auth.models import Group
from django_tenants.utils import schema_context

from accounts.models import User
from accounts.roles import MUNICIPAL_ROLES, Role

from ..helpers import DEMO_PASSWORD, host_client, login


@pytest.mark.parametrize("schema", ["kantang", "nueaklong"])
def test_each_municipality_has_the_five_roles_and_demo_accounts(schema, kantang, nueaklong):
    with schema_context(schema):
        assert set(Group.objects.values_list("name", flat=True)) >= {r.value for r in MUNICIPAL_ROLES}
        for role in MUNICIPAL_ROLES:
            assert User.objects.get(username=role.value).role == role


def test_the_platform_account_lives_in_public_only(kantang):
    with schema_context("public"):
        assert User.objects.get(username="platform").role == Role.PLATFORM
    with schema_context("kantang"):
        assert not User.objects.filter(username="platform").exists()


@pytest.mark.parametrize(
    ("username", "status"),
    [("admin", 200), ("executive", 403), ("engineer", 403), ("nurse", 403), ("volunteer", 403)],
)
def test_only_the_municipal_admin_manages_users(username, status, kantang):
    client = login(host_client("kantang.localhost"), "kantang", username)

    assert client.get("/accounts/users/").status_code == status
    assert client.get("/accounts/users/new/").status_code == status


def test_the_users_menu_shows_for_the_admin_only(kantang):
    admin_home = login(host_client("kantang.localhost"), "kantang", "admin").get("/")
    nurse_home = login(host_client("kantang.localhost"), "kantang", "nurse").get("/")

    assert 'href="/accounts/users/"' in admin_home.text
    assert 'href="/accounts/users/"' not in nurse_home.text


def test_an_anonymous_visitor_is_sent_to_the_login_page(kantang):
    response = host_client("kantang.localhost").get("/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_a_successful_login_answers_302(kantang):
    response = host_client("kantang.localhost").post(
        "/accounts/login/", {"username": "executive", "password": DEMO_PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_five_failed_logins_lock_the_account(kantang):
    client = host_client("kantang.localhost")
    for _ in range(5):
        client.post("/accounts/login/", {"username": "nurse", "password": "wrong-password"})

    locked = client.post("/accounts/login/", {"username": "nurse", "password": DEMO_PASSWORD})

    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_roles_get_permissions_of_every_app_when_a_schema_is_migrated(db):
    # The role sync must run after the last app's permissions exist, not after accounts' own.
    from django.apps import apps
    from django.db.models.signals import post_migrate

    from accounts import roles

    calls = []
    original = roles.roles_sync
    roles.roles_sync = lambda: calls.append(True)
    try:
        for config in apps.get_app_configs():
            if config.models_module is not None:
                post_migrate.send(sender=config, app_config=config, using="default", verbosity=0,
                                  interactive=False, plan=[], apps=apps)
                if calls:
                    break
    finally:
        roles.roles_sync = original
    last = [c for c in apps.get_app_configs() if c.models_module is not None][-1]
    assert calls == [True] and config is last


def test_roles_sync_adds_new_grants_and_withdraws_old_ones(kantang):
    from accounts import roles

    with schema_context("kantang"):
        executive = Group.objects.get(name="executive")
        roles.grant(Role.EXECUTIVE, "accounts.manage_users")
        try:
            roles.roles_sync()
            granted = set(executive.permissions.values_list("codename", flat=True))
        finally:
            roles._grants[Role.EXECUTIVE].discard("accounts.manage_users")
        roles.roles_sync()
        withdrawn = set(executive.permissions.values_list("codename", flat=True))

    assert "manage_users" in granted
    assert "manage_users" not in withdrawn
