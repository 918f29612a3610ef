"""The health lists' community filters offer the register's communities (issue 19): a community of
the register is offered to the staff who see every household even before a household belongs to
it, a volunteer is offered the register's communities of their own households, and a name typed on
a household that the register does not hold is never offered."""

import re

import pytest
from django.urls import reverse
from django_tenants.utils import schema_context

from smarthealth.models import Household

from ..helpers import host_client, login

TENANT = "cityplatform.urls_tenant"
TYPED = "ชุมชนพิมพ์ผิดทดสอบ"
PAGES = [
    ("smarthealth:care-list", {"kind": "elderly"}),
    ("smarthealth:care-list", {"kind": "uncontrolled"}),
    ("smarthealth:person-list", {}),
    ("smarthealth:household-list", {}),
    ("smarthealth:visit-list", {}),
]


def _offered(html: str) -> list[str]:
    select = re.search(r'<select name="community"[^>]*>(.*?)</select>', html, re.S)
    assert select, "the page has a community filter"
    return [value for value in re.findall(r'<option value="([^"]*)"', select.group(1)) if value]


@pytest.fixture
def typed_household(walled):
    with schema_context("kantang"):
        return Household.objects.create(house_id="99999000877", house_no="8/7", community=TYPED)


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_the_community_filter_offers_the_register(name, kwargs, walled, typed_household):
    from communities.selectors import community_names

    inside, outside = walled
    nurse = login(host_client("kantang.localhost"), "kantang", "nurse")

    response = nurse.get(reverse(name, kwargs=kwargs, urlconf=TENANT))

    assert response.status_code == 200
    offered = _offered(response.content.decode())
    with schema_context("kantang"):
        assert offered == community_names()
    assert inside.name in offered and outside.name in offered  # no household of theirs yet
    assert TYPED not in offered


def test_a_register_community_filters_the_list_to_its_households(walled, typed_household):
    inside, _outside = walled
    with schema_context("kantang"):
        Household.objects.create(house_id="99999000878", house_no="8/8", community=inside.name,
                                 community_ref=inside)
    nurse = login(host_client("kantang.localhost"), "kantang", "nurse")

    page = nurse.get(reverse("smarthealth:household-list", urlconf=TENANT), {"community": inside.name})

    html = page.content.decode()
    assert "8/8" in html and "8/7" not in html


def test_a_volunteer_is_offered_the_register_communities_of_their_households(walled, typed_household):
    from accounts.models import User

    inside, outside = walled
    with schema_context("kantang"):
        volunteer = User.objects.get(username="volunteer")
        Household.objects.create(house_id="99999000879", house_no="8/9", community=inside.name,
                                 community_ref=inside, volunteer=volunteer)
        Household.objects.filter(pk=typed_household.pk).update(volunteer=volunteer)
    client = login(host_client("kantang.localhost"), "kantang", "volunteer")

    offered = _offered(client.get(reverse("smarthealth:household-list", urlconf=TENANT)).content.decode())

    assert inside.name in offered and outside.name not in offered and TYPED not in offered
