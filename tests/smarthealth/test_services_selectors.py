"""Reads of personal data go through selectors that scope by role (volunteers: their households)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from smarthealth.models import AccessLog, Household
from smarthealth.rules import AdlGroup, NcdColour, Need
from smarthealth.selectors import (
    health_summary,
    household_need_levels,
    households_for,
    person_get,
    person_lookup_by_cid,
    persons_for,
)
from smarthealth.services import adl_assess, ncd_screen

from .conftest import make_cid, person_build

TODAY = dt.date.today()


def test_a_volunteer_sees_only_assigned_households_and_their_members(
        volunteer, nurse, own_person, other_person, own_household, other_household):
    assert set(households_for(volunteer)) == set(Household.objects.filter(volunteer=volunteer))
    assert other_household not in households_for(volunteer)
    visible = set(persons_for(volunteer))
    assert own_person in visible and other_person not in visible
    assert {own_person, other_person} <= set(persons_for(nurse))


@pytest.mark.parametrize("username", ["executive", "engineer"])
def test_roles_without_health_duties_read_no_person(username, own_person, in_kantang):
    from accounts.models import User

    user = User.objects.get(username=username)
    with pytest.raises(PermissionDenied):
        persons_for(user)
    with pytest.raises(PermissionDenied):
        households_for(user)
    with pytest.raises(PermissionDenied):
        person_get(user, own_person.public_id)
    assert health_summary(user)["persons"] >= 1


def test_person_get_writes_exactly_one_view_row(nurse, own_person, request_factory_get):
    person = person_get(nurse, own_person.public_id, request=request_factory_get())

    rows = AccessLog.objects.filter(object_ref=str(own_person.public_id))
    assert person == own_person
    assert rows.count() == 1
    row = rows.get()
    assert (row.action, row.username, row.role, row.ip) == ("view", "nurse", "nurse", "203.0.113.7")
    assert row.path == "/health/persons/x/"


def test_person_get_is_404_outside_the_scope_or_for_a_bad_id(volunteer, other_person):
    for public_id in (other_person.public_id, "not-a-uuid"):
        with pytest.raises(Http404):
            person_get(volunteer, public_id)
    assert not AccessLog.objects.filter(action="view", outcome="allowed").exists()
    # Each refusal is recorded: the existing person by public id, the bad id by nothing typed.
    denied = AccessLog.objects.filter(outcome="denied").order_by("id")
    assert [(r.username, r.object_ref, r.detail["reason"]) for r in denied] == [
        ("volunteer", str(other_person.public_id), "out_of_scope"), ("volunteer", "", "unknown")]


def test_lookup_by_national_id(nurse, volunteer, own_person, other_person):
    assert person_lookup_by_cid(nurse, make_cid(2)) == other_person
    assert person_lookup_by_cid(volunteer, "-".join([make_cid(1)[:1], make_cid(1)[1:]])) == own_person
    with pytest.raises(Http404):
        person_lookup_by_cid(volunteer, make_cid(2))
    row = AccessLog.objects.filter(object_ref=str(other_person.public_id), outcome="allowed").get()
    assert row.detail == {"via": "cid"}
    denied = AccessLog.objects.filter(outcome="denied").get()
    assert (denied.username, denied.object_ref, denied.detail) == (
        "volunteer", str(other_person.public_id), {"reason": "out_of_scope", "via": "cid"})
    assert make_cid(2) not in str(denied.detail) + denied.object_ref + denied.path


def test_filters(nurse, own_person, other_person, own_household):
    adl_assess(person=own_person, user=nurse, assessed_on=TODAY - dt.timedelta(days=30), score=15)
    adl_assess(person=own_person, user=nurse, assessed_on=TODAY, score=3)
    ncd_screen(person=other_person, user=nurse, screened_on=TODAY, sbp=185, dbp=95, fbs=None)
    young = person_build(cid_seed=31, household=own_household, birth_date=TODAY.replace(year=TODAY.year - 30))

    def ids(**filters):
        return set(persons_for(nurse, filters=filters).values_list("pk", flat=True))

    assert own_person.pk in ids(adl_group=AdlGroup.BEDBOUND)
    assert own_person.pk not in ids(adl_group=AdlGroup.SOCIAL)
    assert other_person.pk in ids(ncd_colour=NcdColour.RED)
    assert own_person.pk in ids(condition="HT") and other_person.pk not in ids(condition="HT")
    assert young.pk in ids(age_band="15_59") and young.pk not in ids(age_band="60_plus")
    assert own_person.pk in ids(age_band="70_79")
    assert ids(q=make_cid(31)) == {young.pk}
    assert own_person.pk in ids(q=own_person.first_name, moo=1, community="ชุมชนทดสอบ")
    assert other_person.pk not in ids(moo=1)


def test_household_need_levels(nurse, own_household, other_household, own_person, other_person):
    ncd_screen(person=other_person, user=nurse, screened_on=TODAY, sbp=165, dbp=95, fbs=None)
    empty = Household.objects.create(house_id="92020100003", house_no="3")
    levels = {h.pk: h.need for h in household_need_levels(Household.objects.all())}
    assert levels[own_household.pk] == Need.ELDERLY
    assert levels[other_household.pk] == Need.NCD_ORANGE
    assert levels[empty.pk] == Need.NONE
    adl_assess(person=own_person, user=nurse, assessed_on=TODAY, score=4)
    household = household_need_levels(Household.objects.filter(pk=own_household.pk)).get()
    assert (household.need, household.need_level) == (Need.BEDBOUND, max(
        h.need_level for h in household_need_levels(Household.objects.all())))


def test_health_summary_counts(nurse, own_person, other_person):
    summary = health_summary(nurse)
    assert summary["by_condition"].get("HT", 0) >= 1
    assert sum(summary["by_sex"].values()) == summary["persons"]
    assert sum(summary["by_age_band"].values()) == summary["persons"]
    assert sum(summary["by_adl_group"].values()) == summary["persons"]
