"""Failed sign-ins are counted per client address across usernames (password spraying), and
failed password changes per user (issue 22, finding 4); both answer 429 with a message and try
nothing more until the window ends."""

import pytest
from django.core.cache import cache
from django_tenants.utils import schema_context

from accounts.models import User

from ..helpers import DEMO_PASSWORD, host_client, login

pytestmark = pytest.mark.django_db
SPRAYER, NEIGHBOUR = "198.51.100.7", "198.51.100.8"


@pytest.fixture(autouse=True)
def _small_limits(settings):
    cache.clear()  # counters live in Redis, outside the test's transaction
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login-failure": (3, 900), "password-change": (2, 900)}
    yield
    cache.clear()


def sign_in(username, password, address=SPRAYER):
    client = host_client("kantang.localhost")
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_one_address_trying_many_usernames_is_stopped(kantang):
    # One wrong password each for three different accounts: axes (per username) sees one each.
    for username in ("nurse", "engineer", "executive"):
        assert sign_in(username, "Summer2024!").status_code == 200
    refused = sign_in("admin", DEMO_PASSWORD)  # even the right password: nothing is tried
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "_auth_user_id" not in refused.client.session
    # Another address is not affected.
    assert sign_in("admin", DEMO_PASSWORD, address=NEIGHBOUR).status_code == 302


def test_successful_sign_ins_do_not_count(kantang):
    for _ in range(4):
        assert sign_in("nurse", DEMO_PASSWORD).status_code == 302


def test_password_changes_are_throttled_per_user(kantang):
    client = login(host_client("kantang.localhost"), "kantang", "nurse")
    wrong = {"old_password": "not-my-password", "new_password1": "a-brand-new-pass-9",
             "new_password2": "a-brand-new-pass-9"}
    for _ in range(2):
        assert client.post("/accounts/password/", wrong).status_code == 200
    right = {**wrong, "old_password": DEMO_PASSWORD}
    refused = client.post("/accounts/password/", right)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    with schema_context("kantang"):
        assert User.objects.get(username="nurse").check_password(DEMO_PASSWORD)
    # Another user is not affected.
    other = login(host_client("kantang.localhost"), "kantang", "engineer")
    assert other.post("/accounts/password/", {**right}).status_code == 302
