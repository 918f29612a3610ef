"""The health team's "today" reads (smarthealth.today) and their home-page widgets: whom the
volunteer visits first, what the nurse sees, who may see whom, and the audit rows."""

import datetime as dt
import re

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from accounts.services import user_set_role
from smarthealth import today as today_reads
from smarthealth.models import AccessLog, Household
from smarthealth.services import adl_assess, home_visit_record, ncd_screen

from ..helpers import host_client, login
from .conftest import person_build

TODAY = timezone.localdate()


def days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


@pytest.fixture
def fresh_volunteer(in_kantang):
    """A volunteer with no demo households: her list holds exactly what a test gives her."""
    user = User.objects.create_user(username="vol-today", password="x-secret-pass-1", first_name="สมใจ")
    user_set_role(user=user, role=Role.VOLUNTEER)
    return user


def house(number: str, volunteer, *, lat=7.41, lon=99.52) -> Household:
    return Household.objects.create(house_id=f"9202019{number:0>4}", house_no=f"{number}/1", moo=3,
                                     community="ชุมชนวันนี้", volunteer=volunteer,
                                     location=Point(lon, lat, srid=4326))


@pytest.fixture
def town(fresh_volunteer, nurse):
    """Five households: three of the fresh volunteer's are due (bedbound unseen for 40 days,
    homebound due today, overdue by 5 days), one is not due yet, one belongs to nobody."""
    bedbound_house = house("1", fresh_volunteer, lat=7.4101, lon=99.5201)
    overdue_house = house("2", fresh_volunteer)
    homebound_house = house("3", fresh_volunteer)
    later_house = house("4", fresh_volunteer)
    nobodys_house = house("5", None)

    bedbound = person_build(cid_seed=9101, household=bedbound_house, phone="0811111111")
    adl_assess(person=bedbound, user=nurse, assessed_on=days_ago(60), score=2)
    home_visit_record(person=bedbound, user=nurse, visited_on=days_ago(40))

    overdue = person_build(cid_seed=9102, household=overdue_house, birth_date=dt.date(1990, 5, 5))
    caller = person_build(cid_seed=9103, household=overdue_house, phone="0822222222",
                          birth_date=dt.date(1940, 5, 5))
    home_visit_record(person=overdue, user=nurse, visited_on=days_ago(35), next_visit_due=days_ago(5))

    homebound = person_build(cid_seed=9104, household=homebound_house)
    adl_assess(person=homebound, user=nurse, assessed_on=days_ago(20), score=8)
    home_visit_record(person=homebound, user=nurse, visited_on=days_ago(30), next_visit_due=TODAY)

    later = person_build(cid_seed=9105, household=later_house)
    home_visit_record(person=later, user=nurse, visited_on=days_ago(3),
                      next_visit_due=TODAY + dt.timedelta(days=10))

    stranger = person_build(cid_seed=9106, household=nobodys_house)
    home_visit_record(person=stranger, user=nurse, visited_on=days_ago(90), next_visit_due=days_ago(60))
    return {"bedbound": bedbound, "overdue": overdue, "caller": caller, "homebound": homebound,
            "later": later, "stranger": stranger, "houses": (bedbound_house, overdue_house, homebound_house)}


def test_the_volunteers_due_households_come_neediest_first(town, fresh_volunteer):
    rows, total = today_reads.households_to_visit(fresh_volunteer)

    assert total == 3
    assert [row.household for row in rows] == list(
        (town["houses"][0], town["houses"][2], town["houses"][1]))  # bedbound, homebound, the rest
    assert [p.pk for p in rows[0].members] == [town["bedbound"].pk]
    overdue = rows[2].first
    assert (overdue.overdue_days, overdue.due_today) == (5, False)
    assert rows[1].first.due_today is True


def test_a_bedbound_person_never_visited_comes_before_one_seen_long_ago(town, fresh_volunteer, nurse):
    never = person_build(cid_seed=9108, household=house("6", fresh_volunteer))
    adl_assess(person=never, user=nurse, assessed_on=days_ago(2), score=0)

    rows, total = today_reads.households_to_visit(fresh_volunteer)

    assert total == 4 and rows[0].first == never and rows[0].first.never_visited
    assert rows[1].first == town["bedbound"]


