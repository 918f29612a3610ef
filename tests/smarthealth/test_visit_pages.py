"""The home-visit pages: the volunteer's list and phone form, ADL and NCD screening forms."""

import datetime as dt
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext
from django_tenants.utils import schema_context

from smarthealth.models import AccessLog, AdlAssessment, HomeVisit, Household, NcdScreening, Person
from smarthealth.rules import BARTHEL_ITEMS
from smarthealth.selectors import with_current_adl
from smarthealth.services import adl_assess, home_visit_record

from ..helpers import error_texts, login
from .conftest import person_build

URLCONF = "cityplatform.urls_tenant"
ALL_FULL = {f"adl_{item.code}": str(item.max_score) for item in BARTHEL_ITEMS}  # 20: social
ALL_ZERO = {f"adl_{item.code}": "0" for item in BARTHEL_ITEMS}  # 0: bedbound


def url(name, *args, query=""):
    return reverse(f"smarthealth:{name}", args=args, urlconf=URLCONF) + query


def be(date: dt.date) -> str:
    return f"{date.day:02d}/{date.month:02d}/{date.year + 543}"


def signed_in(client, username):
    return login(client, "kantang", username)


def search(client, text):
    """The volunteer's search box: it posts, and the list comes back at an opaque `?s=` key."""
    return client.post(url("visit-list"), {"q": text}, follow=True)


def rows(**filters):
    with schema_context("kantang"):
        return list(AccessLog.objects.filter(**filters))


def visits_of(person):
    with schema_context("kantang"):
        return list(HomeVisit.objects.filter(person=person))


def visit_data(**overrides):
    data = {"visited_on": be(timezone.localdate()), "sbp": "132", "dbp": "84", "fbs": "110",
            "weight_kg": "61.5", "notes": "ทานยาสม่ำเสมอ", "next_visit_due": ""}
    data.update(overrides)
    return data


# --- the list ---------------------------------------------------------------------------------
def test_it_shows_a_volunteer_only_their_assigned_households(kantang_client, own_person, other_person):
    client = signed_in(kantang_client, "volunteer")
    # Each person searched by name: the demo volunteer looks after more households than a page
    # holds. (The search box echoes the first name only, not the full name.)
    response = search(client, own_person.first_name)
    refused = search(client, other_person.first_name)

    assert response.status_code == 200
    html, refused_html = response.content.decode(), refused.content.decode()
    assert own_person.full_name in html
    assert url("visit-create", own_person.public_id) in html
    assert other_person.full_name not in refused_html
    assert url("visit-create", other_person.public_id) not in refused_html
    assert "no-store" in response["Cache-Control"]


def test_the_list_writes_one_list_row_per_view(kantang_client, own_person):
    signed_in(kantang_client, "volunteer").get(url("visit-list"))

    logged = rows()
    assert [(r.action, r.username) for r in logged] == [("list", "volunteer")]
    assert own_person.first_name not in str(logged[0].detail)


def test_a_volunteer_sees_the_bedbound_household_before_the_others(kantang_client, volunteer, own_household,
                                                                  own_person):
    quiet = Household.objects.create(house_id="92020100009", house_no="0/1", moo=1,
                                     community="ชุมชนทดสอบ", volunteer=volunteer)
    person_build(cid_seed=9, household=quiet, first_name="สบายดี", last_name=own_person.last_name)
    home_visit_record(person=own_person, user=volunteer, visited_on=timezone.localdate(),
                      adl_items={k[4:]: int(v) for k, v in ALL_ZERO.items()})

    # Searched by the surname the two share: just these two households, whatever the demo
    # volunteer's own households need this week.
    html = search(signed_in(kantang_client, "volunteer"), own_person.last_name).content.decode()

    assert html.index(own_person.first_name) < html.index("สบายดี")


def test_a_nurse_sees_recent_visits_and_overdue_ones(kantang_client, nurse, own_person, other_person):
    today = timezone.localdate()
    home_visit_record(person=own_person, user=nurse, visited_on=today - dt.timedelta(days=40),
                      next_visit_due=today - dt.timedelta(days=10), sbp=150, dbp=95)
    home_visit_record(person=other_person, user=nurse, visited_on=today,
                      next_visit_due=today + dt.timedelta(days=30))
    client = signed_in(kantang_client, "nurse")
    own, other = own_person.household.community, other_person.household.community

    def listed(**query):
        return client.get(url("visit-list", query="?" + urlencode(query))).content.decode()

    # Every look is within one fixture community: the demo's visits fill many pages.
    recent_own, recent_other = listed(community=own), listed(community=other)
    overdue_own, overdue_other = listed(tab="overdue", community=own), listed(tab="overdue", community=other)
    today_own = listed(community=own, date_from=be(today))
    today_other = listed(community=other, date_from=be(today))

    assert own_person.first_name in recent_own and "150/95" in recent_own
    assert other_person.first_name in recent_other
    assert other_person.first_name not in recent_own and own_person.first_name not in recent_other
    assert own_person.first_name in overdue_own and other_person.first_name not in overdue_other
    assert other_person.first_name in today_other and own_person.first_name not in today_own
    assert [r.object_ref for r in rows(action="list")][::-1] == [
        "visits_recent", "visits_recent", "visits_overdue", "visits_overdue", "visits_recent",
        "visits_recent"]


