"""A municipality's admin connects its LINE Official Account: the secret and token are sealed
(kernel.crypto), never shown again, kept when left empty, and only the admin may see the page."""

from django.db import connection

from tenants.models import LineChannel

from ..helpers import host_client, login

SECRET = "0123456789abcdef0123456789abcdef"
TOKEN = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/AbCdEfGh="


def english(client):
    client.cookies["django_language"] = "en"
    return client


def test_the_admin_connects_line_and_the_secrets_are_stored_sealed(kantang):
    admin = english(login(host_client("kantang.localhost"), "kantang", "admin"))
    page = admin.get("/settings/line/")
    assert page.status_code == 200
    assert "https://kantang.localhost/line/webhook/" in page.text
    assert '<span translate="no">Use webhook</span>' in page.text  # LINE's own button, as LINE shows it
    assert "no-store" in page.headers["Cache-Control"]  # a page about credentials is never cached

    response = admin.post("/settings/line/",
                          {"enabled": "on", "channel_secret": SECRET, "access_token": TOKEN})
    assert response.status_code == 302
    channel = LineChannel.objects.get(municipality=kantang)
    assert channel.is_ready and channel.updated_by.endswith("(admin@kantang)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT channel_secret_sealed || access_token_sealed FROM tenants_linechannel "
                       "WHERE id = %s", [channel.pk])
        stored = cursor.fetchone()[0]
    assert SECRET not in stored and TOKEN not in stored
    assert channel.channel_secret == SECRET and channel.access_token == TOKEN

    page = admin.get("/settings/line/").text
    assert SECRET not in page and TOKEN not in page
    assert "A channel secret is saved" in page

    # Switching off without re-entering anything keeps both credentials.
    assert admin.post("/settings/line/", {"channel_secret": "", "access_token": ""}).status_code == 302
    channel.refresh_from_db()
    assert not channel.is_ready and channel.channel_secret == SECRET and channel.access_token == TOKEN


def test_turning_line_on_without_credentials_or_with_a_wrong_shape_is_refused(kantang):
    admin = english(login(host_client("kantang.localhost"), "kantang", "admin"))
    page = admin.post("/settings/line/", {"enabled": "on", "channel_secret": "", "access_token": ""})
    assert page.status_code == 200 and "Enter the channel secret to turn LINE on." in page.text
    page = admin.post("/settings/line/", {"enabled": "on", "channel_secret": TOKEN, "access_token": SECRET})
    assert "A channel secret is 32 hexadecimal digits." in page.text
    assert not LineChannel.objects.filter(municipality=kantang).exists()


def test_the_page_is_the_admins_only(kantang):
    assert host_client("kantang.localhost").get("/settings/line/").status_code in (302, 403)
    engineer = login(host_client("kantang.localhost"), "kantang", "engineer")
    assert engineer.get("/settings/line/").status_code == 403
