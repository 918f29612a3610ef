"""Registering households and persons: clear bilingual errors, nothing half-saved."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from smarthealth import crypto
from smarthealth.models import AccessLog, Household, Person
from smarthealth.services import (
    household_create,
    household_update,
    person_create,
    person_update,
)

from ..helpers import error_texts
from .conftest import make_cid


def person_data(**overrides):
    data = {"cid": make_cid(21), "prefix": "นาง", "first_name": "สมศรี", "last_name": "มีสุข",
            "sex": "F", "birth_date": dt.date(1955, 3, 1), "chronic_conditions": ["dm", "HT"]}
    data.update(overrides)
    return data


def test_it_registers_a_person_with_an_encrypted_id(nurse, own_household):
    person = person_create(user=nurse, data=person_data(household=own_household))

    person.refresh_from_db()
    assert person.cid_hash == crypto.cid_hash(make_cid(21))
    assert person.chronic_conditions == ["DM", "HT"]
    assert AccessLog.objects.filter(action="create", object_ref=str(person.public_id)).count() == 1


def test_it_finds_the_household_by_house_id(nurse, own_household):
    person = person_create(user=nurse, data=person_data(house_id="92020100001"))
    assert person.household == own_household


@pytest.mark.parametrize(("overrides", "field"), [
    ({"cid": "1234567890122"}, "cid"),
    ({"cid": "1.23457E+12"}, "cid"),
    ({"birth_date": dt.date.today() + dt.timedelta(days=1)}, "birth_date"),
    ({"chronic_conditions": ["FLU"]}, "chronic_conditions"),
    ({"house_id": "99999999999"}, "house_id"),
    ({"sex": "X"}, "sex"),
])
def test_bad_input_is_rejected_with_nothing_saved(nurse, overrides, field):
    before = Person.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        person_create(user=nurse, data=person_data(**overrides))
    assert field in excinfo.value.message_dict
    assert Person.objects.count() == before
    assert not AccessLog.objects.filter(action="create", object_type="person").exists()


def test_a_duplicate_id_gets_a_clear_message(nurse):
    person_create(user=nurse, data=person_data())
    with pytest.raises(ValidationError) as excinfo:
        person_create(user=nurse, data=person_data(cid="-".join(["", make_cid(21)])[1:]))
    thai, english = error_texts(excinfo.value.error_dict["cid"])
    assert "already registered" in english and "already registered" not in thai


def test_only_the_care_team_registers_persons(volunteer, executive):
    for user in (volunteer, executive):
        with pytest.raises(PermissionDenied):
            person_create(user=user, data=person_data())


def test_an_update_audits_field_names_only(nurse, own_person):
    person_update(person=own_person, user=nurse, data={"phone": "0812345678", "last_name": "ใหม่"})

    row = AccessLog.objects.get(action="update", object_ref=str(own_person.public_id))
    assert row.detail == {"fields": ["last_name", "phone"]}
    assert "0812345678" not in str(row.detail)


def test_an_update_to_a_bad_value_changes_nothing(nurse, own_person):
    with pytest.raises(ValidationError):
        person_update(person=own_person, user=nurse,
                      data={"last_name": "ใหม่", "birth_date": dt.date.today() + dt.timedelta(days=3)})
    own_person.refresh_from_db()
    assert own_person.last_name == "ใจดี"


def test_households_are_validated(nurse, volunteer, engineer):
    household = household_create(user=nurse, data={"house_id": "92020100123", "house_no": "9",
                                                    "lat": 7.41, "lon": 99.52, "volunteer": volunteer})
    assert household.location.y == pytest.approx(7.41)

    with pytest.raises(ValidationError) as excinfo:
        household_create(user=nurse, data={"house_id": "9202", "house_no": "1"})
    assert "house_id" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        household_create(user=nurse, data={"house_id": "92020100124", "house_no": "1",
                                           "lat": 99.52, "lon": 7.41})
    assert "location" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        household_update(household=household, user=nurse, data={"volunteer": engineer})
    assert "volunteer" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        household_create(user=nurse, data={"house_id": "92020100123", "house_no": "1"})
    assert Household.objects.filter(house_id__startswith="9202010012").count() == 1
    with pytest.raises(PermissionDenied):
        household_create(user=volunteer, data={"house_id": "92020100125", "house_no": "1"})
