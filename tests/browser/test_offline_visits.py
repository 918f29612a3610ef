"""A village health volunteer records visits with no network on a phone-sized screen (issue 16):
the list she opened online is still there offline, two visits with a photo wait on the phone
across a reload, reach the server exactly once when the network returns, and signing out leaves
no copy of her households on the phone."""

import datetime as dt
import io
import re

import pytest
from django.db import connection
from django_tenants.utils import schema_context
from PIL import Image

from ..helpers import DEMO_PASSWORD
from ..smarthealth.conftest import make_cid

pytestmark = pytest.mark.browser


def wait_for_person_name(page) -> None:
    """Wait for the form kept on the phone to fill in the person's name. Not wait_for_function:
    Playwright evaluates a string predicate with eval, which the offline page's policy
    (script-src 'self') refuses."""
    page.wait_for_selector("#hv-person-name")
    page.locator("#hv-person-name").filter(has_text=re.compile(r"\S")).wait_for(timeout=30_000)


HOUSEHOLD = "ชุมชนทดลองออฟไลน์"
PEOPLE = (("สมหญิงออฟไลน์", "นาง", "F", dt.date(1950, 5, 1)), ("สมชายออฟไลน์", "นาย", "M", dt.date(1946, 9, 9)))


def photo(colour) -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, format="PNG")
    return {"name": "visit.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


@pytest.fixture
def household_of_two(live_url, django_db_blocker, monkeypatch):
    """A household assigned to kantang's demo volunteer with two members, committed for the live
    server; removed afterwards with the visits' photo files."""
    from accounts.models import User
    from smarthealth.models import HomeVisit, Household, Person
    from smarthealth.services import household_create, person_create

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # ORM calls between browser steps
    with django_db_blocker.unblock(), schema_context("kantang"):
        nurse = User.objects.get(username="nurse")
        household = household_create(user=nurse, data={
            "house_id": "92029990002", "house_no": "88/1", "moo": 5, "community": HOUSEHOLD,
            "road": "ถนนทดลอง", "lat": 7.4080, "lon": 99.5190,
            "volunteer": User.objects.get(username="volunteer")})
        people = [person_create(user=nurse, data={
            "cid": make_cid(990100 + n), "prefix": prefix, "first_name": first, "last_name": "ทดสอบเครือข่าย",
            "sex": sex, "birth_date": born, "household": household})
            for n, (first, prefix, sex, born) in enumerate(PEOPLE)]
    yield people
    with django_db_blocker.unblock():
        with schema_context("kantang"):
            for visit in HomeVisit.objects.filter(person__in=people).exclude(photo=""):
                visit.photo.delete(save=False)
            Person.objects.filter(pk__in=[p.pk for p in people]).delete()
            Household.objects.filter(pk=household.pk).delete()
        connection.close()


def visits_and_creates(people, django_db_blocker):
    from smarthealth.models import AccessLog, HomeVisit

    with django_db_blocker.unblock(), schema_context("kantang"):
        visits = list(HomeVisit.objects.filter(person__in=people).select_related("visitor"))
        creates = list(AccessLog.objects.filter(
            action="create", detail__record="home_visit", object_ref__in=[str(p.public_id) for p in people]))
    return visits, creates


def record_visit(page, *, sbp, dbp, colour):
    page.fill("#id_sbp", sbp)
    page.fill("#id_dbp", dbp)
    page.fill("#id_notes", "บันทึกตอนไม่มีสัญญาณ")
    page.set_input_files("#id_photo", photo(colour))
    page.click("button.hv-submit")
    page.wait_for_url("**/health/visits/")


def keep_visit_offline(page, base, person, *, sbp, dbp, colour):
    """With no signal: her form for `person` from the phone, filled in and kept there."""
    page.goto(base + f"/health/persons/{person.public_id}/visits/new/")
    wait_for_person_name(page)
    record_visit(page, sbp=sbp, dbp=dbp, colour=colour)


def sign_in_volunteer(page, base):
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", "volunteer")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(base + "/")


def open_list_online(page, base):
    """Signed in, her list opened online: the phone keeps her households and the offline pages."""
    sign_in_volunteer(page, base)
    page.goto(base + "/health/visits/")
    page.wait_for_selector("[data-offline-page][data-offline-ready]", timeout=30_000)


def test_visits_recorded_offline_reach_the_server_once_and_sign_out_clears_the_phone(
        live_url, page, household_of_two, django_db_blocker):
    first, second = household_of_two
    base = live_url.format(host="kantang.localhost")
    context = page.context
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))

    # Online: her list; the phone keeps the copy of her households and the offline pages.
    open_list_online(page, base)
    assert "พร้อมใช้งาน" in page.locator("[data-offline-status]").inner_text()

    # The first visit: the form was open when the signal went.
    page.goto(base + f"/health/persons/{first.public_id}/visits/new/")
    context.set_offline(True)
    record_visit(page, sbp="132", dbp="84", colour=(200, 40, 40))
    page.wait_for_selector("[data-offline-shell] [data-outbox]:not([hidden])")
    assert page.locator("[data-outbox-entry]").count() == 1

    # The second: from the list kept on the phone, to the form kept on the phone.
    member = page.locator(f'[data-offline-households] [data-person="{second.public_id}"]')
    member.locator("a.hv-big").click()
    page.wait_for_url(f"**/health/persons/{second.public_id}/visits/new/")
    wait_for_person_name(page)
    assert page.locator("#hv-person-name").inner_text() == second.full_name
    assert "ไม่มีสัญญาณ" in page.locator("[data-offline-person]").inner_text()
    record_visit(page, sbp="146", dbp="92", colour=(40, 40, 200))

    # Reloaded, still offline: her households and the two visits waiting, with their photos.
    page.reload()
    page.wait_for_selector(f'[data-offline-households] [data-person="{first.public_id}"]')
    page.wait_for_selector("[data-outbox]:not([hidden])")
    entries = page.locator("[data-outbox-entry]")
    assert entries.count() == 2
    assert page.locator("[data-outbox-count]").inner_text() == "2"
    assert "รอส่ง" in page.locator("[data-outbox]").inner_text()
    assert all("มีรูปถ่าย" in text for text in entries.all_inner_texts())
    waiting = " ".join(entries.all_inner_texts())
    assert first.full_name in waiting and second.full_name in waiting
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert visits_and_creates(household_of_two, django_db_blocker) == ([], [])

    # The network returns: both are sent, once each, and the server's own list comes back.
    context.set_offline(False)  # the page hears "online" and sends what waits
    page.wait_for_selector('[data-offline-page]:not([data-offline-shell])[data-outbox-idle="0"]',
                           timeout=30_000)
    visits, creates = visits_and_creates(household_of_two, django_db_blocker)
    assert sorted((v.person_id, v.sbp, v.dbp) for v in visits) == sorted(
        [(first.pk, 132, 84), (second.pk, 146, 92)])
    assert all(v.visitor.username == "volunteer" and v.photo and v.idempotency_key for v in visits)
    assert all(v.notes == "บันทึกตอนไม่มีสัญญาณ" for v in visits)
    assert sorted(row.object_ref for row in creates) == sorted(str(p.public_id) for p in household_of_two)
    assert all(row.detail == {"record": "home_visit", "via": "offline"} for row in creates)

    # Loading the list again sends nothing again.
    page.reload()
    page.wait_for_selector('[data-outbox-idle="0"]')
    assert len(visits_and_creates(household_of_two, django_db_blocker)[0]) == 2

    # Sign-out: nothing of her households stays on the phone.
    page.click("[data-nav-toggle]")
    page.click("form[action$='/accounts/logout/'] button")
    page.wait_for_url(base + "/accounts/login/")
    page.wait_for_function("""async () => {
        const names = await caches.keys();
        const dbs = await indexedDB.databases();
        return names.length === 0 && !dbs.some(db => db.name === "cityplatform-offline");
    }""", timeout=10_000)
    context.set_offline(True)
    with pytest.raises(Exception, match="ERR_INTERNET_DISCONNECTED"):
        page.goto(base + "/health/visits/")
    context.set_offline(False)
    assert problems == []


