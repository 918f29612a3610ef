"""A staff member takes a phoned-in request on a phone (390 px, touch) in a real Chromium and
picks its community from the register's drop-down (issue 19: never free text); the request is
saved in that community. Any JavaScript error fails the test."""

import re

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from .test_request_phone import sign_in

pytestmark = pytest.mark.browser

DESCRIPTION = "ท่อระบายน้ำอุดตันทดสอบเลือกชุมชนบนโทรศัพท์"


@pytest.fixture
def cleanup(django_db_blocker):
    yield
    from infrastructure.models import ServiceRequest

    with django_db_blocker.unblock():
        with schema_context("kantang"):
            ServiceRequest.objects.filter(description=DESCRIPTION).delete()
        connection.close()


def test_an_engineer_picks_a_community_from_the_register_on_a_phone(live_url, phone, cleanup,
                                                                   django_db_blocker, monkeypatch):
    from communities.models import Community
    from infrastructure.models import ServiceRequest

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # ORM calls between Playwright steps
    with django_db_blocker.unblock(), schema_context("kantang"):
        name = Community.objects.order_by("name").values_list("name", flat=True)[1]  # the demo register
    base = live_url.format(host="kantang.localhost")
    sign_in(phone, base, "engineer")
    phone.goto(base + "/infrastructure/requests/new/")
    select = phone.locator("select#id_community")
    select.scroll_into_view_if_needed()
    assert select.is_visible()
    box = select.bounding_box()
    assert box["width"] <= 390 and box["height"] >= 32  # fits the phone, big enough to tap
    options = select.locator("option").all_inner_texts()
    assert name in options and len(options) > 2
    phone.select_option("#id_category", "drain")
    phone.fill("#id_description", DESCRIPTION)
    phone.fill("#id_address_text", "หน้าโรงเรียนทดสอบ")
    select.select_option(label=name)
    phone.locator("form button[type=submit].primary").first.tap()
    phone.wait_for_url(re.compile(r".*/infrastructure/requests/\d+/$"))  # the saved request's page
    assert phone.problems == []
    with django_db_blocker.unblock(), schema_context("kantang"):
        saved = ServiceRequest.objects.select_related("community_ref").get(description=DESCRIPTION)
        assert saved.community_ref.name == name
        connection.close()
