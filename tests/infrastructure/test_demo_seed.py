"""The demo data `seed_demo` gives both pilots (the session fixture seeds "small" once)."""

import json
import re
from collections import Counter
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.db.models import F
from django.utils import timezone
from django_tenants.utils import schema_context

from accounts.models import User
from infrastructure.demo import seed
from infrastructure.demo.assets import CODE_REGEX, PREFIXES
from infrastructure.models import (
    OPEN_STATUSES,
    TRANSITIONS,
    Asset,
    AssetConditionChange,
    AssetType,
    Condition,
    RequestCategory,
    RequestStatus,
    ServiceRequest,
    ServiceRequestEvent,
    clean_attributes,
    sla_hours,
)
from infrastructure.selectors import nearest_asset
from infrastructure.services import asset_create, service_request_create
from infrastructure.validators import GEOMETRY_KINDS
from kernel.geo import THAILAND

from .helpers import line, point

PILOTS = ("kantang", "nueaklong")
_KINDS = {"POINT": "Point", "LINESTRING": "LineString", "POLYGON": "Polygon",
          "MULTILINESTRING": "MultiLineString", "MULTIPOLYGON": "MultiPolygon"}


@pytest.fixture(params=PILOTS)
def pilot(request, kantang, nueaklong):
    with schema_context(request.param):
        yield {"kantang": kantang, "nueaklong": nueaklong}[request.param]


def _counts() -> dict:
    return {
        "assets": Counter(Asset.objects.values_list("asset_type", flat=True)),
        "history": AssetConditionChange.objects.count(),
        "requests": Counter(ServiceRequest.objects.values_list("status", flat=True)),
        "events": ServiceRequestEvent.objects.count(),
    }


def test_it_gives_each_pilot_a_register_of_every_asset_type(pilot):
    by_type = Counter(Asset.objects.values_list("asset_type", flat=True))
    assert sum(by_type.values()) >= 1000
    assert set(by_type) == set(AssetType.values)
    assert by_type[AssetType.STREETLIGHT] >= 500
    assert by_type[AssetType.ROAD] >= 50 and by_type[AssetType.DRAIN] >= 50
    assert min(by_type.values()) >= 5
    assert set(Asset.objects.values_list("condition", flat=True)) == set(Condition.values)
    assert Asset.objects.filter(condition__in=[Condition.GOOD, Condition.FAIR]).count() > 0.7 * sum(
        by_type.values())
    assert Asset.objects.exclude(community="").values("community").distinct().count() >= 4
    years = Asset.objects.exclude(installed_on=None).values_list("installed_on__year", flat=True)
    assert max(years) - min(years) >= 25


