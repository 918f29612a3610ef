"""The administrator sets a target on a 390 px phone in real Chromium and reads it on the
dashboard against the actual figure, met or not said in Thai; the page says when its figures were
computed. No script error anywhere."""

import re

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from ..helpers import DEMO_PASSWORD
from .map_helpers import block_base_tiles

pytestmark = pytest.mark.browser

MIN_TARGET_PX = 32


@pytest.fixture
def figures(live_url, django_db_blocker):
    """kantang's figures computed and no target set (committed, so the live server reads them);
    afterwards the targets removed and the aggregates as they were."""
    from dashboards.models import Aggregate, RefreshState, Target
    from dashboards.services import dashboard_refresh

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # ORM calls between Playwright steps
        with django_db_blocker.unblock(), schema_context("kantang"):
            had = Aggregate.objects.exists()
            Target.objects.all().delete()
            dashboard_refresh()
        yield
        with django_db_blocker.unblock():
            with schema_context("kantang"):
                Target.objects.all().delete()
                if not had:
                    Aggregate.objects.all().delete()
                    RefreshState.objects.all().delete()
            connection.close()


def test_the_admin_sets_a_target_on_a_phone_and_reads_it_on_the_dashboard(live_url, phone, figures,
                                                                           django_db_blocker):
    from dashboards.aggregates import Filters, request_aggregates

    page = phone
    base = live_url.format(host="kantang.localhost")
    block_base_tiles(page)
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(base + "/")

    page.goto(base + "/dashboard/")
    page.get_by_role("link", name="เป้าหมาย", exact=True).click()
    page.wait_for_url(base + "/dashboard/targets/")
    field = page.get_by_label("คำร้องที่แก้ไขเสร็จภายในเวลาที่กำหนด")
    box = field.bounding_box()
    assert box["height"] >= MIN_TARGET_PX and box["width"] >= MIN_TARGET_PX
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    field.fill("90")
    page.get_by_role("button", name="บันทึกเป้าหมาย").click()
    page.wait_for_selector(".messages")
    assert "บันทึกเป้าหมายแล้ว 1 รายการ" in page.locator(".messages").inner_text()

    page.get_by_role("link", name="กลับไปที่แดชบอร์ด").click()
    page.wait_for_url(base + "/dashboard/")
    item = page.locator('li.yardstick[data-figure="sla_compliance"]')
    text = re.sub(r"\s+", " ", item.inner_text())
    with django_db_blocker.unblock(), schema_context("kantang"):
        actual = request_aggregates(Filters())["sla_rate"]
    assert actual is not None  # the demo town has resolved requests
    verdict = "ผ่านเป้าหมาย" if actual >= 90 else "ไม่ผ่านเป้าหมาย"
    assert f"{actual:.1f} %" in text and "เป้าหมาย ≥ 90.0 %" in text
    assert text.rstrip().endswith(verdict)
    assert "ตัวเลข ณ" in page.locator(".dash-updated").first.inner_text()  # when, in Thai
    assert re.search(r"25\d\d", page.locator(".dash-updated").first.inner_text())  # Buddhist Era
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.problems == []
