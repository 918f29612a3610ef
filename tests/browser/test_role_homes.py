"""Each role signs in on a phone (390 px, touch) and lands on its own work for the day (issue 16),
in a real Chromium: the volunteer's households to visit with record / call / navigate, the nurse's
overdue bedbound people, the engineer's requests, the executive's figures, the administrator's
set-up tasks. Any JavaScript error fails the page."""

import datetime as dt

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from ..helpers import DEMO_PASSWORD
from ..smarthealth.conftest import make_cid

pytestmark = pytest.mark.browser

FIRST_NAME = "ทองใบวันนี้"
PHONE = "0899990016"


@pytest.fixture
def bedbound_neighbour(live_url, django_db_blocker, monkeypatch):
    """A bedbound person never visited, in a household of kantang's demo volunteer, committed so
    the live server sees it, and removed afterwards."""
    from accounts.models import User
    from smarthealth.models import Household, Person
    from smarthealth.services import adl_assess, household_create, person_create

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # ORM calls between Playwright steps
    with django_db_blocker.unblock(), schema_context("kantang"):
        nurse = User.objects.get(username="nurse")
        volunteer = User.objects.get(username="volunteer")
        household = household_create(user=nurse, data={
            "house_id": "92029990016", "house_no": "16/1", "moo": 2, "community": "ชุมชนหน้าแรก",
            "road": "ถนนตรังรัษฎา", "lat": 7.4081, "lon": 99.5183, "volunteer": volunteer})
        person = person_create(user=nurse, data={
            "cid": make_cid(990016), "prefix": "นาง", "first_name": FIRST_NAME, "last_name": "มั่นคง",
            "sex": "F", "birth_date": dt.date(1938, 6, 1), "household": household, "phone": PHONE})
        adl_assess(person=person, user=nurse, assessed_on=dt.date.today() - dt.timedelta(days=3), score=1)
    yield person
    with django_db_blocker.unblock():
        with schema_context("kantang"):
            Person.objects.filter(pk=person.pk).delete()
            Household.objects.filter(pk=household.pk).delete()
        connection.close()


def sign_in(page, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.locator("button[type=submit].primary").tap()
    page.wait_for_url(base + "/")


def widgets(page) -> list[str]:
    return page.eval_on_selector_all("[data-widget]", "nodes => nodes.map(n => n.dataset.widget)")


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_volunteer_lands_on_her_households_to_visit(live_url, phone, bedbound_neighbour):
    base = live_url.format(host="kantang.localhost")
    sign_in(phone, base, "volunteer")

    assert widgets(phone) == ["health.visits_due"]
    row = phone.locator(f'[data-household="{bedbound_neighbour.household_id}"]')
    assert FIRST_NAME in row.inner_text()
    # Never visited and bedbound: at the top of her list.
    assert phone.locator("[data-household]").first.get_attribute("data-household") == str(
        bedbound_neighbour.household_id)
    assert row.locator('[data-action="call"]').get_attribute("href") == f"tel:{PHONE}"
    navigate = row.locator('[data-action="navigate"]')
    assert navigate.inner_text() == "นำทาง"
    assert navigate.get_attribute("href").startswith("https://www.google.com/maps/dir/?api=1&destination=7.408")
    assert fits_the_screen(phone)

    record = row.locator('[data-action="visit"]')
    assert record.inner_text() == "บันทึกการเยี่ยม"
    record.tap()
    phone.wait_for_url(f"**/health/persons/{bedbound_neighbour.public_id}/visits/new/")
    assert phone.problems == []


def test_the_nurse_lands_on_overdue_bedbound_uncontrolled_and_todays_screenings(
        live_url, phone, bedbound_neighbour):
    base = live_url.format(host="kantang.localhost")
    sign_in(phone, base, "nurse")

    assert widgets(phone)[:3] == ["health.bedbound_overdue", "health.uncontrolled", "health.screenings_today"]
    overdue = phone.locator('[data-widget="health.bedbound_overdue"]')
    assert FIRST_NAME in overdue.inner_text()  # never visited: first of the overdue
    assert overdue.locator("a.button").first.inner_text() == "บันทึกการเยี่ยม"
    assert phone.locator('[data-widget="health.uncontrolled"] [data-person]').count() > 0
    assert fits_the_screen(phone)
    assert phone.problems == []


def test_the_engineer_lands_on_his_requests(live_url, phone):
    base = live_url.format(host="kantang.localhost")
    sign_in(phone, base, "engineer")

    assert widgets(phone)[:3] == ["requests.mine", "requests.unassigned", "assets.poor_near_requests"]
    mine = phone.locator('[data-widget="requests.mine"]')
    assert mine.locator("[data-request]").count() > 0
    assert "municipality.facts" not in widgets(phone)
    mine.locator("[data-request] a.today-code").first.tap()
    phone.wait_for_url("**/infrastructure/requests/*/")
    assert phone.locator("[data-action-bar]").is_visible()
    assert phone.problems == []


def test_the_executive_lands_on_the_headline_figures(live_url, phone):
    base = live_url.format(host="kantang.localhost")
    sign_in(phone, base, "executive")

    assert widgets(phone) == ["dashboards.infrastructure", "dashboards.requests", "dashboards.health"]
    assert phone.locator('[data-widget="dashboards.requests"] .figure').count() == 3
    assert fits_the_screen(phone)
    assert phone.problems == []


def test_the_admin_lands_on_what_is_left_to_set_up(live_url, phone):
    base = live_url.format(host="kantang.localhost")
    sign_in(phone, base, "admin")

    assert widgets(phone)[0] == "municipality.setup"
    setup = phone.locator('[data-widget="municipality.setup"]')
    sla = setup.locator('[data-setup-task="sla"]')
    assert "is-done" not in (sla.get_attribute("class") or "")
    sla.locator("a").tap()
    phone.wait_for_url(base + "/infrastructure/requests/sla/")
    assert phone.problems == []
