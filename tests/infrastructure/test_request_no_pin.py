"""A service request reported with the place in words only (no GPS, a grey map): accepted, shown
to staff with the typed place, pinned later on the request's page, and harmless to every reader
of requests (queue, map, tiles, API, Open311, dashboards, the engineer's home)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django_tenants.utils import schema_context

from infrastructure.models import ServiceRequest, ServiceRequestEvent
from infrastructure.services import (
    asset_create,
    service_request_create,
    service_request_link_asset,
    service_request_set_location,
)

from ..helpers import host_client
from .helpers import offset, point
from .test_request_pages import client_for, url

PLACE = "ซอย 5 ข้างร้านซ่อมรถ ตรงข้ามศาลาประชาคม"


def report_in_words(user=None, **data):
    fields = {"category": "lighting", "description": "ไฟทางดับ ไม่มีหมุด", "address_text": PLACE}
    return service_request_create(data={**fields, **data}, user=user, channel="phone")


def kinds(obj) -> list[str]:
    return list(obj.events.values_list("kind", flat=True))


# --- The rule ---------------------------------------------------------------------------------


def test_a_place_in_words_is_enough_and_nothing_is_linked_yet(in_kantang):
    obj = report_in_words()

    assert obj.location is None and not obj.has_pin and obj.address_text == PLACE
    assert obj.asset is None and kinds(obj) == ["created"]
    assert obj.due_at > obj.received_at  # the SLA runs from the report, pin or not


@pytest.mark.parametrize("address", ["", "   "])
def test_neither_a_pin_nor_a_place_is_refused(in_kantang, address):
    before = ServiceRequest.objects.count()

    with pytest.raises(ValidationError) as excinfo:
        report_in_words(address_text=address)

    assert "location" in excinfo.value.message_dict
    assert ServiceRequest.objects.count() == before


def test_the_database_refuses_a_request_with_neither(in_kantang):
    obj = report_in_words()

    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceRequest.objects.filter(pk=obj.pk).update(address_text="")


# --- Pinned later -----------------------------------------------------------------------------


def test_the_first_pin_links_the_nearest_asset_and_is_on_the_timeline(in_kantang, engineer):
    light = asset_create(user=None, data={"code": "SL-NOPIN-1", "asset_type": "streetlight",
                                          "name": "เสาไฟซอย 5", "geometry": point(0, 0)})
    obj = report_in_words()

    service_request_set_location(service_request=obj, user=engineer, location=point(10, 0),
                                 comment="ช่างไปดูแล้ว")

    obj.refresh_from_db()
    assert obj.has_pin and obj.location.distance(point(10, 0)) < 1e-9
    assert obj.asset == light
    located = obj.events.get(kind=ServiceRequestEvent.Kind.LOCATED)
    lon, lat = offset(10, 0)
    assert (located.actor, located.from_value, located.to_value, located.comment) == (
        engineer, "", f"{lat:.6f}, {lon:.6f}", "ช่างไปดูแล้ว")
    linked = obj.events.get(kind=ServiceRequestEvent.Kind.ASSET_LINKED)
    assert linked.actor is None and linked.to_value == "SL-NOPIN-1"


def test_moving_a_pin_keeps_the_asset_staff_chose(in_kantang, engineer):
    asset_create(user=None, data={"code": "SL-NOPIN-2", "asset_type": "streetlight",
                                  "name": "เสาไฟซอย 6", "geometry": point(300, 0)})
    obj = report_in_words()
    service_request_link_asset(service_request=obj, user=engineer, asset=None, comment="ยังไม่รู้ต้น")
    service_request_set_location(service_request=obj, user=engineer, location=point(0, 0))
    service_request_set_location(service_request=obj, user=engineer, location=point(300, 0))

    obj.refresh_from_db()
    assert obj.asset is None  # staff decided about the asset: a pin does not overrule them
    assert [e.from_value != "" for e in obj.events.filter(kind="located")] == [False, True]


def test_a_pin_outside_thailand_is_refused(in_kantang, engineer):
    from django.contrib.gis.geos import Point

    obj = report_in_words()

    with pytest.raises(ValidationError) as excinfo:
        service_request_set_location(service_request=obj, user=engineer,
                                     location=Point(139.76, 35.68, srid=4326))

    assert "location" in excinfo.value.message_dict
    obj.refresh_from_db()
    assert obj.location is None and "located" not in kinds(obj)


# --- Staff pages ------------------------------------------------------------------------------


def test_staff_take_a_call_with_the_place_in_words_only(kantang):
    response = client_for("engineer").post(url("request-create"), {
        "channel": "phone", "category": "drain", "priority": "normal", "description": "น้ำขัง ไม่รู้พิกัด",
        "latitude": "", "longitude": "", "address_text": PLACE,
    })

    assert response.status_code == 302
    with schema_context("kantang"):
        obj = ServiceRequest.objects.get(description="น้ำขัง ไม่รู้พิกัด")
    assert obj.location is None and obj.address_text == PLACE


@pytest.fixture
def unpinned(kantang):
    with schema_context("kantang"):
        return report_in_words()


def test_the_request_page_shows_the_place_and_offers_to_set_the_pin(unpinned):
    html = client_for("engineer").get(url("request-detail", unpinned.pk)).content.decode()

    assert PLACE in html and "ยังไม่ปักหมุด" in html
    assert "data-no-pin-notice" in html and 'id="action-location"' in html
    assert url("request-location", unpinned.pk) in html
    assert 'data-bar="pin"' in html  # first job on a phone: find the place
    assert "google.com/maps" not in html  # nothing to navigate to yet


def test_a_reader_sees_the_place_but_no_pin_form(unpinned):
    html = client_for("executive").get(url("request-detail", unpinned.pk)).content.decode()

    assert PLACE in html and 'id="action-location"' not in html


def test_staff_set_the_pin_on_the_request_page(unpinned):
    lon, lat = offset(20, 20)
    response = client_for("engineer").post(url("request-location", unpinned.pk),
                                           {"latitude": f"{lat}", "longitude": f"{lon}", "comment": ""})

    assert response.status_code == 302 and response["Location"] == url("request-detail", unpinned.pk)
    with schema_context("kantang"):
        obj = ServiceRequest.objects.get(pk=unpinned.pk)
    assert (obj.location.y, obj.location.x) == pytest.approx((lat, lon))
    page = client_for("engineer").get(url("request-detail", unpinned.pk)).content.decode()
    assert "data-no-pin-notice" not in page and "google.com/maps" in page


@pytest.mark.parametrize("username, status", [("executive", 403), ("nurse", 403)])
def test_only_staff_who_act_may_set_the_pin(unpinned, username, status):
    lon, lat = offset(20, 20)
    response = client_for(username).post(url("request-location", unpinned.pk),
                                         {"latitude": f"{lat}", "longitude": f"{lon}"})

    assert response.status_code == status
    with schema_context("kantang"):
        assert ServiceRequest.objects.get(pk=unpinned.pk).location is None


def test_a_bad_pin_shows_the_page_again_and_changes_nothing(unpinned):
    response = client_for("engineer").post(url("request-location", unpinned.pk),
                                           {"latitude": "99.5", "longitude": "7.4"})

    assert response.status_code == 400 and "action-errors" in response.content.decode()
    with schema_context("kantang"):
        assert ServiceRequest.objects.get(pk=unpinned.pk).location is None


def test_the_queue_marks_and_filters_the_requests_without_a_pin(unpinned):
    with schema_context("kantang"):
        pinned = service_request_create(data={"category": "lighting", "description": "มีหมุด",
                                              "location": point(0, 0)}, user=None, channel="phone")
    everything = client_for("engineer").get(url("request-list") + "?queue=all").content.decode()
    only = client_for("engineer").get(url("request-list") + "?queue=all&pin=none").content.decode()

    assert unpinned.tracking_code in everything and pinned.tracking_code in everything
    assert unpinned.tracking_code in only and pinned.tracking_code not in only
    assert "data-no-pin" in only


def test_the_request_map_counts_those_it_cannot_show(unpinned):
    html = client_for("engineer").get(url("request-map")).content.decode()

    assert "data-unpinned" in html and "pin=none" in html


def test_the_dashboards_count_it_without_a_hotspot_square(unpinned):
    from dashboards.models import Aggregate
    from dashboards.services import dashboard_refresh

    with schema_context("kantang"), transaction.atomic():
        dashboard_refresh()
        opened = Aggregate.objects.filter(figure="requests_open", key1="lighting")
        assert sum(opened.values_list("count", flat=True)) >= 1
    assert client_for("engineer").get("/dashboard/").status_code == 200
    assert client_for("engineer").get("/dashboard/disaster/").status_code == 200


def test_the_engineers_home_lists_it_with_its_place(kantang):
    with schema_context("kantang"):
        obj = report_in_words(description="ไม่มีหมุด หน้าแรกช่าง")
        # The home shows the first rows of the queue by due time: the demo's requests due
        # earlier can fill them, so this one is made the first due.
        others = ServiceRequest.objects.exclude(pk=obj.pk).order_by("due_at")
        first = others.values_list("due_at", flat=True)[0]
        ServiceRequest.objects.filter(pk=obj.pk).update(due_at=first - dt.timedelta(hours=1))
    home = client_for("engineer").get("/").content.decode()

    assert obj.tracking_code in home and PLACE[:20] in home


# --- API and Open311 --------------------------------------------------------------------------


def test_the_api_gives_an_unlocated_feature(unpinned, kantang):
    from accounts.models import User
    from accounts.tokens import api_token_create

    with schema_context("kantang"):
        token = api_token_create(user=User.objects.get(username="engineer"), name="no pin")[1]
    client = host_client("kantang.localhost")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    one = client.get(f"/api/v1/service-requests/{unpinned.tracking_code}", **headers).json()
    listed = client.get("/api/v1/service-requests/?queue=all", **headers).json()

    assert one["geometry"] is None and one["properties"]["address_text"] == PLACE
    assert any(f["id"] == unpinned.tracking_code and f["geometry"] is None for f in listed["features"])


def test_open311_lists_it_with_a_null_point(unpinned):
    response = host_client("kantang.localhost").get(f"/open311/v2/requests/{unpinned.tracking_code}.json")

    (row,) = response.json()
    assert response.status_code == 200 and (row["lat"], row["long"]) == (None, None)
    assert row["address"] is None  # the reporter's words stay private
