"""The CM's follow-up: plans to write, re-assessments overdue (interval from the settings),
visits missed against the schedule, ADL improved or worsened since enrolment."""

import datetime as dt

from django.utils import timezone

from ltc.models import LtcSettings
from ltc.selectors import followup_for
from ltc.services import care_plan_decide, care_plan_write, case_enrol
from smarthealth.models import AdlAssessment

from .conftest import plan_data


def _cases(lists, key):
    return {row[0].pk for row in lists[key]}


def test_it_lists_what_the_cm_has_to_do(make_person, nurse, admin, care_manager):
    today = timezone.localdate()
    no_plan = case_enrol(person=make_person(6, assessed_days_ago=200), user=nurse)
    planned_person = make_person(8, assessed_days_ago=10)
    planned = case_enrol(person=planned_person, user=nurse)
    every_day = [{"activity": "เยี่ยม", "weekday": d, "responsible": "cg"} for d in range(7)]
    plan = care_plan_write(
        case=planned,
        user=nurse,
        data=plan_data(written_on=today - dt.timedelta(days=1)),
        items=[],
        schedule=every_day,
    )
    care_plan_decide(
        plan=plan,
        user=admin,
        approve=True,
        decided_on=today,
        meeting="",
        approved_amount=plan.requested_amount,
    )
    AdlAssessment.objects.create(person=planned_person, score=10, group="homebound", assessed_on=today)
    worse_person = make_person(9)
    worse = case_enrol(person=worse_person, user=nurse)
    AdlAssessment.objects.create(person=worse_person, score=3, group="bedbound", assessed_on=today)

    lists = followup_for(nurse)

    assert no_plan.pk in _cases(lists, "renew") and worse.pk in _cases(lists, "renew")
    assert no_plan.pk in _cases(lists, "reassess") and planned.pk not in _cases(lists, "reassess")
    assert planned.pk in _cases(lists, "missed")  # a visit every day planned, none recorded
    assert planned.pk in _cases(lists, "improved") and worse.pk in _cases(lists, "worsened")

    settings = LtcSettings.current()
    settings.reassessment_days = 365
    settings.save()
    assert no_plan.pk not in _cases(followup_for(nurse), "reassess")
