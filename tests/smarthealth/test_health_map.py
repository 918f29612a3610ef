"""The health map: tiles carry only id + need, the popup shows names to the care team with one
audit row, aggregate-only roles get 403."""

import datetime as dt
import math

import mapbox_vector_tile
import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import schema_context

from smarthealth.models import AccessLog, Household
from smarthealth.rules import NEED_LEVELS, Need, years_before
from smarthealth.selectors import persons_for
from smarthealth.services import adl_assess, ncd_screen, person_create
from smarthealth.views.maps import TILE_FIELDS, person_needs
from tests.helpers import host_client, login

from .conftest import make_cid

ZOOM = 16
# Two spots in Kantang, ~150 m apart (inside one z16 tile or its neighbour; computed below).
OWN_AT = (99.5190, 7.4100)
OTHER_AT = (99.5192, 7.4102)


def _tile_of(lon, lat, z=ZOOM):
    n = 2**z
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return x, y


def _url(name, **kwargs):
    return reverse(f"smarthealth:{name}", kwargs=kwargs or None, urlconf="cityplatform.urls_tenant")


def _client(username):
    return login(host_client("kantang.localhost"), "kantang", username)


@pytest.fixture
def mapped(nurse, own_household, other_household):
    """own_household (volunteer's): a bedbound 80-year-old and a child; other_household: a DM
    patient whose latest screening is red. Both placed on the map."""
    today = timezone.localdate()
    Household.objects.filter(pk=own_household.pk).update(location=Point(*OWN_AT, srid=4326))
    Household.objects.filter(pk=other_household.pk).update(location=Point(*OTHER_AT, srid=4326))

    def make(seed, household, age, **data):
        return person_create(user=nurse, data={
            "cid": make_cid(seed), "first_name": f"แผนที่{seed}", "last_name": "ทดสอบ", "sex": "M",
            "birth_date": years_before(today, age) - dt.timedelta(days=3), "household": household,
            **data})

    bedbound = make(8001, own_household, 80)
    adl_assess(person=bedbound, user=nurse, assessed_on=today, score=1)
    child = make(8002, own_household, 8)
    red = make(8003, other_household, 58, chronic_conditions=["DM"])
    ncd_screen(person=red, user=nurse, screened_on=today, fbs=240)
    return {"own": own_household, "other": other_household, "bedbound": bedbound, "child": child,
            "red": red}


def _tile_features(client, query=""):
    x, y = _tile_of(*OWN_AT)
    response = client.get(_url("map-tiles", z=ZOOM, x=x, y=y) + query)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    assert "public" not in response["Cache-Control"]
    layers = mapbox_vector_tile.decode(response.content) if response.content else {}
    return response.content, [f["properties"] for f in layers.get("households", {}).get("features", [])]


# --- tiles ------------------------------------------------------------------------------------
def test_tiles_carry_only_the_id_and_the_need(mapped):
    assert _tile_of(*OWN_AT) == _tile_of(*OTHER_AT)
    raw, features = _tile_features(_client("nurse"))
    by_id = {f["id"]: f for f in features}
    assert by_id[mapped["own"].pk]["need_level"] == NEED_LEVELS[Need.BEDBOUND]
    assert by_id[mapped["other"].pk]["need_level"] == NEED_LEVELS[Need.NCD_RED]
    for feature in features:
        assert set(feature) == set(TILE_FIELDS)
    # No names, house numbers or national IDs anywhere in the bytes.
    for text in ("แผนที่8001", "แผนที่8003", "ทดสอบ", mapped["own"].house_no, mapped["own"].house_id):
        assert text.encode() not in raw
    with schema_context("kantang"):
        assert mapped["red"].cid.encode() not in raw


def test_tiles_filter_by_need(mapped):
    _raw, features = _tile_features(_client("nurse"), "?need=bedbound,homebound")
    ids = {f["id"] for f in features}
    assert mapped["own"].pk in ids and mapped["other"].pk not in ids
    _raw, features = _tile_features(_client("nurse"), "?need=nonsense")
    assert features == []


def test_a_volunteer_tile_holds_only_assigned_households(mapped):
    _raw, features = _tile_features(_client("volunteer"))
    ids = {f["id"] for f in features}
    assert mapped["own"].pk in ids and mapped["other"].pk not in ids


def test_tiles_are_not_audited(mapped):
    with schema_context("kantang"):
        before = AccessLog.objects.count()
    _tile_features(_client("nurse"))
    with schema_context("kantang"):
        assert AccessLog.objects.count() == before


def test_an_impossible_tile_is_404(mapped):
    assert _client("nurse").get(_url("map-tiles", z=30, x=0, y=0)).status_code == 404
    assert _client("nurse").get(_url("map-tiles", z=2, x=9, y=0)).status_code == 404


# --- the page and the role matrix -------------------------------------------------------------
def test_the_map_page_for_the_care_team(mapped):
    response = _client("nurse").get(_url("map"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="health-map-config"' in html and "js/smarthealth/map.js" in html
    assert "Leaflet.VectorGrid" in html
    assert "แผนที่8001" not in html  # no names in the page itself
    assert _client("volunteer").get(_url("map")).status_code == 200


@pytest.mark.parametrize("role", ["executive", "engineer"])
def test_aggregate_roles_get_403_on_map_tiles_and_popup(mapped, role):
    client = _client(role)
    x, y = _tile_of(*OWN_AT)
    for url in (_url("map"), _url("map-tiles", z=ZOOM, x=x, y=y), _url("map-popup", pk=mapped["own"].pk)):
        assert client.get(url).status_code == 403, url


# --- popup ------------------------------------------------------------------------------------
def _log_after(last_id):
    with schema_context("kantang"):
        return list(AccessLog.objects.filter(id__gt=last_id).order_by("id"))


def _last_id():
    with schema_context("kantang"):
        return AccessLog.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_the_popup_shows_members_and_writes_one_audit_row(mapped):
    last = _last_id()
    response = _client("nurse").get(_url("map-popup", pk=mapped["own"].pk))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "แผนที่8001" in html and "แผนที่8002" in html and "แผนที่8003" not in html
    new = _log_after(last)
    assert len(new) == 1
    row = new[0]
    assert (row.action, row.object_type, row.object_ref) == ("view", "household", str(mapped["own"].pk))
    assert set(row.detail["persons"]) == {str(mapped["bedbound"].public_id), str(mapped["child"].public_id)}


def test_the_assigned_volunteer_opens_the_popup_but_not_others(mapped):
    client = _client("volunteer")
    assert client.get(_url("map-popup", pk=mapped["own"].pk)).status_code == 200
    last = _last_id()
    response = client.get(_url("map-popup", pk=mapped["other"].pk))
    assert response.status_code == 404
    assert "แผนที่8003" not in response.content.decode()
    # The refusal is recorded (issue 22): who asked for which household, and no member listed.
    [denied] = _log_after(last)
    assert (denied.action, denied.outcome, denied.object_type, denied.object_ref) == (
        "view", "denied", "household", str(mapped["other"].pk))
    assert "persons" not in denied.detail


def test_person_needs_lists_every_need_most_urgent_first(mapped, nurse):
    people = {p.pk: p for p in persons_for(nurse, filters={"household": mapped["own"].pk})}
    today = timezone.localdate()
    assert person_needs(people[mapped["bedbound"].pk], today) == [Need.BEDBOUND, Need.ELDERLY]
    assert person_needs(people[mapped["child"].pk], today) == []
    red = persons_for(nurse, filters={"household": mapped["other"].pk}).get(pk=mapped["red"].pk)
    assert person_needs(red, today) == [Need.NCD_RED]
