"""The dashboard's community filter reads the register: one community shows its infrastructure
and its health figures together, and a request counts in its own community (not the nearest
asset's)."""

import datetime as dt
from urllib.parse import quote

from django.contrib.gis.geos import Point
from django_tenants.utils import schema_context

from dashboards import aggregates
from dashboards.aggregates import Filters
from dashboards.services import dashboard_refresh
from infrastructure.services import asset_create, service_request_create
from smarthealth.models import Household

from ..helpers import login
from ..smarthealth.conftest import person_build
from .conftest import LAT, LON

INSIDE = Point(LON + 0.001, LAT + 0.001, srid=4326)


def test_one_community_shows_infrastructure_and_health_together(walled, engineer, kantang_client):
    inside, outside = walled
    with schema_context("kantang"):
        asset_create(user=engineer, data={"code": "CD-1", "asset_type": "hydrant", "name": "หัวดับเพลิงทดสอบ",
                                          "geometry": INSIDE, "condition": "poor"})
        service_request_create(data={"category": "flood", "description": "น้ำท่วมทดสอบแดชบอร์ด",
                                     "address_text": "ริมคลอง", "community": outside},
                               channel="phone", link_nearest=False)
        house = Household.objects.create(house_id="99999000999", house_no="1", community=inside.name,
                                         community_ref=inside, location=INSIDE)
        person_build(cid_seed=9901, household=house, sex="F", birth_date=dt.date(1950, 1, 1),
                     first_name="ทดสอบแดชบอร์ด")
        dashboard_refresh()
        assert inside.name in aggregates.communities() and outside.name in aggregates.communities()
        assets = aggregates.asset_aggregates(Filters(community=inside.name))
        health = aggregates.health_aggregates(Filters(community=inside.name))
        requests = aggregates.request_aggregates(Filters(community=outside.name))
    assert assets["total"] == 1
    assert health["population"] == 1
    assert requests["opened"] == 1  # its own community, though no asset is near

    login(kantang_client, "kantang", "executive")
    page = kantang_client.get(f"/dashboard/?community={quote(inside.name)}&months=12").content.decode()
    assert 'id="sec-infra"' in page and 'id="sec-health"' in page
    assert f'<option value="{inside.name}" selected>' in page
