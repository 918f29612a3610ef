"""The registry pages: persons and households, as each role sees them (PDPA rules of issue 4)."""

import datetime as dt
import json

import pytest
from django.urls import reverse

from kernel.national_id import format_national_id
from smarthealth.crypto import cid_hash
from smarthealth.models import AccessLog, Household, Person
from tests.helpers import error_texts, host_client, login

from .conftest import make_cid, person_build

pytestmark = pytest.mark.django_db


def client_for(username):
    client = host_client("kantang.localhost")
    return login(client, "kantang", username) if username else client


def _urls(own_person, other_person, own_household, other_household):
    return {
        "person-list": ("get", reverse("smarthealth:person-list")),
        "person-detail-own": ("get", reverse("smarthealth:person-detail", args=[own_person.public_id])),
        "person-detail-other": ("get", reverse("smarthealth:person-detail", args=[other_person.public_id])),
        "person-create": ("get", reverse("smarthealth:person-create")),
        "person-update": ("get", reverse("smarthealth:person-update", args=[own_person.public_id])),
        "person-reveal": ("post", reverse("smarthealth:person-reveal-cid", args=[own_person.public_id])),
        "household-list": ("get", reverse("smarthealth:household-list")),
        "household-detail-own": ("get", reverse("smarthealth:household-detail", args=[own_household.pk])),
        "household-detail-other": ("get", reverse("smarthealth:household-detail",
                                                  args=[other_household.pk])),
        "household-create": ("get", reverse("smarthealth:household-create")),
        "household-update": ("get", reverse("smarthealth:household-update", args=[own_household.pk])),
    }


FULL = dict.fromkeys(
    ["person-list", "person-detail-own", "person-detail-other", "person-create", "person-update",
     "person-reveal", "household-list", "household-detail-own", "household-detail-other",
     "household-create", "household-update"], 200)
VOLUNTEER = {**FULL, "person-detail-other": 404, "person-create": 403, "person-update": 403,
             "person-reveal": 403, "household-detail-other": 404, "household-create": 403,
             "household-update": 403}
NONE = dict.fromkeys(FULL, 403)


@pytest.mark.parametrize(("username", "expected"), [
    ("admin", FULL), ("nurse", FULL), ("volunteer", VOLUNTEER),
    ("executive", NONE), ("engineer", NONE),
])
def test_it_applies_the_role_matrix_to_every_registry_url(
        username, expected, own_person, other_person, own_household, other_household):
    client = client_for(username)
    got = {}
    for name, (method, url) in _urls(own_person, other_person, own_household, other_household).items():
        got[name] = getattr(client, method)(url).status_code
    assert got == expected


def test_it_sends_anonymous_visitors_to_the_login_page(
        own_person, other_person, own_household, other_household):
    client = client_for(None)
    for name, (method, url) in _urls(own_person, other_person, own_household, other_household).items():
        response = getattr(client, method)(url)
        assert response.status_code == 302, name
        assert "/accounts/login/" in response["Location"], name


def _rows(**filters):
    return AccessLog.objects.filter(**filters)


def test_it_writes_exactly_one_view_row_per_person_page(own_person):
    client = client_for("nurse")
    before = _rows(object_ref=str(own_person.public_id)).count()
    response = client.get(reverse("smarthealth:person-detail", args=[own_person.public_id]))
    assert response.status_code == 200
    rows = _rows(object_ref=str(own_person.public_id))
    assert rows.count() == before + 1
    row = rows.first()
    assert (row.action, row.object_type, row.username) == ("view", "person", "nurse")
    assert row.ip == "127.0.0.1"


def test_it_reveals_the_national_id_to_a_nurse_with_one_audit_row(own_person):
    client = client_for("nurse")
    url = reverse("smarthealth:person-reveal-cid", args=[own_person.public_id])
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert format_national_id(make_cid(1)) in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert _rows(action="reveal_cid", object_ref=str(own_person.public_id)).count() == 1
    assert _rows(object_ref=str(own_person.public_id)).exclude(action="reveal_cid").count() == 0


