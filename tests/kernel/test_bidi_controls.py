"""Bidirectional control characters are stripped from names (issue 22, finding 4): a
right-to-left override would show a name in another order than it was typed."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.forms import ProfileForm, UserCreateForm
from accounts.models import User
from accounts.roles import Role
from accounts.services import user_create, user_update
from communities.models import Community
from kernel.text import BIDI_CONTROL_RE, strip_bidi_controls
from smarthealth.forms.registry import HouseholdForm, PersonForm
from smarthealth.services import household_create, person_create, person_update
from tests.helpers import host_client, login
from tests.smarthealth.conftest import make_cid

RLO, PDF, LRI, PDI, RLM = "\u202e", "\u202c", "\u2066", "\u2069", "\u200f"
EVERY_CONTROL = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def test_every_bidi_control_goes_and_nothing_else_changes():
    assert strip_bidi_controls(f"สม{RLO}ชาย{PDF} ใจ{LRI}ดี{PDI}{RLM}") == "สมชาย ใจดี"
    assert strip_bidi_controls(EVERY_CONTROL) == ""
    assert all(BIDI_CONTROL_RE.fullmatch(c) for c in EVERY_CONTROL)
    # Thai marks, zero-width joiners of other scripts and plain spaces are not bidi controls.
    assert strip_bidi_controls("น้ำ  ไฟ\u0e4c") == "น้ำ  ไฟ\u0e4c"
    assert strip_bidi_controls(None) == "" and strip_bidi_controls(12) == "12"


def test_the_person_and_household_services_store_names_without_them(in_kantang):
    Community.objects.get_or_create(name="ชุมชนทดสอบ")  # the register has it (the service takes no other)
    nurse = User.objects.get(username="nurse")
    household = household_create(user=nurse, data={
        "house_id": "92020188001", "house_no": f"{RLO}88/1", "moo": 1, "community": f"ชุมชน{LRI}ทดสอบ{PDI}",
        "road": f"{RLM}สายหนึ่ง", "subdistrict_code": "", "volunteer": None, "location": None})
    person = person_create(user=nurse, data={
        "cid": make_cid(8801), "prefix": f"นาย{RLO}", "first_name": f"{RLO}lmth.exe",
        "last_name": f"ใจ{PDF}ดี",
        "sex": "M", "birth_date": dt.date(1980, 1, 1), "household": household})
    assert (household.house_no, household.community, household.road) == ("88/1", "ชุมชนทดสอบ", "สายหนึ่ง")
    person.refresh_from_db()
    assert (person.prefix, person.first_name, person.last_name) == ("นาย", "lmth.exe", "ใจดี")
    person_update(person=person, user=nurse, data={"first_name": f"สม{RLO}ศรี"})
    person.refresh_from_db()
    assert person.first_name == "สมศรี"


def test_the_forms_drop_them_before_the_required_check(in_kantang):
    form = PersonForm({"cid": make_cid(8802), "first_name": RLO + PDF, "last_name": f"ใจ{RLO}ดี",
                       "sex": "F", "birth_date": "01/01/2520", "disability": "none", "status": "living"})
    assert not form.is_valid()
    assert "first_name" in form.errors  # nothing but controls is an empty name
    assert form.cleaned_data["last_name"] == "ใจดี"
    household = HouseholdForm({"house_id": "92020188002", "house_no": f"{RLO}9"})
    assert household.is_valid(), household.errors
    assert household.cleaned_data["house_no"] == "9"


def test_user_names_are_stored_without_them(in_kantang):
    user = user_create(username="rlo_test", password="a-long-password-42", role=Role.NURSE,
                       first_name=f"มา{RLO}ลี", last_name=f"{LRI}ใจงาม{PDI}", position=f"พยาบาล{RLM}")
    assert (user.first_name, user.last_name, user.position) == ("มาลี", "ใจงาม", "พยาบาล")
    admin = User.objects.get(username="admin")
    user_update(user=user, acting_user=admin, role=Role.NURSE, is_active=True, first_name=f"{RLO}สุดา")
    assert User.objects.get(pk=user.pk).first_name == "สุดา"
    form = UserCreateForm({"username": "rlo_form", "first_name": f"ก{RLO}ข", "last_name": "ค",
                           "email": "", "phone": "", "position": "", "role": "nurse",
                           "password": "a-long-password-42"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["first_name"] == "กข"
    profile = ProfileForm({"first_name": f"{RLO}ง", "last_name": "จ", "email": "", "phone": "",
                           "position": ""}, instance=user)
    assert profile.is_valid() and profile.cleaned_data["first_name"] == "ง"


@pytest.mark.django_db
def test_a_name_typed_with_an_override_on_the_page_is_saved_without_it(kantang):
    client = login(host_client("kantang.localhost"), "kantang", "nurse")
    response = client.post(reverse("smarthealth:person-create"), {
        "cid": make_cid(8803), "prefix": "", "first_name": f"ทด{RLO}สอบ", "last_name": "บิดิ", "sex": "F",
        "birth_date": "01/01/2520", "disability": "none", "status": "living"})
    assert response.status_code == 302
    assert RLO not in client.get(response["Location"]).content.decode()
