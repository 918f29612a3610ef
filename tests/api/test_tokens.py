"""API tokens: stored hashed, shown once, revoked, expired, tied to an active user and a schema."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.models import ApiToken, User
from accounts.tokens import api_token_create, api_token_revoke, token_hash

from ..helpers import host_client, login, manage
from .conftest import assert_error_body, call

pytestmark = pytest.mark.django_db


def _engineer():
    return User.objects.get(username="engineer")


def test_only_a_hash_of_the_secret_is_stored_and_use_is_recorded(in_kantang):
    token, raw = api_token_create(user=_engineer(), name="QGIS")
    assert raw.startswith("cdp_") and len(raw) >= 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == token_hash(raw) and raw not in (stored.key_hash, stored.prefix)
    assert stored.prefix == raw[:12] and stored.last_used_at is None
    with schema_context("public"):
        assert call("kantang", "GET", "/api/v1/assets/?page_size=1", raw).status_code == 200
    stored.refresh_from_db()
    assert stored.last_used_at is not None and stored.last_used_ip == "127.0.0.1"


@pytest.mark.parametrize("spoil", ["revoke", "expire", "deactivate_user", "typo"])
def test_a_revoked_expired_or_orphaned_token_is_401(in_kantang, spoil):
    token, raw = api_token_create(user=_engineer(), name="t")
    if spoil == "revoke":
        api_token_revoke(token=token)
    elif spoil == "expire":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    elif spoil == "deactivate_user":
        User.objects.filter(username="engineer").update(is_active=False)
    else:
        raw = raw[:-1] + ("A" if raw[-1] != "A" else "B")
    assert_error_body(call("kantang", "GET", "/api/v1/assets/", raw), 401)


def test_a_role_change_applies_to_existing_tokens(in_kantang):
    from accounts.roles import Role
    from accounts.services import user_set_role

    _token, raw = api_token_create(user=_engineer(), name="t")
    assert call("kantang", "GET", "/api/v1/assets/?page_size=1", raw).status_code == 200
    user_set_role(user=_engineer(), role=Role.VOLUNTEER)
    assert_error_body(call("kantang", "GET", "/api/v1/assets/?page_size=1", raw), 403)


def test_create_api_token_prints_only_a_working_token(kantang, capsys):
    call_command("create_api_token", "--schema", "kantang", "--username", "nurse")
    raw = capsys.readouterr().out.strip()
    assert "\n" not in raw and raw.startswith("cdp_")
    assert call("kantang", "GET", "/api/v1/health/summary/", raw).status_code == 200
    with schema_context("kantang"):
        assert ApiToken.objects.get(key_hash=token_hash(raw)).user.username == "nurse"


def test_create_api_token_fails_clearly_for_unknown_schema_or_user(kantang):
    unknown_schema = manage("create_api_token", "--schema", "nowhere", "--username", "admin")
    assert unknown_schema.returncode != 0 and "nowhere" in unknown_schema.stderr
    assert "ไม่พบ" in unknown_schema.stderr and unknown_schema.stdout == ""
    unknown_user = manage("create_api_token", "--schema", "kantang", "--username", "ghost")
    assert unknown_user.returncode != 0 and "ghost" in unknown_user.stderr


def test_tokens_are_made_shown_once_and_revoked_on_the_profile_page(kantang):
    client = login(host_client("kantang.localhost"), "kantang", "executive")
    made = client.post("/accounts/profile/tokens/", {"name": "Power BI", "days": "30"})
    assert made.status_code == 201 and made["Cache-Control"].startswith("max-age=0")
    page = made.content.decode()
    raw = page.split('data-testid="new-token">', 1)[1].split("<", 1)[0]
    assert call("kantang", "GET", "/api/v1/health/summary/", raw).status_code == 200
    listed = client.get("/accounts/profile/").content.decode()
    assert "Power BI" in listed and raw not in listed and raw[:12] in listed
    with schema_context("kantang"):
        token = ApiToken.objects.get(key_hash=token_hash(raw))
        assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    assert client.post(f"/accounts/profile/tokens/{token.pk}/revoke/").status_code == 302
    assert_error_body(call("kantang", "GET", "/api/v1/health/summary/", raw), 401)


def test_nobody_revokes_someone_elses_token_and_a_nameless_token_is_refused(kantang):
    with schema_context("kantang"):
        token, raw = api_token_create(user=_engineer(), name="engineer's")
    client = login(host_client("kantang.localhost"), "kantang", "admin")
    assert client.post(f"/accounts/profile/tokens/{token.pk}/revoke/").status_code == 404
    assert call("kantang", "GET", "/api/v1/assets/?page_size=1", raw).status_code == 200
    refused = client.post("/accounts/profile/tokens/", {"name": "  "})
    assert refused.status_code == 400 and "data-testid=\"new-token\"" not in refused.content.decode()


def test_the_platform_team_makes_tokens_on_the_console_profile(db):
    client = login(host_client("localhost"), "public", "platform")
    made = client.post("/accounts/profile/tokens/", {"name": "national dashboard"})
    raw = made.content.decode().split('data-testid="new-token">', 1)[1].split("<", 1)[0]
    assert call("public", "GET", "/api/v1/national/indicators/", raw).status_code == 200
