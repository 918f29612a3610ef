"""The disaster view's filters, each answer against a hand-computed fixture.

The town of conftest.py (community A = COMMUNITY, around the origin) plus a river community B,
3 km east, laid out here in metres from B's flood request F (at east 3000, north 0):

    hb_alone  +60 m   one person, 75, never assessed: elderly living alone; phone 081-000-0001
    hb_home   +100 m  one person, 50, ADL homebound (and a 30-year-old with no need)
    hb_bed    -150 m  ADL bedridden (phone 081-000-0002) + a spouse of 45
    hb_far    +400 m  ADL bedridden: beyond 200 m, within 500 m
    1/5       +2 km   a 20-year-old: B's fifth household, so B gets a centre on the count map
    L         -100 m  a street light in poor condition (hb_bed is 50 m from it, hb_alone 160 m)
    a flood request without a pin, reported today: no distance, counted nowhere

A's household `near` (1 bedridden 82, 1 disabled 40) is 30 m from A's open flood request
(reported about a month ago), 80 m from a poor drain, 89 m from an open drain request.
"""

import datetime as dt
import json
from io import BytesIO

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from dashboards.disaster import Query, disaster_summary, households_at_risk
from dashboards.disaster.changes import changes_since_yesterday
from infrastructure.models import Asset, ServiceRequest
from smarthealth.models import AccessLog, AdlAssessment, Household
from smarthealth.rules import years_before

from ..helpers import login
from ..smarthealth.conftest import person_build
from .conftest import COMMUNITY, point

B = "ชุมชนริมน้ำทดสอบภัย"
URL = "/dashboard/disaster/"


def _request(category, east, north, *, received, status="received", location=True):
    return ServiceRequest.objects.create(
        category=category, description="disaster test", channel="staff", status=status,
        location=point(east, north) if location else None, received_at=received,
        address_text="" if location else "ท่าเรือเก่า ริมแม่น้ำตรัง",
        due_at=received + dt.timedelta(hours=72))


@pytest.fixture
def river(town):
    today, now = timezone.localdate(), timezone.now()

    def born(years):
        return years_before(today, years) - dt.timedelta(days=10)

    def household(no, north):
        return Household.objects.create(house_no=no, community=B, location=point(3000, north))

    def adl(person, group, score):
        AdlAssessment.objects.create(person=person, assessed_on=today - dt.timedelta(days=3), group=group,
                                     score=score)

    flood = _request("flood", 3000, 0, received=now - dt.timedelta(days=2))
    _request("flood", 0, 0, received=now, location=False)
    light = Asset.objects.create(code="DIS-L1", asset_type="streetlight", name="L1", community=B,
                                 geometry=point(3000, -100), condition="poor", status="in_use")
    hb_alone, hb_home, hb_bed, hb_far = (household("1/1", 60), household("1/2", 100), household("1/3", -150),
                                         household("1/4", 400))
    # A fifth household, nobody vulnerable: B has enough households for a centre on the count map.
    person_build(cid_seed=9207, household=household("1/5", 2000), birth_date=born(20), first_name="ภัยเจ็ด")
    person_build(cid_seed=9201, household=hb_alone, birth_date=born(75), first_name="ภัยหนึ่ง",
                 phone="081-000-0001")
    home = person_build(cid_seed=9202, household=hb_home, birth_date=born(50), first_name="ภัยสอง")
    adl(home, "homebound", 8)
    person_build(cid_seed=9203, household=hb_home, birth_date=born(30), first_name="ภัยสาม")
    bed = person_build(cid_seed=9204, household=hb_bed, birth_date=born(80), first_name="ภัยสี่",
                       phone="081-000-0002")
    adl(bed, "bedbound", 2)
    person_build(cid_seed=9205, household=hb_bed, birth_date=born(45), first_name="ภัยห้า")
    far = person_build(cid_seed=9206, household=hb_far, birth_date=born(70), first_name="ภัยหก")
    adl(far, "bedbound", 1)
    return town, flood, light, hb_alone, hb_home, hb_bed, hb_far


def _by_community(query, user):
    summary = disaster_summary(user, query=query)
    return {c["community"]: c for c in summary["by_community"] if c["community"] in (COMMUNITY, B)}


