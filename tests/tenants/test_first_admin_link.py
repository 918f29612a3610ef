"""The first administrator's password link (issue 17): it opens a Thai page on the municipality's
host, works once, expires, is bound to its municipality, can be issued again from the console, and
`create_municipality --admin-username U --admin-email E` prints it."""

import datetime as dt
import io
import re
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import call_command
from django_tenants.utils import schema_context

from accounts.models import User
from tenants.models import ConsoleAuditEntry, Municipality
from tenants.services.console_audit import Actor
from tenants.services.first_admin import (
    AdminLinkTokenGenerator,
    FirstAdmin,
    admin_link_issue,
    first_admin_create,
)

from ..helpers import host_client

NEW_PASSWORD = "ทางเข้าใหม่-2569-xyz"
PLATFORM = Actor(username="platform", name="ทีมแพลตฟอร์ม")


@pytest.fixture
def kantang_link(kantang, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return first_admin_create(
            municipality=kantang, actor=PLATFORM, base="http://kantang.localhost",
            admin=FirstAdmin(username="newboss", email="newboss@example.invalid", first_name="สมศรี"),
        )


def _path(link) -> str:
    return re.sub(r"^https?://[^/]+", "", link.url)


def _set_password(client, link):
    opened = client.get(_path(link))
    assert opened.status_code == 302  # the token leaves the address bar (and the Referer)
    form_page = client.get(opened["Location"])
    posted = client.post(opened["Location"], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    return form_page, posted


def test_the_link_opens_a_thai_page_where_the_admin_sets_a_password_and_signs_in(kantang_link):
    client = host_client("kantang.localhost")

    form_page, posted = _set_password(client, kantang_link)

    assert form_page.status_code == 200
    assert "ตั้งรหัสผ่าน" in form_page.text and "newboss" in form_page.text
    assert 'name="viewport"' in form_page.text  # a phone-sized page
    assert posted.status_code == 302 and posted["Location"] == "/accounts/login/"
    signed_in = client.post("/accounts/login/", {"username": "newboss", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302


def test_the_link_works_once(kantang_link):
    _set_password(host_client("kantang.localhost"), kantang_link)

    again = host_client("kantang.localhost").get(_path(kantang_link))

    assert again.status_code == 200 and "ลิงก์นี้ใช้ไม่ได้แล้ว" in again.text
    assert 'name="new_password1"' not in again.text


def test_the_link_expires(kantang_link):
    later = dt.datetime.now() + dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    with mock.patch.object(AdminLinkTokenGenerator, "_now", return_value=later):
        expired = host_client("kantang.localhost").get(_path(kantang_link))

    assert expired.status_code == 200 and "ลิงก์นี้ใช้ไม่ได้แล้ว" in expired.text


def test_the_link_means_nothing_on_another_municipality(kantang_link, nueaklong):
    # nueaklong gets a user with the same id as kantang's new administrator.
    with schema_context("kantang"):
        pk = User.objects.get(username="newboss").pk
    with schema_context("nueaklong"):
        while User.objects.order_by("-pk").values_list("pk", flat=True).first() < pk:
            User.objects.create(username=f"filler{User.objects.count()}")

    response = host_client("nueaklong.localhost").get(_path(kantang_link))

    assert response.status_code == 200 and "ลิงก์นี้ใช้ไม่ได้แล้ว" in response.text


def test_issuing_it_again_makes_the_earlier_link_useless(kantang, kantang_link,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        second = admin_link_issue(municipality=kantang, username="newboss", base="http://kantang.localhost",
                                  actor=PLATFORM)

    first = host_client("kantang.localhost").get(_path(kantang_link))
    _form, posted = _set_password(host_client("kantang.localhost"), second)

    assert "ลิงก์นี้ใช้ไม่ได้แล้ว" in first.text
    assert posted.status_code == 302
    assert ConsoleAuditEntry.objects.filter(municipality=kantang, action="admin_link").count() == 2


def test_the_console_issues_a_link_again_and_shows_it_once(platform_client, kantang, kantang_link,
                                                           django_capture_on_commit_callbacks):
    page = platform_client.get("/municipalities/kantang/admins/")
    with django_capture_on_commit_callbacks(execute=True):
        issued = platform_client.post("/municipalities/kantang/admins/link/", {"username": "newboss"})

    assert page.status_code == 200 and "newboss" in page.text and "/accounts/welcome/" not in page.text
    assert issued.status_code == 200
    assert issued.context["link"].url.startswith("http://kantang.localhost/accounts/welcome/")
    assert "no-store" in issued["Cache-Control"]


def test_a_link_is_only_for_an_active_administrator(platform_client, kantang):
    response = platform_client.post("/municipalities/kantang/admins/link/", {"username": "nurse"},
                                    follow=True)

    assert "nurse" in response.text and "/accounts/welcome/" not in response.text


def test_the_console_adds_an_administrator_to_a_municipality_without_one(platform_client, nueaklong,
                                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = platform_client.post("/municipalities/nueaklong/admins/new/", {
            "admin_first_name": "สมปอง", "admin_email": "sompong@example.invalid",
            "admin_username": "sompong"})

    assert response.status_code == 201
    with schema_context("nueaklong"):
        assert not User.objects.get(username="sompong").has_usable_password()


def test_the_command_creates_the_first_admin_and_prints_the_link(db, django_capture_on_commit_callbacks):
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("create_municipality", "--schema", "linked", "--domain", "linked.localhost",
                     "--name-th", "เทศบาลตำบลลิงก์", "--subdistrict-code", "920501",
                     "--admin-username", "first", "--admin-email", "first@example.invalid", stdout=out)

    lines = out.getvalue().splitlines()
    # The line scripts read is unchanged; the link follows it.
    assert lines[0] == "created linked: เทศบาลตำบลลิงก์ (เทศบาลตำบล) at http://linked.localhost/"
    [url] = [line for line in lines if "/accounts/welcome/" in line]
    assert url.startswith("https://linked.localhost/accounts/welcome/")  # DEBUG off: the production site
    municipality = Municipality.objects.get(schema_name="linked")
    assert (municipality.province_code, municipality.district_code) == ("92", "9205")
    response = host_client("linked.localhost").get(re.sub(r"^https://[^/]+", "", url))
    assert response.status_code == 302


def test_the_command_wants_both_admin_options(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="--admin-email"):
        call_command("create_municipality", "--schema", "half", "--domain", "half.localhost",
                     "--name-th", "เทศบาลตำบลครึ่ง", "--admin-username", "first")
    assert not Municipality.objects.filter(schema_name="half").exists()