def test_its_geometries_are_valid_of_the_right_kind_in_thailand_and_near_the_centre(pilot):
    lon_min, lat_min, lon_max, lat_max = THAILAND.as_tuple()
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT asset_type, GeometryType(geometry), ST_IsValid(geometry),
                      ST_Within(geometry, ST_MakeEnvelope(%s, %s, %s, %s, 4326)),
                      ST_Distance(geometry::geography, ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography)
               FROM infrastructure_asset""",
            [lon_min, lat_min, lon_max, lat_max, pilot.centre.x, pilot.centre.y],
        )
        rows = cursor.fetchall()
    assert rows
    for asset_type, kind, valid, in_thailand, distance in rows:
        assert valid and in_thailand
        assert distance < 5000
        assert _KINDS[kind] in GEOMETRY_KINDS[asset_type]
    # Lines have a real length, and it is the one in their attributes (± 2 %).
    with connection.cursor() as cursor:
        cursor.execute("SELECT code, attributes, ST_Length(geometry::geography) FROM infrastructure_asset "
                       "WHERE asset_type IN ('road', 'drain', 'water_pipe')")
        lines = cursor.fetchall()
    assert len(lines) > 100
    for code, attrs, metres in lines:
        attrs = json.loads(attrs) if isinstance(attrs, str) else attrs
        assert metres > 20, code
        assert abs(attrs["length_m"] - metres) < 0.02 * metres, code


def test_its_codes_are_unique_and_prefixed_by_type_and_attributes_are_valid(pilot):
    rows = list(Asset.objects.values_list("code", "asset_type", "attributes"))
    codes = [code for code, _type, _attrs in rows]
    assert len(codes) == len(set(codes))
    for code, asset_type, attributes in rows:
        assert re.match(CODE_REGEX, code), code
        assert code.startswith(PREFIXES[asset_type][0] + "-"), code
        assert clean_attributes(asset_type, attributes) == attributes, code
    surfaces = Counter(a["surface"] for a in Asset.objects.filter(asset_type="road").values_list(
        "attributes", flat=True))
    assert {"asphalt", "concrete", "laterite"} <= set(surfaces)
    lamps = Counter(a["lamp_type"] for a in Asset.objects.filter(asset_type="streetlight").values_list(
        "attributes", flat=True))
    assert lamps["led"] > 0 and lamps["sodium"] > 0


def test_its_condition_history_starts_at_registration_and_ends_at_the_condition(pilot):
    assets = {a.pk: a.condition for a in Asset.objects.only("condition")}
    chains: dict[int, list] = {}
    for row in AssetConditionChange.objects.order_by("changed_at", "id").values_list(
        "asset_id", "from_condition", "to_condition"
    ):
        chains.setdefault(row[0], []).append(row[1:])
    assert set(chains) == set(assets)
    changed = 0
    for asset_id, chain in chains.items():
        assert chain[0][0] == ""
        for (_before, after), (before_next, _after) in zip(chain, chain[1:], strict=False):
            assert after == before_next
        assert chain[-1][1] == assets[asset_id]
        changed += len(chain) > 1
    assert changed > 0.05 * len(assets)


def test_it_gives_each_pilot_a_year_of_requests_in_every_status(pilot):
    now = timezone.now()
    requests = ServiceRequest.objects.all()
    assert requests.count() >= 250
    assert set(requests.values_list("status", flat=True)) == set(RequestStatus.values)
    assert set(requests.values_list("category", flat=True)) == set(RequestCategory.values)
    assert not requests.filter(received_at__gt=now).exists()
    assert not requests.filter(received_at__lt=now - timedelta(days=366)).exists()
    overdue = requests.filter(status__in=OPEN_STATUSES, due_at__lt=now).count()
    assert 0 < overdue < requests.filter(status__in=OPEN_STATUSES).count()
    assert requests.filter(resolved_at__gt=F("due_at")).exists()  # some were late
    by_category = Counter(requests.values_list("category", flat=True))
    assert by_category.most_common(2)[0][0] in ("lighting", "drain")
    phones = [p for p in requests.values_list("reporter_phone", flat=True) if p]
    assert phones and all(re.fullmatch(r"08\d{8}", p) for p in phones)
    assert requests.filter(assignee__username="engineer").exists()
    assert requests.filter(assignee__username="admin").exists()


def test_floods_come_in_the_rainy_season_at_kantang(in_kantang):
    floods = ServiceRequest.objects.filter(category="flood")
    in_season = floods.filter(received_at__month__in=(10, 11, 12)).count()
    assert floods.count() >= 5
    assert in_season >= 0.6 * floods.count()


def test_request_timelines_agree_with_their_status(pilot):
    now = timezone.now()
    events: dict[int, list] = {}
    for event in ServiceRequestEvent.objects.order_by("at", "id"):
        events.setdefault(event.request_id, []).append(event)
    for req in ServiceRequest.objects.select_related("duplicate_of"):
        timeline = events[req.pk]
        assert timeline[0].kind == "created" and timeline[0].at == req.received_at
        assert all(a.at <= b.at <= now for a, b in zip(timeline, timeline[1:], strict=False))
        status = RequestStatus.RECEIVED
        for event in timeline:
            if event.kind == "status":
                assert event.from_value == status, req.tracking_code
                assert event.to_value in TRANSITIONS[status], req.tracking_code
                status = event.to_value
        assert status == req.status, req.tracking_code
        assert req.due_at == req.received_at + timedelta(hours=sla_hours(req.category, req.priority))
        assert (req.resolved_at is not None) == (req.status in ("resolved", "closed"))
        assert (req.closed_at is not None) == (req.status in ("closed", "rejected", "duplicate"))
        if req.status in ("assigned", "in_progress", "resolved", "closed"):
            assert req.assignee is not None
        if req.status == "received":
            assert req.assignee is None
        if req.status == "rejected":
            assert timeline[-1].comment
        if req.status == "duplicate":
            assert req.duplicate_of is not None and req.duplicate_of.status != "duplicate"
            assert req.duplicate_of.received_at <= req.received_at
            assert req.duplicate_of.tracking_code in timeline[-1].comment
        else:
            assert req.duplicate_of is None
        linked = [e for e in timeline if e.kind == "asset_linked"]
        assert [e.to_value for e in linked] == ([req.asset.code] if req.asset_id else [])


def test_requests_link_the_nearest_matching_asset_within_50_m(pilot):
    requests = list(ServiceRequest.objects.select_related("asset").order_by("id"))
    assert sum(r.asset_id is not None for r in requests) > 0.5 * len(requests)
    for req in requests[::6]:  # the selector is slow-ish: every 6th request
        assert nearest_asset(req.location, req.category) == req.asset, req.tracking_code


def _reseed(pilot, now: datetime) -> None:
    seed(municipality=pilot, size="small", log=lambda _message: None, now=now)


def test_reseeding_gives_the_same_counts(pilot):
    # One fixed "now" for both runs: the history is generated relative to it, and a request
    # drawn a few minutes either side of midnight would otherwise tell a different story.
    now = timezone.now()
    _reseed(pilot, now)
    before = _counts()
    _reseed(pilot, now)
    assert _counts() == before


def test_reseeding_keeps_what_people_entered(pilot):
    now = timezone.now()
    _reseed(pilot, now)  # the same anchor as the runs below (see the test above)
    engineer = User.objects.get(username="engineer")
    # A demo-looking code someone typed by hand is theirs: it survives and the demo skips it.
    taken = Asset.objects.get(code="SL-00005")
    Asset.objects.filter(pk=taken.pk).update(created_by=engineer, name="เสาไฟของฉัน")
    before = _counts()
    mine = asset_create(user=engineer, data={
        "code": "RD-HAND-1", "asset_type": "road", "name": "ถนนที่บันทึกเอง",
        "geometry": line((0, 0), (120, 0)), "attributes": {"surface": "concrete"},
    })
    report = service_request_create(
        data={"category": "lighting", "description": "ไฟดับ", "location": point(5, 5)},
        user=None, channel="public_web",
    )

    _reseed(pilot, now)
    _reseed(pilot, now)

    after = _counts()
    assert after["assets"] == before["assets"] + Counter({"road": 1, "streetlight": 1})
    assert after["requests"] == before["requests"] + Counter({"received": 1})
    assert Asset.objects.filter(pk=mine.pk).exists()
    assert Asset.objects.get(code="SL-00005").name == "เสาไฟของฉัน"
    assert ServiceRequest.objects.filter(pk=report.pk).exists()
    codes = list(Asset.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes))
