"""A caregiver records a visit with no network on a 390 px phone (issue 23), as the village
health volunteers do (test_offline_visits.py): her list opened once online, the network gone,
her person's visit form from the phone, a visit with its activities and a photo kept there, and
the visit reaching the server exactly once when the network returns."""

import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context
from PIL import Image

pytestmark = pytest.mark.browser

FIRST_NAME = "บุญมีออฟไลน์"
CG_USER, CG_PASSWORD = "cg_offline", "cg-offline-pass-1234"


def photo() -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 40, 40)).save(buffer, format="PNG")
    return {"name": "visit.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


@pytest.fixture
def her_case(live_url, django_db_blocker, monkeypatch):
    """A resident with an approved plan whose caregiver has her own account, committed for the
    live server; removed afterwards with the visits' photo files."""
    from django.contrib.auth.models import Group

    from accounts.models import User
    from ltc.models import Caregiver, CarePlan, CgVisit, LtcCase
    from ltc.services import care_plan_decide, care_plan_write, case_enrol
    from smarthealth.models import AdlAssessment, Household, Person

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # ORM calls between browser steps
    today = timezone.localdate()
    with django_db_blocker.unblock(), schema_context("kantang"):
        nurse, admin = User.objects.get(username="nurse"), User.objects.get(username="admin")
        household = Household.objects.create(house_no="77/7", moo=4)
        person = Person.objects.create(first_name=FIRST_NAME, last_name="ทดสอบ", sex="M",
                                       birth_date=dt.date(1942, 2, 2), household=household)
        AdlAssessment.objects.create(person=person, score=5, group="homebound",
                                     assessed_on=today - dt.timedelta(days=3))
        user = User.objects.create_user(username=CG_USER, password=CG_PASSWORD, first_name="ราตรี")
        user.groups.add(Group.objects.get(name="caregiver"))
        caregiver = Caregiver.objects.create(user=user, first_name="ราตรี", last_name="ดูแลดี")
        case = case_enrol(person=person, user=nurse, caregiver=caregiver)
        plan = care_plan_write(case=case, user=nurse, items=[], data={
            "adl_score": 5, "tai": "B3", "group": 1, "requested_amount": 10442, "diagnosis": "ข้อเข่าเสื่อม"},
            schedule=[{"activity": "เช็ดตัว", "weekday": today.weekday(), "time": dt.time(9),
                       "frequency": "ทุกสัปดาห์", "responsible": "cg"}])
        care_plan_decide(plan=plan, user=admin, approve=True, decided_on=today, meeting="5/2570",
                         approved_amount=plan.requested_amount)
    yield case
    with django_db_blocker.unblock():
        with schema_context("kantang"):
            for visit in CgVisit.objects.filter(case=case).exclude(photo=""):
                visit.photo.delete(save=False)
            CgVisit.objects.filter(case=case).delete()
            CarePlan.objects.filter(case=case).delete()
            LtcCase.objects.filter(pk=case.pk).delete()
            Person.objects.filter(pk=person.pk).delete()
            Household.objects.filter(pk=household.pk).delete()
            Caregiver.objects.filter(pk=caregiver.pk).delete()
            User.objects.filter(pk=user.pk).delete()
        connection.close()


def visits_of(case, django_db_blocker):
    from ltc.models import CgVisit

    with django_db_blocker.unblock(), schema_context("kantang"):
        visits = list(CgVisit.objects.filter(case=case))
        connection.close()
    return visits


def test_a_caregivers_visit_recorded_offline_arrives_once(live_url, phone, her_case, django_db_blocker):
    base = live_url.format(host="kantang.localhost")
    context = phone.context

    # Online: she signs in and opens her list; the phone keeps her people and the two pages.
    phone.goto(base + "/accounts/login/")
    phone.fill("#id_username", CG_USER)
    phone.fill("#id_password", CG_PASSWORD)
    phone.click("button[type=submit].primary")
    phone.wait_for_url(base + "/")
    phone.goto(base + "/ltc/my-people/")
    phone.wait_for_selector("[data-offline-page][data-offline-ready]", timeout=30_000)
    assert "พร้อมใช้งาน" in phone.locator("[data-offline-status]").inner_text()

    # No network: her person's form comes from the phone, filled in from the copy.
    context.set_offline(True)
    phone.goto(base + f"/ltc/cases/{her_case.pk}/visit/")
    phone.locator("#cg-person-name").filter(has_text=re.compile(r"\S")).wait_for(timeout=30_000)
    assert FIRST_NAME in phone.locator("#cg-person-name").inner_text()
    assert phone.locator("[data-cg-visit-form][data-offline-shell]").count() == 1
    assert "เช็ดตัว" in phone.locator("[data-copy-schedule]").inner_text()  # today's plan
    phone.locator('input[name=activities][value=hygiene]').check()
    phone.locator('input[name=activities][value=physio]').check()
    phone.fill("#id_sbp", "134")
    phone.fill("#id_dbp", "86")
    phone.locator('input[name=problems][value=swallowing]').check()
    phone.fill("#id_witness_name", "ภรรยา")
    phone.set_input_files("#id_photo", photo())
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.locator("[data-save-visit]").tap()

    # Back on her list kept on the phone: the visit waits there, and nowhere else yet.
    phone.wait_for_url("**/ltc/my-people/")
    phone.wait_for_selector("[data-offline-shell] [data-outbox]:not([hidden])")
    entries = phone.locator("[data-outbox-entry]")
    assert entries.count() == 1
    assert FIRST_NAME in entries.inner_text() and "มีรูปถ่าย" in entries.inner_text()
    assert phone.locator(f'[data-offline-households] [data-case="{her_case.pk}"]').count() == 1
    assert visits_of(her_case, django_db_blocker) == []

    # The network returns: the visit is sent, once, and the server's own list comes back.
    context.set_offline(False)
    phone.wait_for_selector('[data-offline-page]:not([data-offline-shell])[data-outbox-idle="0"]',
                            timeout=30_000)
    visits = visits_of(her_case, django_db_blocker)
    assert len(visits) == 1
    visit = visits[0]
    assert visit.activities == ["hygiene", "physio"] and visit.problems == ["swallowing"]
    assert (visit.sbp, visit.dbp, visit.witness_name) == (134, 86, "ภรรยา")
    assert visit.photo and visit.idempotency_key and visit.visited_on == timezone.localdate()

    # Loading the list again sends nothing again.
    phone.reload()
    phone.wait_for_selector('[data-outbox-idle="0"]')
    assert len(visits_of(her_case, django_db_blocker)) == 1
    assert phone.problems == []