def test_a_visit_the_server_refuses_stays_on_the_phone_with_its_message_until_discarded(
        live_url, page, household_of_two, django_db_blocker):
    from accounts.models import User
    from smarthealth.models import Household

    first, _second = household_of_two
    base = live_url.format(host="kantang.localhost")
    context = page.context
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    open_list_online(page, base)

    context.set_offline(True)
    keep_visit_offline(page, base, first, sbp="150", dbp="95", colour=(90, 90, 90))
    # Meanwhile the health office gives the household to another volunteer.
    with django_db_blocker.unblock(), schema_context("kantang"):
        Household.objects.filter(pk=first.household_id).update(
            volunteer=User.objects.get(username="nurse"))

    context.set_offline(False)
    refused = page.wait_for_selector("[data-outbox-refused]", timeout=30_000)
    assert "ไม่อยู่ในครัวเรือนที่คุณดูแล" in refused.inner_text()
    assert page.locator("[data-outbox-entry]").count() == 1
    page.reload()  # still there, still marked
    page.wait_for_selector("[data-outbox-refused]")

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-outbox-refused] button")
    page.wait_for_selector("[data-outbox]", state="hidden")
    assert page.evaluate("""async () => (await new Promise(resolve => {
        const open = indexedDB.open("cityplatform-offline");
        open.onsuccess = () => {
            const request = open.result.transaction("outbox").objectStore("outbox").count();
            request.onsuccess = () => { open.result.close(); resolve(request.result); };
        };
    }))""") == 0
    assert visits_and_creates(household_of_two, django_db_blocker)[0] == []
    assert problems == []