def test_how_many_bedridden_people_live_near_open_flood_reports_by_community(river, nurse):
    rows = _by_community(Query(kinds=("flood",), vulnerable=("bedbound",)), nurse)
    # A: p1 (30 m from A's flood). B: hb_bed at 150 m; hb_far at 400 m is beyond 200 m.
    assert {k: (c["households"], c["bedbound"]) for k, c in rows.items()} == {COMMUNITY: (1, 1), B: (1, 1)}
    wider = _by_community(Query(metres=500, kinds=("flood",), vulnerable=("bedbound",)), nurse)
    assert wider[B]["bedbound"] == 2 and wider[COMMUNITY]["bedbound"] == 1


def test_each_vulnerability_alone(river, nurse):
    flood = ("flood",)
    # Alone: hb_alone only (A's near household has two members).
    assert {k: c["alone"] for k, c in
            _by_community(Query(kinds=flood, vulnerable=("alone",)), nurse).items()} == {B: 1}
    assert {k: c["homebound"] for k, c in
            _by_community(Query(kinds=flood, vulnerable=("homebound",)), nurse).items()} == {B: 1}
    assert {k: c["disabled"] for k, c in
            _by_community(Query(kinds=flood, vulnerable=("disabled",)), nurse).items()} == {COMMUNITY: 1}
    everyone = ("bedbound", "homebound", "disabled", "alone")
    every = _by_community(Query(kinds=flood, vulnerable=everyone), nurse)
    assert every[B]["households"] == 3 and every[COMMUNITY]["households"] == 1


def test_request_age_leaves_out_older_reports(river, nurse):
    # A's flood request was reported about a month ago, B's two days ago.
    recent = _by_community(Query(kinds=("flood",), vulnerable=("bedbound",), max_age_days=3), nurse)
    assert set(recent) == {B}
    assert _by_community(Query(kinds=("flood",), vulnerable=("bedbound",), max_age_days=1), nurse) == {}


def test_assets_in_poor_condition_by_type(river, nurse):
    lights = _by_community(Query(kinds=("streetlight_poor",), vulnerable=("bedbound", "alone")), nurse)
    # hb_bed is 50 m from the poor light, hb_alone 160 m; A's out-of-service light is 220 m from `near`.
    assert {k: (c["households"], c["bedbound"], c["alone"]) for k, c in lights.items()} == {B: (2, 1, 1)}
    drains = _by_community(Query(kinds=("drain_poor",)), nurse)
    assert set(drains) == {COMMUNITY}


def test_distance_decides_and_a_request_without_a_pin_is_skipped(river, nurse):
    rows = {r.household_id: r for r in households_at_risk(query=Query(
        metres=50, kinds=("flood",), vulnerable=("bedbound", "homebound", "disabled", "alone")))}
    town, _flood, _light, hb_alone, hb_home, hb_bed, _far = river
    assert town.near.pk in rows and round(rows[town.near.pk].distance) == 30
    assert not {hb_alone.pk, hb_home.pk, hb_bed.pk} & set(rows)  # 60, 100, 150 m


def test_the_community_by_hazard_table(river, nurse):
    summary = disaster_summary(nurse, query=Query(kinds=("flood", "drain", "streetlight_poor")))
    rows = {c["community"]: {cell["kind"]: cell["households"] for cell in c["cells"]}
            for c in summary["by_community"] if c["community"] in (COMMUNITY, B)}
    # A: `near` (bedridden + disabled) by the flood (30 m) and drain request (89 m). B: only
    # bedridden/disabled count by default: hb_bed, by the flood and the light.
    assert rows == {COMMUNITY: {"flood": 1, "drain": 1, "streetlight_poor": 0},
                    B: {"flood": 1, "drain": 0, "streetlight_poor": 1}}


def test_a_count_only_reader_gets_small_cells_hidden(river, executive):
    summary = disaster_summary(executive, query=Query(kinds=("flood",), vulnerable=("bedbound",)))
    mine = [c for c in summary["by_community"] if c["community"] in (COMMUNITY, B)]
    assert mine and all(c["hidden"] and c["bedbound"] is None for c in mine)
    assert all(cell["households"] is None for c in mine for cell in c["cells"])