def test_it_refuses_the_reveal_to_a_volunteer_and_to_a_get(own_person):
    url = reverse("smarthealth:person-reveal-cid", args=[own_person.public_id])
    response = client_for("volunteer").post(url)
    assert response.status_code == 403
    assert make_cid(1) not in response.content.decode()
    assert client_for("nurse").get(url).status_code == 405
    assert not _rows(action="reveal_cid", outcome="allowed").exists()
    [denied] = _rows(action="reveal_cid", outcome="denied")  # the volunteer's try, recorded
    assert (denied.username, denied.object_ref) == ("volunteer", str(own_person.public_id))


def test_the_person_page_shows_the_masked_id_and_the_reveal_button_only_to_nurses(own_person):
    url = reverse("smarthealth:person-detail", args=[own_person.public_id])
    nurse_page = client_for("nurse").get(url).content.decode()
    volunteer_page = client_for("volunteer").get(url).content.decode()
    reveal = reverse("smarthealth:person-reveal-cid", args=[own_person.public_id])
    for page in (nurse_page, volunteer_page):
        assert own_person.cid_masked in page
        assert make_cid(1) not in page and format_national_id(make_cid(1)) not in page
    assert reveal in nurse_page
    assert reveal not in volunteer_page


def test_the_list_writes_one_list_row_without_names(own_person, other_person):
    client = client_for("nurse")
    before = _rows(action="list").count()
    response = client.post(reverse("smarthealth:person-list"), {"q": own_person.first_name})
    assert response.status_code == 200
    assert own_person.full_name in response.content.decode()
    assert _rows(action="list").count() == before + 1
    row = _rows(action="list").first()
    text = json.dumps(row.detail, ensure_ascii=False) + row.object_ref + row.path
    assert own_person.first_name not in text and own_person.last_name not in text
    assert row.detail["search"] == "name"
    assert row.detail["count"] == 1


def test_the_list_shows_masked_ids_only(own_person, other_person):
    client = client_for("nurse")
    for person, seed in ((own_person, 1), (other_person, 2)):
        # One community at a time: the demo registry fills many pages.
        page = client.get(reverse("smarthealth:person-list"),
                          {"community": person.household.community}).content.decode()
        assert person.cid_masked in page
        assert make_cid(seed) not in page
        assert format_national_id(make_cid(seed)) not in page


def test_a_national_id_search_posts_finds_the_person_and_is_never_echoed(own_person, other_person):
    client = client_for("nurse")
    cid = make_cid(2)
    response = client.post(reverse("smarthealth:person-list"), {"q": format_national_id(cid)})
    page = response.content.decode()
    assert other_person.full_name in page
    assert own_person.full_name not in page
    assert cid not in page and format_national_id(cid) not in page
    row = _rows(action="list").first()
    assert row.detail["search"] == "cid" and row.detail["count"] == 1
    assert cid not in json.dumps(row.detail)


def test_a_search_in_the_url_is_ignored(own_person, other_person):
    client = client_for("nurse")
    # other_person's community, searched for own_person's name (the community keeps the demo
    # registry out of the way).
    data = {"community": other_person.household.community, "q": own_person.first_name}
    page = client.get(reverse("smarthealth:person-list"), data).content.decode()
    # other_person is listed: the GET search did nothing, and the box does not echo it.
    assert other_person.full_name in page
    assert f'value="{own_person.first_name}"' not in page
    # The same search posted does apply.
    posted = client.post(reverse("smarthealth:person-list"), data).content.decode()
    assert other_person.full_name not in posted


def test_the_list_filters_and_paginates_with_htmx(own_person, other_person):
    client = client_for("nurse")
    own, other = own_person.household.community, other_person.household.community

    def results(**filters):
        # Each filter is tried within one fixture community: the demo registry fills many pages.
        response = client.post(reverse("smarthealth:person-list"), filters, HTTP_HX_REQUEST="true")
        return response.content.decode()

    page = results(community=own, condition="HT")
    assert page.lstrip().startswith('<div id="person-results"')
    assert own_person.full_name in page
    assert other_person.full_name in results(community=other)
    assert other_person.full_name not in results(community=other, condition="HT")
    assert other_person.full_name in results(community=other, moo="2")
    assert own_person.full_name in results(community=own)
    assert own_person.full_name not in results(community=own, moo="2")


