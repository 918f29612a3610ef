"""ADL assessments, NCD screenings and home visits: derived values, ranges, scope, atomicity."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from smarthealth.models import AdlAssessment, HomeVisit, NcdScreening
from smarthealth.rules import BARTHEL_ITEMS, AdlGroup, NcdColour
from smarthealth.services import adl_assess, home_visit_record, ncd_screen

TODAY = dt.date.today()
FULL_ITEMS = {item.code: item.max_score for item in BARTHEL_ITEMS}


def test_items_give_the_score_and_the_group(nurse, own_person):
    items = {**FULL_ITEMS, "transfer": 0, "mobility": 0, "stairs": 0, "bathing": 0}  # 20 - 9
    assessment = adl_assess(person=own_person, user=nurse, assessed_on=TODAY, items=items)
    assert assessment.score == 11
    assert assessment.group == AdlGroup.HOMEBOUND


def test_the_same_day_replaces_rather_than_duplicates(nurse, own_person):
    adl_assess(person=own_person, user=nurse, assessed_on=TODAY, score=3)
    again = adl_assess(person=own_person, user=nurse, assessed_on=TODAY, score=15)
    assert AdlAssessment.objects.filter(person=own_person).count() == 1
    assert again.group == AdlGroup.SOCIAL


@pytest.mark.parametrize("score", [-1, 21, "abc", 4.5])
def test_adl_outside_0_to_20_is_rejected(nurse, own_person, score):
    with pytest.raises(ValidationError) as excinfo:
        adl_assess(person=own_person, user=nurse, assessed_on=TODAY, score=score)
    assert "score" in excinfo.value.message_dict
    assert not AdlAssessment.objects.filter(person=own_person).exists()


def test_an_assessment_in_the_future_is_rejected(nurse, own_person):
    with pytest.raises(ValidationError) as excinfo:
        adl_assess(person=own_person, user=nurse, assessed_on=TODAY + dt.timedelta(days=1), score=10)
    assert "assessed_on" in excinfo.value.message_dict


def test_a_screening_is_coloured_as_diagnosed_when_the_person_has_ht(nurse, own_person, other_person):
    assert ncd_screen(person=own_person, user=nurse, screened_on=TODAY, sbp=130, dbp=85,
                      fbs=None).colour == NcdColour.DARK_GREEN
    assert ncd_screen(person=other_person, user=nurse, screened_on=TODAY, sbp=130, dbp=85,
                      fbs=None).colour == NcdColour.LIGHT_GREEN
    assert ncd_screen(person=other_person, user=nurse, screened_on=TODAY - dt.timedelta(days=1),
                      sbp=130, dbp=85, fbs=90, complication="eye").colour == NcdColour.BLACK


@pytest.mark.parametrize(("values", "field"), [
    ({"sbp": 80, "dbp": 90, "fbs": None}, "sbp"),
    ({"sbp": 90, "dbp": 90, "fbs": None}, "sbp"),
    ({"sbp": 120, "dbp": None, "fbs": None}, "dbp"),
    ({"sbp": None, "dbp": None, "fbs": 800}, "fbs"),
    ({"sbp": None, "dbp": None, "fbs": 19}, "fbs"),
    ({"sbp": None, "dbp": None, "fbs": None}, "sbp"),
])
def test_bad_vitals_are_rejected(nurse, own_person, values, field):
    with pytest.raises(ValidationError) as excinfo:
        ncd_screen(person=own_person, user=nurse, screened_on=TODAY, **values)
    assert field in excinfo.value.message_dict
    assert not NcdScreening.objects.filter(person=own_person).exists()


def test_volunteers_may_not_screen(volunteer, own_person):
    with pytest.raises(PermissionDenied):
        ncd_screen(person=own_person, user=volunteer, screened_on=TODAY, sbp=120, dbp=80, fbs=None)


def test_a_volunteer_records_a_visit_with_an_adl_recheck(volunteer, own_person):
    visit = home_visit_record(person=own_person, user=volunteer, visited_on=TODAY, sbp=150, dbp=90,
                              weight_kg="58.5", adl_items={**FULL_ITEMS, "bathing": 0},
                              next_visit_due=TODAY + dt.timedelta(days=30), notes="  ok  ")
    assert visit.weight_kg == Decimal("58.5")
    assert visit.adl.source == AdlAssessment.Source.VISIT
    assert visit.adl.score == 19
    assert visit.notes == "ok"
    assert not NcdScreening.objects.filter(person=own_person).exists()  # vitals stay on the visit


def test_a_volunteer_cannot_visit_a_household_not_assigned_to_them(volunteer, other_person):
    with pytest.raises(PermissionDenied):
        home_visit_record(person=other_person, user=volunteer, visited_on=TODAY)


def test_a_visit_with_a_bad_adl_item_saves_neither_visit_nor_assessment(volunteer, own_person):
    with pytest.raises(ValidationError) as excinfo:
        home_visit_record(person=own_person, user=volunteer, visited_on=TODAY, sbp=120, dbp=80,
                          adl_items={**FULL_ITEMS, "feeding": 5})
    assert "adl_items" in excinfo.value.message_dict
    assert not HomeVisit.objects.filter(person=own_person).exists()
    assert not AdlAssessment.objects.filter(person=own_person).exists()


def test_a_visit_rejects_a_due_date_before_it_and_a_bad_weight(nurse, own_person):
    with pytest.raises(ValidationError) as excinfo:
        home_visit_record(person=own_person, user=nurse, visited_on=TODAY, weight_kg=0,
                          next_visit_due=TODAY - dt.timedelta(days=1))
    assert {"weight_kg", "next_visit_due"} <= set(excinfo.value.message_dict)
    assert not HomeVisit.objects.filter(person=own_person).exists()


def test_a_failure_after_the_assessment_is_written_rolls_it_back(volunteer, own_person, monkeypatch):
    def broken_create(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(HomeVisit.objects, "create", broken_create)
    with pytest.raises(RuntimeError):
        home_visit_record(person=own_person, user=volunteer, visited_on=TODAY, adl_items=FULL_ITEMS)
    assert not AdlAssessment.objects.filter(person=own_person).exists()
