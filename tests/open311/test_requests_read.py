"""GET requests.json and requests/<id>.json: the public list in the GeoReport v2 shape, its
filters, and what it never shows."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.models import User
from infrastructure.models import ServiceRequest
from infrastructure.services import (
    service_request_comment,
    service_request_create,
    service_request_transition,
)

from .helpers import body, error_of

REQUEST_KEYS = {
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
    "address", "address_id", "zipcode", "lat", "long", "media_url",
}
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")
SECRET_CONTACT = {"reporter_name": "ปรีชา ลับเฉพาะ", "reporter_phone": "0 7777 1234",
                  "reporter_email": "precha.private@example.com"}


def make(*, category="road", days_ago: float = 1, description="ถนนเป็นหลุมลึก", **extra) -> ServiceRequest:
    """A request in kantang received `days_ago` days ago (Chiang Mai: no demo asset nearby)."""
    with schema_context("kantang"):
        return service_request_create(
            data={"category": category, "description": description, "location": "POINT(98.9853 18.7883)",
                  "received_at": timezone.now() - timedelta(days=days_ago), **extra},
            user=None, channel="phone",
        )


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content.decode()
    return [row["service_request_id"] for row in body(response)]


def engineer():
    return User.objects.get(username="engineer")


def test_every_request_has_exactly_the_spec_fields(client):
    mine = make(address_text="หน้าบ้านเลขที่ 12", **SECRET_CONTACT)

    rows = body(client.get("/open311/v2/requests.json"))

    assert rows and all(set(row) == REQUEST_KEYS for row in rows)
    row = next(r for r in rows if r["service_request_id"] == mine.tracking_code)
    assert row["status"] == "open" and row["service_code"] == "road" and row["service_name"] == "ถนน"
    assert row["agency_responsible"] == "เทศบาลเมืองกันตัง"
    assert (row["lat"], row["long"]) == pytest.approx((18.7883, 98.9853))
    for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert ISO_WITH_OFFSET.match(row[name]), row[name]
    assert row["requested_datetime"].endswith("+07:00")
    assert datetime.fromisoformat(row["requested_datetime"]) == mine.received_at.replace(microsecond=0)
    assert datetime.fromisoformat(row["expected_datetime"]) == mine.due_at.replace(microsecond=0)
    # The reporter's own words, address and photo are not public (infrastructure/open311 docstring).
    assert row["description"] is None and row["address"] is None and row["media_url"] is None


def test_the_list_never_shows_reporters_contact_details(client):
    mine = make(**SECRET_CONTACT)
    text = client.get("/open311/v2/requests.json").content.decode()
    listed = {row["service_request_id"] for row in json.loads(text)}
    assert mine.tracking_code in listed

    with schema_context("kantang"):
        shown = ServiceRequest.objects.filter(tracking_code__in=listed)
        contacts = {value for row in shown.values_list("reporter_name", "reporter_phone", "reporter_email")
                    for value in row if value}
        descriptions = set(shown.values_list("description", flat=True))
    assert len(contacts) > 10  # the demo's reporters are in the list too
    for value in contacts | descriptions:
        assert value not in text
    assert "precha" not in text and "7777" not in text


def test_one_request_by_its_id(client):
    mine = make()

    response = client.get(f"/open311/v2/requests/{mine.tracking_code}.json")

    rows = body(response)
    assert len(rows) == 1 and set(rows[0]) == REQUEST_KEYS
    assert rows[0]["service_request_id"] == mine.tracking_code
    assert response["Access-Control-Allow-Origin"] == "*"
    # Typed by hand: lower case, no dash.
    lower = mine.tracking_code.replace("-", "").lower()
    assert ids(client.get(f"/open311/v2/requests/{lower}.json")) == [mine.tracking_code]


@pytest.mark.parametrize("code", ["ZZZZ-9999", "not-a-code"])
def test_an_unknown_request_is_404_in_the_spec_shape(client, code):
    assert "service_request_id" in error_of(client.get(f"/open311/v2/requests/{code}.json"), 404)


def test_another_municipalitys_request_is_not_found(kantang, nueaklong):
    from ..helpers import host_client

    mine = make()

    response = host_client("nueaklong.localhost").get(f"/open311/v2/requests/{mine.tracking_code}.json")

    error_of(response, 404)
    assert mine.tracking_code not in ids(host_client("nueaklong.localhost").get("/open311/v2/requests.json"))


def test_status_notes_show_what_the_status_page_shows_and_no_internal_comment(client):
    rejected, original, duplicate, working = make(), make(), make(), make()
    with schema_context("kantang"):
        service_request_transition(service_request=rejected, user=engineer(), to_status="rejected",
                                   comment="เป็นถนนของกรมทางหลวง ได้ส่งเรื่องต่อแล้ว")
        service_request_transition(service_request=duplicate, user=engineer(), to_status="duplicate",
                                   duplicate_of=original)
        service_request_comment(service_request=working, user=engineer(), comment="ภายใน: ผู้รับเหมาสมศักดิ์")
        service_request_transition(service_request=working, user=engineer(), to_status="in_progress")

    rows = {row["service_request_id"]: row for row in body(client.get("/open311/v2/requests.json"))}

    assert rows[rejected.tracking_code]["status"] == "closed"
    assert rows[rejected.tracking_code]["status_notes"] == "ไม่รับเรื่อง: เป็นถนนของกรมทางหลวง ได้ส่งเรื่องต่อแล้ว"
    assert rows[duplicate.tracking_code]["status_notes"] == f"เรื่องซ้ำ: {original.tracking_code}"
    assert rows[working.tracking_code]["status"] == "open"
    assert rows[working.tracking_code]["status_notes"] == "กำลังดำเนินการ"
    assert rows[working.tracking_code]["service_notice"] == "ทีมงานกำลังดำเนินการแก้ไข"
    assert "สมศักดิ์" not in json.dumps(rows, ensure_ascii=False)


def test_updated_datetime_is_the_last_status_change_not_an_internal_note(client):
    mine = make()
    with schema_context("kantang"):
        service_request_transition(service_request=mine, user=engineer(), to_status="in_progress")
        changed = mine.events.get(kind="status").at
        service_request_comment(service_request=mine, user=engineer(), comment="ยังรอวัสดุ")

    row = body(client.get(f"/open311/v2/requests/{mine.tracking_code}.json"))[0]

    assert datetime.fromisoformat(row["updated_datetime"]) == changed.replace(microsecond=0)


def test_the_list_is_newest_first_within_the_last_90_days(client):
    old, recent = make(days_ago=120), make(days_ago=0.5)

    rows = body(client.get("/open311/v2/requests.json"))
    listed = [row["service_request_id"] for row in rows]

    assert recent.tracking_code in listed and old.tracking_code not in listed
    times = [datetime.fromisoformat(row["requested_datetime"]) for row in rows]
    assert times == sorted(times, reverse=True)
    assert min(times) >= timezone.now() - timedelta(days=90, minutes=1)
    assert len(rows) <= 1000


def test_ids_override_every_other_filter(client):
    old, recent = make(days_ago=200, category="tree"), make()

    response = client.get("/open311/v2/requests.json", {
        "service_request_id": f"{old.tracking_code},{recent.tracking_code},ZZZZ-9999",
        "service_code": "road", "status": "closed",
    })

    assert sorted(ids(response)) == sorted([old.tracking_code, recent.tracking_code])


def test_filter_by_service_code(client):
    tree, flood, road = make(category="tree"), make(category="flood"), make(category="road")

    listed = ids(client.get("/open311/v2/requests.json", {"service_code": "tree,flood"}))

    assert tree.tracking_code in listed and flood.tracking_code in listed
    assert road.tracking_code not in listed
    with schema_context("kantang"):
        listed_requests = ServiceRequest.objects.filter(tracking_code__in=listed)
        categories = set(listed_requests.values_list("category", flat=True))
    assert categories == {"tree", "flood"}


def test_filter_by_status(client):
    open_one, closed_one = make(), make()
    with schema_context("kantang"):
        service_request_transition(
            service_request=closed_one, user=engineer(), to_status="rejected", comment="ไม่ใช่"
        )

    opened = body(client.get("/open311/v2/requests.json?status=open"))
    closed = body(client.get("/open311/v2/requests.json?status=closed"))
    both = ids(client.get("/open311/v2/requests.json?status=open,closed"))

    assert {row["status"] for row in opened} == {"open"} and {row["status"] for row in closed} == {"closed"}
    assert open_one.tracking_code in [r["service_request_id"] for r in opened]
    assert closed_one.tracking_code in [r["service_request_id"] for r in closed]
    assert len(both) == len(opened) + len(closed)


def test_filter_by_dates(client):
    inside, before = make(days_ago=150), make(days_ago=160)
    received = timezone.localtime(inside.received_at)
    day = received.date()

    by_day = ids(client.get("/open311/v2/requests.json", {"start_date": (day - timedelta(days=1)).isoformat(),
                                                          "end_date": (day + timedelta(days=1)).isoformat()}))
    assert inside.tracking_code in by_day and before.tracking_code not in by_day
    # A day as end_date includes all of that day.
    assert inside.tracking_code in ids(client.get("/open311/v2/requests.json", {"end_date": day.isoformat()}))

    exact = {"start_date": (received - timedelta(minutes=1)).isoformat(timespec="seconds"),
             "end_date": (received + timedelta(minutes=1)).isoformat(timespec="seconds")}
    assert ids(client.get("/open311/v2/requests.json", exact)) == [inside.tracking_code]
    too_early = {"start_date": exact["start_date"],
                 "end_date": (received - timedelta(seconds=30)).isoformat(timespec="seconds")}
    assert ids(client.get("/open311/v2/requests.json", too_early)) == []
    # A "+" left unescaped in the query string arrives as a space: still understood.
    raw = f"/open311/v2/requests.json?start_date={exact['start_date']}&end_date={exact['end_date']}"
    assert "+07:00" in raw
    assert ids(client.get(raw)) == [inside.tracking_code]


def test_only_an_end_date_means_the_90_days_before_it(client):
    in_window, too_old = make(days_ago=100), make(days_ago=200)
    end = (timezone.localdate() - timedelta(days=95)).isoformat()

    listed = ids(client.get("/open311/v2/requests.json", {"end_date": end}))

    assert in_window.tracking_code in listed and too_old.tracking_code not in listed


@pytest.mark.parametrize("params, field", [
    ({"status": "pending"}, "status"),
    ({"service_code": "road,spaceship"}, "service_code"),
    ({"start_date": "yesterday"}, "start_date"),
    ({"end_date": "2025-02-30"}, "end_date"),
    ({"start_date": "2025-01-01", "end_date": "2025-06-01"}, "end_date"),  # more than 90 days
    ({"start_date": "2025-03-01", "end_date": "2025-02-01"}, "end_date"),  # backwards
    ({"start_date": "2025-01-31 08:00"}, "start_date"),  # not W3C-DTF (the "T")
    ({"start_date": "2025-01-31T24:00"}, "start_date"),
    ({"end_date": "1899-12-31"}, "end_date"),  # out of range
    ({"end_date": "9999-12-31"}, "end_date"),  # used to overflow: 500
    ({"status": "open;closed"}, "status"),
    ({"jurisdiction_id": "trang"}, "jurisdiction_id"),
])
def test_bad_parameters_are_named(client, params, field):
    response = client.get("/open311/v2/requests.json", params)

    status = 404 if field == "jurisdiction_id" else 400
    assert error_of(response, status).startswith(f"{field}: ")


def test_lists_ignore_spaces_and_empty_items_and_status_takes_any_case(client):
    opened = make(category="drain")

    listed = ids(client.get("/open311/v2/requests.json",
                            {"status": " OPEN ,", "service_code": "drain, ,road"}))

    assert opened.tracking_code in listed


def test_an_instant_in_thai_time_or_in_utc_with_a_fraction_is_understood(client):
    inside = make(days_ago=2)
    minute_before = inside.received_at - timedelta(minutes=1)
    thai = timezone.localtime(minute_before).strftime("%Y-%m-%dT%H:%M")
    utc = minute_before.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.123Z")

    for start in (thai, utc):
        assert inside.tracking_code in ids(client.get("/open311/v2/requests.json", {"start_date": start}))