@pytest.mark.parametrize("username", ["executive", "engineer"])
def test_executives_and_engineers_get_403_on_every_visit_page(kantang_client, own_person, username):
    client = signed_in(kantang_client, username)

    for name in ("visit-create", "adl-create", "screening-create"):
        assert client.get(url(name, own_person.public_id)).status_code == 403
        assert client.post(url(name, own_person.public_id), visit_data()).status_code == 403
    assert client.get(url("visit-list")).status_code == 403
    assert visits_of(own_person) == []
    # Each refused look at the person is recorded as denied, and nothing else is.
    logged = rows()
    assert len(logged) == 6
    assert {(r.outcome, r.object_ref, r.detail["reason"]) for r in logged} == {
        ("denied", str(own_person.public_id), "no_permission")}


def test_an_anonymous_visitor_is_sent_to_the_login_page(kantang_client, own_person):
    response = kantang_client.get(url("visit-create", own_person.public_id))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- the visit form ---------------------------------------------------------------------------
def test_the_form_shows_the_person_audited_once_and_not_cached(kantang_client, own_person):
    response = signed_in(kantang_client, "volunteer").get(url("visit-create", own_person.public_id))

    assert response.status_code == 200
    html = response.content.decode()
    assert own_person.first_name in html
    assert 'inputmode="numeric"' in html and 'name="adl_feeding"' in html
    assert be(timezone.localdate()) in html  # the visit date defaults to today, Buddhist Era
    assert be(timezone.localdate() + dt.timedelta(days=30)) in html  # and the next visit to +30
    assert "no-store" in response["Cache-Control"]
    logged = rows()
    assert [(r.action, r.object_type, r.object_ref) for r in logged] == [
        ("view", "person", str(own_person.public_id))]


def test_the_next_visit_of_a_bedbound_person_defaults_to_a_week(kantang_client, volunteer, own_person):
    adl_assess(person=own_person, user=volunteer, assessed_on=timezone.localdate(), score=2)

    page = signed_in(kantang_client, "volunteer").get(url("visit-create", own_person.public_id))
    html = page.content.decode()

    assert f'value="{be(timezone.localdate() + dt.timedelta(days=7))}"' in html
    assert 'data-bedbound="1"' in html


def test_a_volunteer_cannot_open_or_post_a_visit_for_someone_not_assigned(kantang_client, other_person):
    client = signed_in(kantang_client, "volunteer")

    assert client.get(url("visit-create", other_person.public_id)).status_code == 404
    assert client.post(url("visit-create", other_person.public_id), visit_data()).status_code == 404
    assert client.post(url("adl-create", other_person.public_id),
                       {"assessed_on": be(timezone.localdate()), **ALL_FULL}).status_code == 404
    assert visits_of(other_person) == []
    with schema_context("kantang"):
        assert not AdlAssessment.objects.filter(person=other_person).exists()
    logged = rows()
    assert [(r.action, r.outcome) for r in logged][::-1] == [
        ("view", "denied"), ("create", "denied"), ("create", "denied")]
    assert {(r.object_ref, r.detail["reason"]) for r in logged} == {
        (str(other_person.public_id), "out_of_scope")}


def test_a_valid_visit_saves_vitals_and_an_adl_recheck(kantang_client, own_person):
    items = {**ALL_FULL, "adl_stairs": "0", "adl_bathing": "0", "adl_transfer": "1", "adl_mobility": "1"}
    # 20 − 2 − 1 − 2 − 2 = 13: socially active.
    response = signed_in(kantang_client, "volunteer").post(
        url("visit-create", own_person.public_id), visit_data(**items), follow=True)

    assert response.redirect_chain == [(url("visit-list"), 302)]
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    assert own_person.first_name not in str(list(response.context["messages"])[0])
    [visit] = visits_of(own_person)
    assert (visit.sbp, visit.dbp, visit.fbs, str(visit.weight_kg)) == (132, 84, 110, "61.5")
    assert visit.notes == "ทานยาสม่ำเสมอ"
    assert visit.next_visit_due == visit.visited_on + dt.timedelta(days=30)
    assert visit.visitor.username == "volunteer"
    with schema_context("kantang"):
        assessment = AdlAssessment.objects.get(person=own_person)
    assert (assessment.score, assessment.group, assessment.source) == (13, "social", "visit")
    assert visit.adl_id == assessment.pk
    # the write is audited once as a create, the list after the redirect as a list
    assert [(r.action, r.object_ref) for r in rows()][::-1] == [
        ("create", str(own_person.public_id)), ("list", "my_households")]


