"""People and records of the LTC tests, made in kantang's schema (the demo seed's nurse is a CM)."""

import datetime as dt
import itertools

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from ..helpers import kantang_staff

nurse = kantang_staff("nurse")
admin = kantang_staff("admin")
executive = kantang_staff("executive")
volunteer = kantang_staff("volunteer")

_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def make_person(in_kantang):
    """make_person(adl=8, status="living") → a resident with one ADL assessment (None: none)."""
    from smarthealth.models import AdlAssessment, Household, Person
    from smarthealth.rules import adl_group

    def make(adl: int | None = 8, *, status: str = "living", assessed_days_ago: int = 10):
        n = next(_numbers)
        household = Household.objects.create(house_no=f"{n}/9", moo=3)
        person = Person.objects.create(
            first_name=f"ทดสอบแอลทีซี{n}",
            last_name="ใจดี",
            sex="F",
            birth_date=dt.date(1945, 1, 1),
            household=household,
            status=status,
        )
        if adl is not None:
            AdlAssessment.objects.create(
                person=person,
                score=adl,
                group=adl_group(adl),
                assessed_on=timezone.localdate() - dt.timedelta(days=assessed_days_ago),
            )
        return person

    return make


@pytest.fixture
def make_caregiver(in_kantang):
    """make_caregiver("name") → (user with the caregiver role, Caregiver row)."""
    from accounts.models import User
    from accounts.roles import Role
    from ltc.models import Caregiver

    def make(username: str):
        user = User.objects.create_user(username=username, password="x-" + username + "-pass-1234")
        user.groups.add(Group.objects.get(name=Role.CAREGIVER.value))
        return user, Caregiver.objects.create(user=user, first_name=username, last_name="ซีจี")

    return make


@pytest.fixture
def care_manager(nurse):
    from ltc.models import CareManager

    manager = getattr(nurse, "ltc_care_manager", None) or CareManager.objects.create(
        user=nurse, first_name="สุนิสา", last_name="รักษ์ดี"
    )
    return manager


def plan_data(**extra) -> dict:
    from decimal import Decimal

    data = {
        "adl_score": 6,
        "tai": "B3",
        "group": 1,
        "requested_amount": Decimal("10442"),
        "diagnosis": "หลอดเลือดสมอง",
        "problems": "เดินลำบาก",
        "short_term_goals": "ไม่มีแผลกดทับ",
    }
    data.update(extra)
    return data


MONDAY_THURSDAY_CG = [
    {"activity": "เช็ดตัว", "weekday": 0, "time": dt.time(9), "frequency": "ทุกสัปดาห์", "responsible": "cg"},
    {"activity": "กายภาพ", "weekday": 3, "time": dt.time(9), "frequency": "ทุกสัปดาห์", "responsible": "cg"},
]