def test_visits_are_sent_when_the_network_returns_wherever_she_is(
        live_url, page, household_of_two, django_db_blocker):
    """Not only on her list: the signal comes back while she fills in the next visit form, or she
    opens the app again at home on its first page; each time what waits is sent, once, and the
    top of the page says so."""
    first, second = household_of_two
    base = live_url.format(host="kantang.localhost")
    context = page.context
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    open_list_online(page, base)

    # No signal: the first visit is kept on the phone; she goes on to the second person's form.
    context.set_offline(True)
    keep_visit_offline(page, base, first, sbp="128", dbp="82", colour=(30, 160, 60))
    page.locator(f'[data-offline-households] [data-person="{second.public_id}"] a.hv-big').click()
    page.wait_for_url(f"**/health/persons/{second.public_id}/visits/new/")
    banner = page.locator("[data-outbox-banner]")
    banner.wait_for(state="visible")
    assert banner.get_attribute("data-outbox-waiting") == "1"
    assert "รอส่ง" in banner.inner_text() and "ไม่มีสัญญาณ" in banner.inner_text()
    assert visits_and_creates(household_of_two, django_db_blocker) == ([], [])

    # The signal returns while the form is open: the waiting visit goes, from this page.
    context.set_offline(False)
    page.wait_for_selector('[data-outbox-banner][data-outbox-sent="1"][data-outbox-waiting="0"]',
                           timeout=30_000)
    assert "ส่งการเยี่ยมแล้ว 1 รายการ" in banner.inner_text()
    assert page.url.endswith(f"/health/persons/{second.public_id}/visits/new/")  # she stays where she was
    visits, creates = visits_and_creates(household_of_two, django_db_blocker)
    assert [(v.person_id, v.sbp, v.dbp) for v in visits] == [(first.pk, 128, 82)]
    assert visits[0].photo and [row.object_ref for row in creates] == [str(first.public_id)]

    # The second visit, kept offline too; she closes the app before the signal returns.
    context.set_offline(True)
    wait_for_person_name(page)
    record_visit(page, sbp="150", dbp="96", colour=(160, 30, 60))
    page.wait_for_selector("[data-outbox-entry]")
    page.close()
    context.set_offline(False)

    # At home, online, she opens the app on its first page: what waited is sent as it loads.
    home = context.new_page()
    home.on("pageerror", lambda error: problems.append(str(error)))
    home.goto(base + "/")
    home.wait_for_selector('[data-outbox-banner][data-outbox-sent="1"][data-outbox-waiting="0"]',
                           timeout=30_000)
    visits, creates = visits_and_creates(household_of_two, django_db_blocker)
    assert sorted((v.person_id, v.sbp, v.dbp) for v in visits) == sorted(
        [(first.pk, 128, 82), (second.pk, 150, 96)])
    assert all(v.photo and v.idempotency_key and v.visitor.username == "volunteer" for v in visits)
    assert sorted(row.object_ref for row in creates) == sorted(str(p.public_id) for p in household_of_two)
    assert all(row.detail == {"record": "home_visit", "via": "offline"} for row in creates)

    # Another page, another load: nothing left to send, nothing sent twice, nothing to say.
    home.goto(base + "/accounts/profile/")
    home.wait_for_selector('[data-outbox-banner][data-outbox-sent="0"][data-outbox-waiting="0"]',
                           state="attached")
    assert home.locator("[data-outbox-banner]").is_hidden()
    assert len(visits_and_creates(household_of_two, django_db_blocker)[0]) == 2
    assert problems == []


def test_a_refused_visit_is_explained_at_the_top_of_any_page(
        live_url, page, household_of_two, django_db_blocker):
    from accounts.models import User
    from smarthealth.models import Household

    first, _second = household_of_two
    base = live_url.format(host="kantang.localhost")
    context = page.context
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    open_list_online(page, base)
    context.set_offline(True)
    keep_visit_offline(page, base, first, sbp="140", dbp="90", colour=(90, 90, 90))
    page.close()
    # Meanwhile the health office gives the household to another volunteer.
    with django_db_blocker.unblock(), schema_context("kantang"):
        Household.objects.filter(pk=first.household_id).update(volunteer=User.objects.get(username="nurse"))
    context.set_offline(False)

    home = context.new_page()
    home.on("pageerror", lambda error: problems.append(str(error)))
    home.goto(base + "/")
    refused = home.locator("[data-outbox-banner-refused]")
    refused.wait_for(timeout=30_000)
    text = refused.inner_text()
    assert "เซิร์ฟเวอร์ไม่รับการเยี่ยม 1 รายการ" in text
    assert first.full_name in text and "ไม่อยู่ในครัวเรือนที่คุณดูแล" in text
    assert home.locator("[data-outbox-banner-link]").get_attribute("href") == "/health/visits/"
    assert visits_and_creates(household_of_two, django_db_blocker)[0] == []
    assert problems == []