def test_a_visit_without_adl_items_records_no_assessment(kantang_client, own_person):
    signed_in(kantang_client, "nurse").post(url("visit-create", own_person.public_id),
                                            visit_data(sbp="", dbp="", fbs="95"))

    [visit] = visits_of(own_person)
    assert (visit.sbp, visit.dbp, visit.fbs, visit.adl_id) == (None, None, 95, None)


def test_a_bedbound_recheck_updates_the_current_group_and_next_visit_is_a_week(kantang_client, own_person):
    signed_in(kantang_client, "volunteer").post(url("visit-create", own_person.public_id),
                                                visit_data(**ALL_ZERO))

    [visit] = visits_of(own_person)
    assert visit.next_visit_due == visit.visited_on + dt.timedelta(days=7)
    with schema_context("kantang"):
        current = with_current_adl(Person.objects.filter(pk=own_person.pk)).get()
    assert (current.current_adl_score, current.current_adl_group) == (0, "bedbound")


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"sbp": "80", "dbp": "90"}, "sbp", "Systolic pressure must be higher than diastolic pressure."),
    ({"fbs": "900"}, "fbs", "Fasting blood sugar must be 20–700 mg/dL."),
    ({"weight_kg": "abc"}, "weight_kg", "Enter the weight in kilograms"),
    ({"visited_on": "31/02/2569"}, "visited_on", "Enter a date as day/month/year"),
])
def test_bad_vitals_are_explained_and_nothing_is_saved(kantang_client, own_person, overrides, field, message):
    response = signed_in(kantang_client, "volunteer").post(
        url("visit-create", own_person.public_id), visit_data(**ALL_FULL, **overrides))

    assert response.status_code == 200
    thai, english = error_texts(response.context["form"].errors[field])
    assert message in english and message not in thai
    assert escape(thai) in response.content.decode()  # the Thai page shows the Thai message only
    assert visits_of(own_person) == []
    with schema_context("kantang"):
        assert not AdlAssessment.objects.filter(person=own_person).exists()
    assert [r.action for r in rows()] == ["view"]


def test_an_adl_item_out_of_range_is_explained_and_nothing_is_saved(kantang_client, own_person):
    response = signed_in(kantang_client, "volunteer").post(
        url("visit-create", own_person.public_id), visit_data(**{**ALL_FULL, "adl_feeding": "5"}))

    assert response.status_code == 200
    thai = " ".join(response.context["adl_errors"])  # rendered by the view, on a Thai page
    assert "การรับประทานอาหาร" in thai and "0–2" in thai and "Feeding" not in thai
    assert "0–2" in response.content.decode()
    assert visits_of(own_person) == []
    with schema_context("kantang"):
        assert not AdlAssessment.objects.filter(person=own_person).exists()


def test_some_adl_items_without_the_others_are_refused(kantang_client, own_person):
    response = signed_in(kantang_client, "volunteer").post(
        url("visit-create", own_person.public_id), visit_data(adl_feeding="2"))

    assert response.status_code == 200
    thai = " ".join(response.context["adl_errors"])
    assert "ยังไม่ได้ให้คะแนน ADL ข้อ" in thai and "is missing" not in thai
    assert visits_of(own_person) == []


def test_a_buddhist_era_date_is_read_as_the_gregorian_date(kantang_client, own_person):
    signed_in(kantang_client, "volunteer").post(
        url("visit-create", own_person.public_id),
        visit_data(visited_on="01/11/2569", next_visit_due="๐๑/๑๒/๒๕๖๙"))

    [visit] = visits_of(own_person)
    assert visit.visited_on == dt.date(2026, 11, 1)
    assert visit.next_visit_due == dt.date(2026, 12, 1)


def test_a_visit_in_the_future_is_refused(kantang_client, own_person):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = signed_in(kantang_client, "volunteer").post(
        url("visit-create", own_person.public_id), visit_data(visited_on=be(tomorrow)))

    assert response.status_code == 200
    assert response.context["form"].errors["visited_on"]
    assert visits_of(own_person) == []


