"""What the reference could not confirm is configuration: the seeded group table and visit
frequencies are marked unconfirmed, and changing them changes the suggestion and the follow-up."""

from decimal import Decimal

from ltc.models import GroupRule, LtcSettings
from ltc.services import care_plan_write, case_enrol
from ltc.services.plans import group_suggestion

from .conftest import plan_data


def test_it_seeds_the_table_as_unconfirmed(in_kantang):
    rules = list(GroupRule.objects.all())
    assert rules and not any(rule.confirmed for rule in rules)
    assert {rule.group for rule in rules} == {1, 2, 3, 4}
    assert LtcSettings.current().default_annual_rate == Decimal("10442")
    assert {rule.visits_per_month for rule in rules if rule.group == 4} == {8}


def test_it_suggests_from_the_table_the_municipality_edits(in_kantang):
    assert group_suggestion(adl=8, tai="C2") == 2
    GroupRule.objects.filter(group=2).update(tai_codes=["C4"])  # the fund's official table differs
    assert group_suggestion(adl=8, tai="C2") == 1
    GroupRule.objects.all().delete()
    GroupRule.objects.create(order=1, group=3, adl_min=0, adl_max=11, tai_codes=[], visits_per_month=12)
    assert group_suggestion(adl=9, tai="") == 3
    assert GroupRule.objects.get().visits_per_month == 12


def test_the_cm_chooses_the_group_whatever_the_suggestion(make_person, nurse, care_manager):
    case = case_enrol(person=make_person(8), user=nurse)
    plan = care_plan_write(
        case=case, user=nurse, data=plan_data(adl_score=8, tai="C2", group=4), items=[], schedule=[]
    )
    assert (plan.suggested_group, plan.group) == (2, 4)