def test_what_changed_since_yesterday(river, nurse):
    town, _flood, _light, *_ = river
    now = timezone.now()
    query = Query(kinds=("flood", "road"))

    def counts():
        changes = changes_since_yesterday(query=query, now=now)
        return {k["kind"]: (k["reported"], k["cleared"]) for k in changes["by_kind"]}, changes

    # The demo data has requests of its own in the last day: compare before and after.
    before, _ = counts()
    _request("flood", 3000, 420, received=now - dt.timedelta(hours=2))  # new: 20 m from hb_far
    _request("road", 9000, 9000, received=now - dt.timedelta(hours=30))  # older than a day
    town.requests.r4.status, town.requests.r4.resolved_at = "resolved", now - dt.timedelta(hours=1)
    town.requests.r4.save()
    after, changes = counts()
    assert {k: (after[k][0] - before[k][0], after[k][1] - before[k][1]) for k in after} == \
        {"flood": (1, 1), "road": (0, 0)}
    newly = households_at_risk(query=Query(kinds=("flood", "road"), reported_since=changes["since"]))
    assert river[-1].pk in {r.household_id for r in newly}  # hb_far, bedridden, 20 m from the new one
    assert changes["households_newly_near"] == len(newly)


def test_the_page_answers_the_headline_question_for_a_nurse(river, kantang_client):
    login(kantang_client, "kantang", "nurse")
    query = {"kinds": "flood", "vulnerable": "bedbound", "metres": 200}
    html = kantang_client.get(URL, query).content.decode()
    assert 'id="disaster-matrix"' in html and B in html and "ภัยสี่" in html and "081-000-0002" in html
    assert "ภัยหก" not in html  # 400 m away
    assert "What changed since yesterday" in html or "เปลี่ยนแปลง" in html


def test_an_executive_gets_the_community_map_but_no_points_or_names(river, kantang_client):
    login(kantang_client, "kantang", "executive")
    response = kantang_client.get(URL, {"kinds": "flood", "vulnerable": "bedbound"})
    html = response.content.decode()
    assert response.status_code == 200 and 'id="disaster-data"' in html
    assert "ภัยสี่" not in html and "1/3" not in html
    data = json.loads(html.split('id="disaster-data" type="application/json">')[1].split("</script>")[0])
    assert data["households"] == [] and data["hazards"] == []
    assert [c["count"] for c in data["communities"] if c["name"] == B] == ["น้อยกว่า 5"]
    assert kantang_client.get(URL, {"format": "xlsx"}).status_code == 403
    assert kantang_client.get(URL, {"view": "calls"}).status_code == 403


def test_the_call_list_exports_in_thai_and_is_audited(river, kantang_client):
    login(kantang_client, "kantang", "nurse")
    with schema_context("kantang"):
        before = AccessLog.objects.filter(object_type="disaster_view", action="export").count()
    query = {"kinds": "flood", "vulnerable": ["bedbound", "alone"], "format": "xlsx"}
    response = kantang_client.get(URL, query)
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "ชุมชน" and "โทรศัพท์" in rows[0]
    ours = [r for r in rows[1:] if r[0] == B]
    assert [(r[3].split()[0], r[6]) for r in ours] == [("ภัยหนึ่ง", "081-000-0001"), ("ภัยสี่", "081-000-0002")]
    with schema_context("kantang"):
        log = AccessLog.objects.filter(object_type="disaster_view", action="export").order_by("-id")
        assert log.count() == before + 1
        assert log.first().detail["kinds"] == ["flood"] and "ภัย" not in str(log.first().detail)


def test_the_printable_call_list_has_the_phone_numbers(river, kantang_client):
    login(kantang_client, "kantang", "nurse")
    query = {"kinds": "flood", "vulnerable": "bedbound", "view": "calls"}
    html = kantang_client.get(URL, query).content.decode()
    assert 'href="tel:081-000-0002"' in html and "ภัยสี่" in html and "ภัยหนึ่ง" not in html
    with schema_context("kantang"):
        assert AccessLog.objects.filter(object_type="disaster_view", action="print").exists()
