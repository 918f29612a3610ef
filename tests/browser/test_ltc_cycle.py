"""Long-term care in real Chromium: the CM enrols a resident and writes the plan, prints it for
signatures, the fund's officer records the subcommittee's approval, and the caregiver records the
visit on a 390 px phone (check-in and out with the location, activities, vitals, witness), then a
second one with no network (the volunteers' outbox, test_ltc_offline.py in detail)."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from ..helpers import DEMO_PASSWORD
from .map_helpers import script_errors

pytestmark = pytest.mark.browser

FIRST_NAME = "ลำดวนดูแลยาว"
CG_PASSWORD = "cg-browser-pass-1234"


@pytest.fixture
def resident(live_url, django_db_blocker, monkeypatch):
    """A resident with a latest ADL of 6 and a caregiver account, committed so the live server sees
    them, removed afterwards."""
    from django.contrib.auth.models import Group

    from accounts.models import User
    from ltc.models import Caregiver, CarePlan, CgVisit, LtcCase
    from smarthealth.models import AdlAssessment, Household, Person

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with django_db_blocker.unblock(), schema_context("kantang"):
        household = Household.objects.create(house_no="88/8", moo=5)
        person = Person.objects.create(first_name=FIRST_NAME, last_name="ทดสอบ", sex="F",
                                       birth_date=dt.date(1940, 5, 5), household=household)
        AdlAssessment.objects.create(person=person, score=6, group="homebound",
                                     assessed_on=timezone.localdate() - dt.timedelta(days=3))
        user = User.objects.create_user(username="cg_browser", password=CG_PASSWORD, first_name="ดวงใจ")
        user.groups.add(Group.objects.get(name="caregiver"))
        caregiver = Caregiver.objects.create(user=user, first_name="ดวงใจ", last_name="ดูแลดี")
    yield person, caregiver
    with django_db_blocker.unblock():
        with schema_context("kantang"):
            CgVisit.objects.filter(case__person=person).delete()
            for plan in CarePlan.objects.filter(case__person=person):
                plan.payments.all().delete()
            LtcCase.objects.filter(person=person).delete()
            Person.objects.filter(pk=person.pk).delete()
            Household.objects.filter(pk=household.pk).delete()
            Caregiver.objects.filter(pk=caregiver.pk).delete()
            User.objects.filter(pk=user.pk).delete()
        connection.close()


def _sign_in(page, base, username, password=DEMO_PASSWORD):
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit].primary")
    page.wait_for_url(base + "/")


def _desk(browser):
    context = browser.new_context(locale="th-TH", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.problems = script_errors(page)
    return page


def test_the_long_term_care_cycle(live_url, browser, resident, django_db_blocker):
    from ltc.models import CarePlan, CgVisit, LtcCase

    person, caregiver = resident
    base = live_url.format(host="kantang.localhost")
    today = timezone.localdate()

    # The CM (the demo nurse) enrols the candidate and assigns the caregiver.
    cm = _desk(browser)
    _sign_in(cm, base, "nurse")
    cm.goto(base + "/ltc/")
    row = cm.locator(f'[data-person="{person.public_id}"]')
    assert FIRST_NAME in row.inner_text()
    with cm.expect_navigation():
        row.locator("[data-enrol]").click()
    cm.select_option("#id_caregiver", str(caregiver.pk))
    with cm.expect_navigation():
        cm.click("[data-assign]")

    # The plan: the suggested group is filled in, the weekly schedule has today's CG activity.
    with cm.expect_navigation():
        cm.click("[data-new-plan]")
    assert cm.locator("[data-suggested-group]").is_visible()
    cm.fill("#id_diagnosis", "โรคหลอดเลือดสมอง")
    cm.fill("#id_problems", "ลุกนั่งเองไม่ได้ เสี่ยงแผลกดทับ")
    cm.fill("#id_requested_amount", "10442")
    cm.fill("#id_item_general_0", "พลิกตะแคงตัวทุก 2 ชั่วโมง")
    cm.fill("#id_s0_activity", "เช็ดตัว ทำกายภาพ")
    cm.select_option("#id_s0_weekday", str(today.weekday()))
    cm.fill("#id_s0_time", "09:00")
    cm.select_option("#id_s0_responsible", "cg")
    with cm.expect_navigation():
        cm.click("[data-save-plan]")
    assert cm.locator("[data-plan-status]").get_attribute("data-plan-status") == "draft"

    # The printed plan: Thai, Buddhist Era, the four signature blocks.
    with cm.expect_navigation():
        cm.click("[data-print-plan]")
    printed = cm.locator("[data-plan-print]").inner_text()
    assert FIRST_NAME in printed and str(today.year + 543) in printed
    assert cm.locator("[data-signatures] > div").count() == 4
    assert "เจ้าหน้าที่การเงิน" in printed and "ญาติ/ผู้ป่วย" in printed
    cm.go_back()
    with cm.expect_navigation():
        cm.click("[data-submit-plan]")
    assert cm.locator("[data-plan-status]").get_attribute("data-plan-status") == "submitted"
    plan_url = cm.url
    assert not cm.problems, cm.problems
    cm.context.close()

    # The fund's officer records the subcommittee's approval.
    fund = _desk(browser)
    _sign_in(fund, base, "ltc_fund")  # the demo fund officer (the administrator may too)
    fund.goto(plan_url)
    fund.fill("#id_meeting", "2/2570")
    with fund.expect_navigation():
        fund.click("[data-decide]")
    assert fund.locator("[data-plan-status]").get_attribute("data-plan-status") == "approved"
    assert "10,442.00" in fund.locator("[data-approved-amount]").inner_text()
    assert not fund.problems, fund.problems
    fund.context.close()

    # The caregiver, on a phone, sees her person and records today's visit.
    context = browser.new_context(locale="th-TH", viewport={"width": 390, "height": 844}, has_touch=True,
                                  is_mobile=True, geolocation={"latitude": 7.4075, "longitude": 99.518},
                                  permissions=["geolocation"])
    phone = context.new_page()
    problems = script_errors(phone)
    _sign_in(phone, base, "cg_browser", CG_PASSWORD)
    phone.goto(base + "/ltc/my-people/")
    assert FIRST_NAME in phone.locator("[data-cg-people]").inner_text()
    phone.wait_for_selector("[data-offline-page][data-offline-ready]", timeout=30_000)
    with phone.expect_navigation():
        phone.locator("[data-visit-link]").first.tap()
    phone.locator('[data-check="in"]').tap()
    phone.wait_for_function(
        "() => document.querySelector('[name=check_in_lat]').value !== ''", timeout=10000)
    phone.locator('input[name=activities][value=hygiene]').check()
    phone.locator('input[name=activities][value=physio]').check()
    phone.fill("#id_sbp", "132")
    phone.fill("#id_dbp", "84")
    phone.locator('input[name=problems][value=pressure_sore]').check()
    phone.fill("#id_witness_name", "ลูกสาว")
    phone.locator('[data-check="out"]').tap()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    with phone.expect_navigation():
        phone.locator("[data-save-visit]").tap()
    assert phone.url.endswith("/ltc/my-people/")

    with django_db_blocker.unblock(), schema_context("kantang"):
        case = LtcCase.objects.get(person=person, status="active")
        assert case.plans.get().status == CarePlan.Status.APPROVED
        visit = CgVisit.objects.get(case=case)
        assert visit.activities == ["hygiene", "physio"] and visit.problems == ["pressure_sore"]
        assert (visit.sbp, visit.dbp, visit.witness_name) == (132, 84, "ลูกสาว")
        assert visit.check_in_at and visit.check_out_at and visit.check_in_location is not None
        assert not visit.deviation, visit.deviation_reason
        connection.close()

    # A second visit with no network: kept on the phone, sent by itself when the network returns.
    with phone.expect_navigation():
        phone.locator("[data-visit-link]").first.tap()
    context.set_offline(True)
    phone.locator('input[name=activities][value=feeding]').check()
    phone.fill("#id_witness_name", "หลานชาย")
    phone.locator("[data-save-visit]").tap()
    phone.wait_for_url("**/ltc/my-people/")
    phone.wait_for_selector("[data-offline-shell] [data-outbox]:not([hidden])")
    assert phone.locator("[data-outbox-count]").inner_text() == "1"
    with django_db_blocker.unblock(), schema_context("kantang"):
        assert CgVisit.objects.filter(case=case).count() == 1
        connection.close()
    context.set_offline(False)
    phone.wait_for_selector('[data-offline-page]:not([data-offline-shell])[data-outbox-idle="0"]',
                            timeout=30_000)

    # The monthly CG report lists both visits.
    phone.goto(base + f"/ltc/cases/{case.pk}/monthly/")
    report = phone.locator("[data-monthly-report]").inner_text()
    assert "ลูกสาว" in report and "หลานชาย" in report
    assert not problems, problems
    context.close()

    # The CM records the death: the case closes.
    cm = _desk(browser)
    _sign_in(cm, base, "nurse")
    cm.goto(base + f"/ltc/cases/{case.pk}/")
    cm.select_option("#id_status", "died")
    with cm.expect_navigation():
        cm.click("[data-close-case]")
    assert not cm.problems, cm.problems
    cm.context.close()
    with django_db_blocker.unblock(), schema_context("kantang"):
        assert CgVisit.objects.filter(case=case).count() == 2
        assert LtcCase.objects.get(pk=case.pk).status == "died"
        connection.close()
