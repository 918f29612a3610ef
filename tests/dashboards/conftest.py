"""A small town of our own inside kantang, far from the demo data (its own community name and a
spot ~15 km south-west of the town), so every figure filtered by COMMUNITY is hand-computable.

Hand-computed expectations (see each test): 4 assets in use (a 5th is retired), 6 requests in
three past months, 5 living persons in 2 households (+1 deceased)."""

import datetime as dt
import math
from types import SimpleNamespace

import pytest
from django.contrib.gis.geos import LineString, Point
from django.utils import timezone

from dashboards.services import month_start
from infrastructure.models import Asset, ServiceRequest
from smarthealth.models import AdlAssessment, HomeVisit, Household, NcdScreening
from smarthealth.rules import years_before

from ..helpers import kantang_staff
from ..smarthealth.conftest import person_build

COMMUNITY = "ชุมชนทดสอบแดชบอร์ด"
ORIGIN = (99.40, 7.30)  # lon, lat

nurse = kantang_staff("nurse")
executive = kantang_staff("executive")
engineer = kantang_staff("engineer")
admin = kantang_staff("admin")
volunteer = kantang_staff("volunteer")


def at(east_m: float = 0, north_m: float = 0) -> tuple[float, float]:
    lon, lat = ORIGIN
    return (lon + east_m / (111_320 * math.cos(math.radians(lat))), lat + north_m / 110_574)


def point(east_m=0, north_m=0) -> Point:
    return Point(*at(east_m, north_m), srid=4326)


def local(day: dt.date, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _asset(code, asset_type, geometry, condition="good", status="in_use", **attributes):
    return Asset.objects.create(code=code, asset_type=asset_type, name=code, geometry=geometry,
                                condition=condition, status=status, community=COMMUNITY,
                                attributes=attributes)


@pytest.fixture
def town(in_kantang):
    today = timezone.localdate()
    lon, lat = ORIGIN
    # A north–south road of 0.01° latitude is 1105.92 m on the spheroid at 7.3° N (meridian arc
    # 110,592 m per degree there); the second is half that: 552.96 m.
    road1 = _asset("DASH-R1", "road", LineString((lon - 0.001, lat), (lon - 0.001, lat + 0.01), srid=4326),
                   surface="asphalt")
    road2 = _asset("DASH-R2", "road", LineString((lon - 0.002, lat), (lon - 0.002, lat + 0.005), srid=4326),
                   condition="poor", surface="concrete")
    drain = _asset("DASH-D1", "drain", LineString(at(0, -100), at(0, 100), srid=4326), condition="poor")
    light = _asset("DASH-L1", "streetlight", point(0, 300), condition="out_of_service")
    _asset("DASH-L2", "streetlight", point(0, 310), status="retired")

    m1, m2, m4 = (month_start(today, k) + dt.timedelta(days=9) for k in (1, 2, 4))

    def request(category, received, *, status, hours_to_resolve=None, asset=None, location=None, due=None,
                closed_after=None):
        received_at = local(received)
        resolved_at = received_at + dt.timedelta(hours=hours_to_resolve) if hours_to_resolve else None
        return ServiceRequest.objects.create(
            category=category, description="dashboard test", location=location or point(20, 0),
            channel="staff", status=status, asset=asset, received_at=received_at, resolved_at=resolved_at,
            closed_at=received_at + dt.timedelta(hours=closed_after) if closed_after else None,
            due_at=due or received_at + dt.timedelta(hours=72))

    requests = SimpleNamespace(
        r1=request("road", m1, status="resolved", hours_to_resolve=10, asset=road1),
        r2=request("road", m2, status="closed", hours_to_resolve=20, closed_after=30, asset=road1),
        r3=request("drain", m4, status="resolved", hours_to_resolve=30, asset=drain),
        # 30 m from the first household: the nearest hazard.
        r4=request("flood", m1, status="in_progress", location=point(50, 0),
                   due=local(m1) + dt.timedelta(hours=4)),
        r5=request("drain", m2, status="received", location=point(0, 40),
                   due=timezone.now() + dt.timedelta(days=10)),
        r6=request("road", m1, status="rejected", closed_after=2, asset=road1),
    )

    near = Household.objects.create(house_id="92020199901", house_no="777/77", moo=7, community=COMMUNITY,
                                    location=point(80, 0))
    far = Household.objects.create(house_id="92020199902", house_no="888/88", moo=8, community=COMMUNITY,
                                   location=point(5000, 5000))

    def born(years: int) -> dt.date:
        return years_before(today, years) - dt.timedelta(days=10)

    p1 = person_build(cid_seed=9101, household=near, sex="F", birth_date=born(82), first_name="แดชหนึ่ง")
    p2 = person_build(cid_seed=9102, household=near, sex="M", birth_date=born(40), first_name="แดชสอง",
                      disability="physical", chronic_conditions=["DM"])
    p3 = person_build(cid_seed=9103, household=far, sex="M", birth_date=born(65), first_name="แดชสาม",
                      chronic_conditions=["HT"])
    p4 = person_build(cid_seed=9104, household=far, sex="F", birth_date=born(3), first_name="แดชสี่")
    p5 = person_build(cid_seed=9105, household=far, sex="F", birth_date=born(70), first_name="แดชห้า")
    person_build(cid_seed=9106, household=far, sex="M", birth_date=born(50), first_name="แดชหก",
                 status="deceased", disability="visual")

    def adl(person, days_ago, score, group):
        AdlAssessment.objects.create(person=person, assessed_on=today - dt.timedelta(days=days_ago),
                                     score=score, group=group)

    adl(p1, 400, 15, "social")  # an older assessment: only the latest counts
    adl(p1, 5, 2, "bedbound")
    adl(p3, 20, 8, "homebound")
    adl(p5, 20, 3, "bedbound")
    HomeVisit.objects.create(person=p1, visited_on=today - dt.timedelta(days=10))
    HomeVisit.objects.create(person=p5, visited_on=today - dt.timedelta(days=45))
    NcdScreening.objects.create(person=p2, screened_on=years_before(today, 2), sbp=185, dbp=95, colour="red")
    NcdScreening.objects.create(person=p2, screened_on=today - dt.timedelta(days=60), sbp=145, dbp=92,
                                colour="yellow")
    NcdScreening.objects.create(person=p3, screened_on=years_before(today, 2), sbp=185, dbp=112, colour="red")

    return SimpleNamespace(today=today, road1=road1, road2=road2, drain=drain, light=light,
                           requests=requests, near=near, far=far, p1=p1, p2=p2, p3=p3, p4=p4, p5=p5)


@pytest.fixture
def refreshed(town):
    from dashboards.services import dashboard_refresh

    dashboard_refresh()
    return town