def test_a_volunteer_lists_only_the_assigned_households_members(own_person, other_person):
    client = client_for("volunteer")
    # Asked for each household by name (the demo volunteer looks after many more people than a
    # page holds): only the assigned one answers.
    for person, listed in ((own_person, True), (other_person, False)):
        page = client.get(reverse("smarthealth:person-list"),
                          {"household": person.household.pk}).content.decode()
        assert (person.full_name in page) is listed
        households = client.get(reverse("smarthealth:household-list"),
                                {"q": person.household.house_id}).content.decode()
        link = reverse("smarthealth:household-detail", args=[person.household.pk])
        assert (f'href="{link}"' in households) is listed


def test_personal_pages_are_not_cached(own_person, own_household):
    client = client_for("nurse")
    for url in (reverse("smarthealth:person-list"),
                reverse("smarthealth:person-detail", args=[own_person.public_id]),
                reverse("smarthealth:household-detail", args=[own_household.pk])):
        assert "no-store" in client.get(url)["Cache-Control"], url


# --- the person form ------------------------------------------------------------------------
def _person_post(**overrides):
    data = {"cid": make_cid(77), "prefix": "นาง", "first_name": "สมศรี", "last_name": "ทดลอง",
            "sex": "F", "birth_date": "15/06/2510", "house_id": "92020100001", "phone": "081-234-5678",
            "chronic_conditions": ["DM", "HT"], "disability": "none", "status": "living"}
    data.update(overrides)
    return data


def test_it_registers_a_person_with_a_buddhist_era_birth_date(own_household):
    client = client_for("nurse")
    response = client.post(reverse("smarthealth:person-create"), _person_post())
    assert response.status_code == 302
    person = Person.objects.get(cid_hash=cid_hash(make_cid(77)))  # the demo has its own สมศรี
    assert (person.first_name, person.last_name) == ("สมศรี", "ทดลอง")
    assert person.birth_date == dt.date(1967, 6, 15)
    assert person.household == own_household
    assert person.chronic_conditions == ["DM", "HT"]
    assert str(person.public_id) in response["Location"]
    assert make_cid(77) not in response["Location"] and "สมศรี" not in response["Location"]
    assert _rows(action="create", object_ref=str(person.public_id)).count() == 1
    edit = client.get(reverse("smarthealth:person-update", args=[person.public_id])).content.decode()
    assert 'value="15/06/2510"' in edit
    detail = client.get(reverse("smarthealth:person-detail", args=[person.public_id])).content.decode()
    assert "15 มิถุนายน 2510" in detail


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"cid": make_cid(77)[:12] + str((int(make_cid(77)[12]) + 1) % 10)}, "cid", "check digit"),
    ({"birth_date": (dt.date.today() + dt.timedelta(days=3)).strftime("%d/%m/") +
      str(dt.date.today().year + 543)}, "birth_date", "future"),
    ({"birth_date": "31/02/2510"}, "birth_date", "Buddhist Era"),
    ({"house_id": "12345"}, "house_id", "11 digits"),
    ({"house_id": "99999999999"}, "house_id", "No household"),
])
def test_it_refuses_bad_input_and_saves_nothing(overrides, field, message, own_household):
    before = Person.objects.count()
    response = client_for("nurse").post(reverse("smarthealth:person-create"), _person_post(**overrides))
    assert response.status_code == 400
    thai, english = error_texts(response.context["form"].errors[field])
    assert message in english and message not in thai
    assert Person.objects.count() == before


def test_it_reports_a_duplicate_national_id(own_person, own_household):
    before = Person.objects.count()
    response = client_for("nurse").post(reverse("smarthealth:person-create"),
                                        _person_post(cid=make_cid(1)))
    assert response.status_code == 400
    thai, english = error_texts(response.context["form"].errors["cid"])
    assert "already registered" in english and "already registered" not in thai
    assert Person.objects.count() == before


