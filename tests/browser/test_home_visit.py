"""A village health volunteer records a home visit on a phone-sized screen in a real browser."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from ..helpers import DEMO_PASSWORD
from ..smarthealth.conftest import make_cid

pytestmark = pytest.mark.browser

FIRST_NAME = "บุญมีทดลอง"
# 2+1+3+2+3+2+0+1+2+2 = 18: socially active
SCORES = {"feeding": 2, "grooming": 1, "transfer": 3, "toilet": 2, "mobility": 3, "dressing": 2,
          "stairs": 0, "bathing": 1, "bowels": 2, "bladder": 2}


@pytest.fixture
def assigned_person(live_url, django_db_blocker, monkeypatch):
    """A household assigned to kantang's demo volunteer with one member, committed so that the
    live server sees it, and removed afterwards (visits and assessments go with the person)."""
    from accounts.models import User
    from communities.models import Community
    from smarthealth.models import Household, Person
    from smarthealth.services import household_create, person_create

    # Playwright's sync API runs an event loop in this thread; these ORM calls are plain
    # synchronous code between browser steps, which is what Django's escape hatch is for.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with django_db_blocker.unblock(), schema_context("kantang"):
        nurse = User.objects.get(username="nurse")
        volunteer = User.objects.get(username="volunteer")
        # The services take a community of the register only (issue 19).
        community, added = Community.objects.get_or_create(name="ชุมชนทดลองเยี่ยมบ้าน")
        household = household_create(user=nurse, data={
            "house_id": "92029990001", "house_no": "99/9", "moo": 4, "community": "ชุมชนทดลองเยี่ยมบ้าน",
            "road": "ถนนตรังรัษฎา", "lat": 7.4075, "lon": 99.5180, "volunteer": volunteer})
        person = person_create(user=nurse, data={
            "cid": make_cid(990001), "prefix": "นาย", "first_name": FIRST_NAME, "last_name": "รักษ์ดี",
            "sex": "M", "birth_date": dt.date(1948, 3, 2), "household": household,
            "chronic_conditions": ["HT"]})
    yield person
    with django_db_blocker.unblock():
        with schema_context("kantang"):
            Person.objects.filter(pk=person.pk).delete()
            Household.objects.filter(pk=household.pk).delete()
            if added:
                community.delete()
        connection.close()  # hand the connection back before the test database is dropped


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_volunteer_records_a_home_visit_on_a_phone(live_url, page, assigned_person, django_db_blocker):
    from smarthealth.models import AdlAssessment, HomeVisit

    base = live_url.format(host="kantang.localhost")
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(base + "/accounts/login/")
    page.fill("#id_username", "volunteer")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(base + "/")

    page.goto(base + "/health/visits/")
    page.fill(".hv-search input[name=q]", FIRST_NAME)
    # The person is on the list before the search too: wait for the searched page (the form
    # posts), or the tap below can land on the old page as it goes away.
    with page.expect_navigation():
        page.click(".hv-search button[type=submit]")
    member = page.locator(f'[data-person="{assigned_person.public_id}"]')
    assert FIRST_NAME in member.inner_text()
    assert no_horizontal_scroll(page)

    member.locator("a.hv-big").click()
    page.wait_for_url(f"**/health/persons/{assigned_person.public_id}/visits/new/")
    assert page.locator("#hv-person-name").inner_text().startswith("นาย" + FIRST_NAME)
    assert no_horizontal_scroll(page)

    page.fill("#id_sbp", "138")
    page.fill("#id_dbp", "86")
    page.fill("#id_fbs", "112")
    page.fill("#id_weight_kg", "58.5")
    page.click(".hv-adl-details > summary")
    for number, (code, score) in enumerate(SCORES.items(), start=1):
        page.locator(f'input[name="adl_{code}"][value="{score}"]').check()
        if number == 5:  # half-way: the total so far, and no group yet
            assert page.locator("[data-adl-total]").inner_text() == "11"
            assert page.locator("[data-adl-group]").inner_text() == ""
    assert page.locator("[data-adl-total]").inner_text() == "18"
    assert page.locator("[data-adl-group]").inner_text() != ""
    assert no_horizontal_scroll(page)
    page.fill("#id_notes", "ความดันดีขึ้น")

    page.click("button.hv-submit")
    page.wait_for_url(base + "/health/visits/")
    assert page.locator(".message-success").is_visible()
    assert "138/86" in page.locator(".message-success").inner_text()
    assert problems == []

    with django_db_blocker.unblock(), schema_context("kantang"):
        visit = HomeVisit.objects.select_related("visitor", "adl").get(person=assigned_person)
        assert (visit.sbp, visit.dbp, visit.fbs, str(visit.weight_kg)) == (138, 86, 112, "58.5")
        assert visit.visited_on == timezone.localdate()
        assert visit.next_visit_due == timezone.localdate() + dt.timedelta(days=30)
        assert visit.visitor.username == "volunteer"
        assert visit.notes == "ความดันดีขึ้น"
        assert (visit.adl.score, visit.adl.group, visit.adl.items) == (18, "social", SCORES)
        assert AdlAssessment.objects.filter(person=assigned_person).count() == 1
