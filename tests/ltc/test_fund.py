"""The fund per budget year and group, through the services, against hand-computed values."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ltc.selectors import fund_lines
from ltc.services import care_plan_decide, care_plan_write, case_enrol, payment_record

from .conftest import plan_data

YEAR = 2599  # a year no demo plan uses


def _approved_plan(*, person, nurse, admin, group, requested, approved):
    case = case_enrol(person=person, user=nurse)
    plan = care_plan_write(
        case=case,
        user=nurse,
        data=plan_data(group=group, budget_year=YEAR, requested_amount=Decimal(requested)),
        items=[],
        schedule=[],
    )
    return care_plan_decide(
        plan=plan,
        user=admin,
        approve=True,
        decided_on=timezone.localdate(),
        meeting="3/2599",
        approved_amount=Decimal(approved),
    )


def test_it_sums_approved_paid_and_remaining_by_group(make_person, nurse, admin, care_manager):
    today = timezone.localdate()
    a = _approved_plan(
        person=make_person(6), nurse=nurse, admin=admin, group=1, requested="10442", approved="10442"
    )
    b = _approved_plan(
        person=make_person(7), nurse=nurse, admin=admin, group=1, requested="10442", approved="8000"
    )
    c = _approved_plan(
        person=make_person(2), nurse=nurse, admin=admin, group=4, requested="10442", approved="10442"
    )
    payment_record(plan=a, user=admin, paid_on=today, amount=Decimal("5221"))
    payment_record(plan=b, user=admin, paid_on=today, amount=Decimal("2000.50"))
    payment_record(plan=c, user=admin, paid_on=today - dt.timedelta(days=1), amount=Decimal("10442"))

    lines, total = fund_lines(year=YEAR)

    by_group = {line.group: line for line in lines}
    # group 1: approved 10,442 + 8,000 = 18,442; paid 5,221 + 2,000.50 = 7,221.50; left 11,220.50
    assert (by_group[1].plans, by_group[1].approved, by_group[1].paid, by_group[1].remaining) == (
        2,
        Decimal("18442"),
        Decimal("7221.50"),
        Decimal("11220.50"),
    )
    assert by_group[4].remaining == 0
    assert by_group[2].plans == 0 and by_group[3].approved == 0
    assert (total.approved, total.paid, total.remaining) == (
        Decimal("28884"),
        Decimal("17663.50"),
        Decimal("11220.50"),
    )


def test_it_refuses_to_pay_more_than_approved(make_person, nurse, admin, care_manager):
    plan = _approved_plan(
        person=make_person(5), nurse=nurse, admin=admin, group=2, requested="10442", approved="6000"
    )
    payment_record(plan=plan, user=admin, paid_on=timezone.localdate(), amount=Decimal("5000"))
    with pytest.raises(ValidationError):
        payment_record(plan=plan, user=admin, paid_on=timezone.localdate(), amount=Decimal("1000.01"))


def test_it_refuses_an_approval_above_the_request(make_person, nurse, admin, care_manager):
    case = case_enrol(person=make_person(5), user=nurse)
    plan = care_plan_write(case=case, user=nurse, data=plan_data(budget_year=YEAR), items=[], schedule=[])
    with pytest.raises(ValidationError):
        care_plan_decide(
            plan=plan,
            user=admin,
            approve=True,
            decided_on=timezone.localdate(),
            meeting="",
            approved_amount=Decimal("20000"),
        )
