"""Every household, asset and service request belongs to one community of the register: the one
whose boundary covers its place, else the one chosen; never a name outside the register."""

import pytest
from django.contrib.gis.geos import LineString, Point
from django.core.exceptions import ValidationError

from infrastructure.models import Asset
from infrastructure.services import (
    asset_create,
    asset_update,
    service_request_create,
    service_request_set_location,
)
from smarthealth.services import household_create

from .conftest import LAT, LON

INSIDE = Point(LON + 0.001, LAT + 0.001, srid=4326)
OUTSIDE = Point(LON + 0.02, LAT + 0.02, srid=4326)


def light(engineer, code, at, **extra):
    return asset_create(user=engineer, data={"code": code, "asset_type": "streetlight",
                                             "name": "เสาไฟทดสอบเขต", "geometry": at, **extra})


def test_an_asset_inside_a_boundary_takes_that_community_whatever_is_chosen(walled, engineer):
    inside, outside = walled
    asset = light(engineer, "CR-IN-1", INSIDE, community=outside)
    assert (asset.community_ref, asset.community) == (inside, inside.name)


def test_an_asset_outside_every_boundary_takes_the_chosen_one_or_none(walled, engineer):
    _inside, outside = walled
    assert light(engineer, "CR-OUT-1", OUTSIDE, community=outside).community_ref == outside
    assert light(engineer, "CR-OUT-2", OUTSIDE, community=outside.name).community_ref == outside  # by name
    none = light(engineer, "CR-OUT-3", OUTSIDE)
    assert (none.community_ref, none.community) == (None, "")


def test_a_line_is_placed_by_a_point_on_it_and_moving_an_asset_in_changes_its_community(walled, engineer):
    inside, outside = walled
    road = asset_create(user=engineer, data={
        "code": "CR-ROAD-1", "asset_type": "road", "name": "ถนนทดสอบเขต",
        "geometry": LineString((LON - 0.001, LAT), (LON + 0.001, LAT), srid=4326), "community": outside})
    assert road.community_ref == inside
    moved = light(engineer, "CR-MOVE-1", OUTSIDE, community=outside)
    asset_update(asset=moved, user=engineer, data={"geometry": INSIDE})
    assert Asset.objects.get(code="CR-MOVE-1").community_ref == inside


def test_a_name_outside_the_register_is_refused_not_added(walled, engineer):
    with pytest.raises(ValidationError) as caught:
        light(engineer, "CR-TYPO-1", OUTSIDE, community="ชุมชนพิมพ์ผิด")
    assert "community" in caught.value.message_dict
    assert not Asset.objects.filter(code="CR-TYPO-1").exists()


def test_a_request_takes_the_community_of_its_pin_or_the_chosen_one(walled, engineer):
    inside, outside = walled
    pinned = service_request_create(data={"category": "drain", "description": "ท่อตันทดสอบเขต",
                                          "location": INSIDE, "community": outside.name},
                                    channel="phone", link_nearest=False)
    assert pinned.community_ref == inside
    in_words = service_request_create(data={"category": "drain", "description": "ท่อตันทดสอบคำบอก",
                                            "address_text": "หน้าวัด", "community": outside},
                                      channel="phone", link_nearest=False)
    assert in_words.community_ref == outside
    # Staff pin it later inside the boundary: the boundary decides.
    service_request_set_location(service_request=in_words, user=engineer, location=INSIDE)
    in_words.refresh_from_db()
    assert in_words.community_ref == inside


def test_a_household_and_its_people_belong_by_the_house_point(walled, nurse):
    inside, outside = walled
    house = household_create(user=nurse, data={"house_id": "99999000961", "house_no": "1", "moo": 96,
                                               "community": outside, "lat": INSIDE.y, "lon": INSIDE.x})
    assert (house.community_ref, house.community) == (inside, inside.name)
    elsewhere = household_create(user=nurse, data={"house_id": "99999000962", "house_no": "2",
                                                   "community": outside.name})
    assert (elsewhere.community_ref, elsewhere.community) == (outside, outside.name)