def test_it_updates_a_person_and_keeps_the_id_when_left_empty(own_person):
    client = client_for("nurse")
    url = reverse("smarthealth:person-update", args=[own_person.public_id])
    response = client.post(url, _person_post(cid="", first_name=own_person.first_name,
                                             last_name=own_person.last_name, phone="075-251-111"))
    assert response.status_code == 302
    own_person.refresh_from_db()
    assert own_person.phone == "075-251-111"
    assert own_person.cid == make_cid(1)
    row = _rows(action="update", object_ref=str(own_person.public_id)).get()
    assert "phone" in row.detail["fields"]
    assert "075-251-111" not in json.dumps(row.detail)


def test_a_failed_update_changes_nothing(own_person):
    url = reverse("smarthealth:person-update", args=[own_person.public_id])
    response = client_for("nurse").post(url, _person_post(cid="", phone="0812345678",
                                                          birth_date="01/01/3000"))
    assert response.status_code == 400
    own_person.refresh_from_db()
    assert own_person.phone == "" and own_person.birth_date == dt.date(1950, 1, 1)


def test_a_volunteer_cannot_post_a_person(own_household):
    before = Person.objects.count()
    response = client_for("volunteer").post(reverse("smarthealth:person-create"), _person_post())
    assert response.status_code == 403
    assert not Person.objects.filter(cid_hash=cid_hash(make_cid(77))).exists()
    assert Person.objects.count() == before


# --- households ------------------------------------------------------------------------------
def _household_post(**overrides):
    data = {"house_id": "92020100099", "house_no": "99/9", "moo": "3", "community": "ชุมชนท่าเรือ",
            "road": "ตรังคภูมิ", "subdistrict_code": "920201", "lat": "7.4100", "lon": "99.5190",
            "volunteer": ""}
    data.update(overrides)
    return data


def test_it_adds_a_household_with_its_location_and_volunteer(volunteer):
    client = client_for("nurse")
    response = client.post(reverse("smarthealth:household-create"),
                           _household_post(volunteer=str(volunteer.pk)))
    assert response.status_code == 302
    household = Household.objects.get(house_id="92020100099")
    assert (round(household.location.y, 4), round(household.location.x, 4)) == (7.41, 99.519)
    assert household.volunteer == volunteer
    assert _rows(action="create", object_type="household", object_ref=str(household.pk)).exists()


@pytest.mark.parametrize(("overrides", "field"), [
    ({"house_id": "9202010009"}, "house_id"),
    ({"lat": "99.519", "lon": "7.41"}, "lat"),
    ({"lon": ""}, "lat"),
    ({"house_id": "92020100001"}, "house_id"),
])
def test_it_refuses_a_bad_household(overrides, field, own_household):
    before = Household.objects.count()
    response = client_for("nurse").post(reverse("smarthealth:household-create"),
                                        _household_post(**overrides))
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert Household.objects.count() == before


def test_it_refuses_a_non_volunteer_as_the_households_volunteer(nurse):
    response = client_for("admin").post(reverse("smarthealth:household-create"),
                                        _household_post(volunteer=str(nurse.pk)))
    assert response.status_code == 400
    assert not Household.objects.filter(house_id="92020100099").exists()


def test_the_household_page_lists_members_with_one_audit_row(own_person, own_household):
    person_build(cid_seed=5, household=own_household, first_name="ย้ายแล้ว", status="moved")
    client = client_for("volunteer")
    before = _rows(object_type="household").count()
    page = client.get(reverse("smarthealth:household-detail", args=[own_household.pk])).content.decode()
    assert own_person.full_name in page and "ย้ายแล้ว" in page
    rows = _rows(object_type="household")
    assert rows.count() == before + 1
    assert rows.first().detail["members"] == 2
    # Whose data the page showed, by public id (issue 22), not only how many.
    assert set(rows.first().detail["persons"]) == {
        str(p.public_id) for p in Person.objects.filter(household=own_household)}


def test_it_moves_a_household_pin(own_household):
    client = client_for("nurse")
    url = reverse("smarthealth:household-update", args=[own_household.pk])
    response = client.post(url, _household_post(house_id=own_household.house_id, lat="7.42", lon="99.52"))
    assert response.status_code == 302
    own_household.refresh_from_db()
    assert round(own_household.location.y, 2) == 7.42
