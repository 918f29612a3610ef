"""Fixtures for the smart-health data layer: kantang's demo accounts and two households, one
assigned to the demo volunteer and one to nobody."""

import datetime as dt
import random

import pytest

from kernel.national_id import check_digit
from smarthealth.models import Household, Person

from ..helpers import kantang_staff


def make_cid(seed: int) -> str:
    """A valid national ID (checksum computed), different for each seed."""
    first12 = "3" + f"{random.Random(seed).randrange(10**11):011d}"
    return first12 + str(check_digit(first12))


nurse = kantang_staff("nurse")
volunteer = kantang_staff("volunteer")
admin = kantang_staff("admin")
executive = kantang_staff("executive")
engineer = kantang_staff("engineer")


@pytest.fixture
def own_household(volunteer):
    return Household.objects.create(house_id="92020100001", house_no="1/1", moo=1,
                                    community="ชุมชนทดสอบ", volunteer=volunteer)


@pytest.fixture
def other_household(in_kantang):
    return Household.objects.create(house_id="92020100002", house_no="2/2", moo=2,
                                    community="ชุมชนอื่น")


def person_build(*, cid_seed: int, household=None, birth_date=dt.date(1950, 1, 1), **fields) -> Person:
    person = Person(first_name=fields.pop("first_name", f"ทดสอบ{cid_seed}"),
                    last_name=fields.pop("last_name", "ใจดี"), sex=fields.pop("sex", "F"),
                    birth_date=birth_date, household=household, **fields)
    person.set_cid(make_cid(cid_seed))
    person.save()
    return person


@pytest.fixture
def own_person(own_household):
    return person_build(cid_seed=1, household=own_household, chronic_conditions=["HT"])


@pytest.fixture
def other_person(other_household):
    return person_build(cid_seed=2, household=other_household)


@pytest.fixture
def request_factory_get():
    from django.test import RequestFactory

    def build(path="/health/persons/x/?q=secret"):
        return RequestFactory().get(path, REMOTE_ADDR="203.0.113.7")

    return build


# The communities these tests give their households: in the register, as the services require.
TEST_COMMUNITIES = ("ชุมชนทดสอบ", "ชุมชนอื่น", "ชุมชนแคช", "ชุมชนหน้าแรก", "ชุมชนวันนี้", "ชุมชนทะเบียนทดสอบ",
                    "ชุมชนทดสอบแผนที่", "ชุมชนค้นหา")


@pytest.fixture(autouse=True)
def _test_communities(request):
    from ..communities.helpers import register_for_tests

    register_for_tests(request, TEST_COMMUNITIES)