def test_no_visit_for_someone_who_moved_out(kantang_client, own_household):
    moved = person_build(cid_seed=7, household=own_household, status="moved")
    client = signed_in(kantang_client, "volunteer")

    page = client.get(url("visit-create", moved.public_id))
    response = client.post(url("visit-create", moved.public_id), visit_data())

    assert 'name="sbp"' not in page.content.decode()
    assert response.status_code == 200
    with translation.override("th"):  # the page speaks Thai first
        refusal = gettext("This person is no longer living here (moved out or deceased).")
    assert refusal in response.content.decode()
    assert visits_of(moved) == []


# --- ADL and NCD screening forms --------------------------------------------------------------
def test_a_volunteer_records_an_adl_assessment_and_sees_the_group(kantang_client, own_person):
    client = signed_in(kantang_client, "volunteer")
    response = client.post(url("adl-create", own_person.public_id),
                           {"assessed_on": be(timezone.localdate()), **ALL_FULL, "adl_stairs": "0",
                            "adl_mobility": "0", "adl_transfer": "0", "adl_feeding": "0",
                            "adl_dressing": "0"})  # 20 − 2 − 3 − 3 − 2 − 2 = 8: homebound

    assert response.status_code == 302
    result = client.get(response["Location"])
    assert result.context["saved"].score == 8
    assert 'class="hv-chip hv-big-chip hv-adl-homebound"' in result.content.decode()
    assert [r.action for r in rows()][::-1] == ["create", "view"]


def test_the_adl_total_alone_is_accepted_and_out_of_range_refused(kantang_client, own_person):
    client = signed_in(kantang_client, "nurse")
    today = be(timezone.localdate())

    bad = client.post(url("adl-create", own_person.public_id), {"assessed_on": today, "score": "21"})
    empty = client.post(url("adl-create", own_person.public_id), {"assessed_on": today})
    good = client.post(url("adl-create", own_person.public_id), {"assessed_on": today, "score": "3"})

    assert "คะแนน ADL ต้องอยู่ระหว่าง 0–20" in bad.content.decode()
    assert "The ADL score must be" not in bad.content.decode()
    assert empty.status_code == 200 and empty.context["form"].non_field_errors()
    assert good.status_code == 302
    with schema_context("kantang"):
        assert list(AdlAssessment.objects.filter(person=own_person).values_list("score", "group")) == [
            (3, "bedbound")]


def test_a_nurse_screens_and_sees_the_colour(kantang_client, own_person):
    client = signed_in(kantang_client, "nurse")
    response = client.post(url("screening-create", own_person.public_id),
                           {"screened_on": be(timezone.localdate()), "sbp": "165", "dbp": "95",
                            "fbs": "120", "complication": ""})

    assert response.status_code == 302
    page = client.get(response["Location"])
    assert 'data-ncd-colour="orange"' in page.content.decode()  # HT patient, 165 systolic
    with schema_context("kantang"):
        assert NcdScreening.objects.get(person=own_person).colour == "orange"


def test_a_screening_with_sbp_below_dbp_saves_nothing(kantang_client, own_person):
    response = signed_in(kantang_client, "nurse").post(
        url("screening-create", own_person.public_id),
        {"screened_on": be(timezone.localdate()), "sbp": "70", "dbp": "90"})

    assert response.status_code == 200
    assert response.context["form"].errors["sbp"]
    with schema_context("kantang"):
        assert not NcdScreening.objects.filter(person=own_person).exists()


def test_a_volunteer_may_not_screen(kantang_client, own_person):
    client = signed_in(kantang_client, "volunteer")

    assert client.get(url("screening-create", own_person.public_id)).status_code == 403
    assert client.post(url("screening-create", own_person.public_id),
                       {"screened_on": be(timezone.localdate()), "fbs": "100"}).status_code == 403
    with schema_context("kantang"):
        assert not NcdScreening.objects.filter(person=own_person).exists()


def test_an_unknown_person_is_a_404(kantang_client, in_kantang):
    client = signed_in(kantang_client, "nurse")

    assert client.get(url("visit-create", "00000000-0000-0000-0000-000000000000")).status_code == 404


def test_a_volunteer_finds_a_person_by_name_without_the_name_in_the_log(kantang_client, volunteer,
                                                                       own_household, own_person):
    second = Household.objects.create(house_id="92020100008", house_no="8/8", moo=3,
                                      community="ชุมชนทดสอบ", volunteer=volunteer)
    person_build(cid_seed=8, household=second, first_name="มานะ")

    html = search(signed_in(kantang_client, "volunteer"), "มานะ").content.decode()

    assert "มานะ" in html and own_person.first_name not in html
    [logged] = rows()
    assert "มานะ" not in str(logged.detail) and logged.detail["search"] == "name"