def test_each_household_has_a_number_to_call_and_a_way_there(town, fresh_volunteer):
    rows, _total = today_reads.households_to_visit(fresh_volunteer)
    by_house = {row.household.pk: row for row in rows}

    assert by_house[town["houses"][0].pk].phone == "0811111111"
    # Nobody due in house 2 has a phone: the eldest living member's number instead.
    assert by_house[town["houses"][1].pk].phone == "0822222222"
    assert by_house[town["houses"][0].pk].navigate_url == (
        "https://www.google.com/maps/dir/?api=1&destination=7.410100%2C99.520100")


def test_the_volunteer_never_sees_someone_elses_household(town, fresh_volunteer, nurse):
    mine, _ = today_reads.households_to_visit(fresh_volunteer, limit=50)
    everyone, _ = today_reads.households_to_visit(nurse, limit=5000)

    assert town["stranger"].household not in [row.household for row in mine]
    assert town["stranger"].household in [row.household for row in everyone]


def test_the_list_writes_one_audit_row_naming_whom_it_showed(town, fresh_volunteer):
    before = AccessLog.objects.count()

    today_reads.households_to_visit(fresh_volunteer)

    assert AccessLog.objects.count() == before + 1
    row = AccessLog.objects.latest("id")
    assert (row.action, row.object_ref, row.username) == ("list", "home_visits_due", "vol-today")
    shown = set(row.detail["persons"])
    assert {str(town[k].public_id) for k in ("bedbound", "overdue", "caller", "homebound")} == shown


def test_the_nurse_sees_the_overdue_bedbound_uncontrolled_and_todays_screenings(town, nurse):
    hypertensive = person_build(cid_seed=9107, household=town["houses"][2], chronic_conditions=["HT"])
    ncd_screen(person=hypertensive, user=nurse, screened_on=TODAY, sbp=185, dbp=100)

    bedbound, bedbound_total = today_reads.bedbound_overdue(nurse, limit=5000)
    uncontrolled, _ = today_reads.uncontrolled_ncd(nurse, limit=5000)
    screenings, screenings_total = today_reads.screenings_today(nurse, limit=5000)

    assert town["bedbound"] in bedbound and bedbound_total == len(bedbound)
    assert town["homebound"] not in bedbound
    assert hypertensive in uncontrolled
    assert hypertensive.pk in [s.person_id for s in screenings] and screenings[0].colour == "red"
    assert screenings_total == len(screenings)


def test_a_volunteers_nurse_widgets_stay_within_her_households(town, fresh_volunteer, nurse):
    ncd_screen(person=town["stranger"], user=nurse, screened_on=TODAY, sbp=150, dbp=95)

    screenings, _ = today_reads.screenings_today(fresh_volunteer)
    bedbound, _ = today_reads.bedbound_overdue(fresh_volunteer)

    assert screenings == [] and [p.pk for p in bedbound] == [town["bedbound"].pk]


# --- On the home page -------------------------------------------------------------------------


def test_the_volunteers_home_has_record_call_and_navigate_for_each_household(town, fresh_volunteer):
    response = login(host_client("kantang.localhost"), "kantang", "vol-today").get("/")
    html = response.text
    widget = html.split('data-widget="health.visits_due"', 1)[1].split("</section>", 1)[0]

    households = re.findall(r'data-household="(\d+)"', widget)
    assert households == [str(h.pk) for h in (town["houses"][0], town["houses"][2], town["houses"][1])]
    first = widget.split(f'data-household="{town["houses"][0].pk}"', 1)[1].split("data-household=", 1)[0]
    assert f'href="/health/persons/{town["bedbound"].public_id}/visits/new/" data-action="visit"' in first
    assert 'href="tel:0811111111" data-action="call"' in first
    assert "google.com/maps/dir/" in first and 'data-action="navigate"' in first
    assert "บันทึกการเยี่ยม" in first
    assert town["stranger"].first_name not in html
    assert "no-store" in response["Cache-Control"]


def test_the_nurses_home_lists_the_people_with_links(town, nurse):
    html = login(host_client("kantang.localhost"), "kantang", "nurse").get("/").text

    bedbound = html.split('data-widget="health.bedbound_overdue"', 1)[1].split("</section>", 1)[0]
    assert "/health/care/bedridden/?overdue=1" in bedbound
    assert 'data-widget="health.uncontrolled"' in html and 'data-widget="health.screenings_today"' in html
