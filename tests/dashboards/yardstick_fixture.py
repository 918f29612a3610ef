"""Five more requests in the fixture town (conftest.py), so the SLA figures have late and
overdue ones. Hand-computed, with the town's own six:

  resolved in the 12 months (month back: request, hours to resolve, due after 72 h):
    m1: r1 road 10 h (on time), r7 road 100 h (late), r10 lighting 5 h (on time)
    m2: r2 road 20 h (on time), r8 lighting 80 h (late)
    m4: r3 drain 30 h (on time)
    → 6 resolved, 4 on time: 66.7 %; over 3 months (m0–m2): 5 resolved, 3 on time: 60.0 %
  open now: r4 flood (overdue), r5 drain (due in 10 days), r9 lighting (overdue), r11 lighting
    (overdue) → 4 open, 3 overdue: 75.0 %; overdue by category: lighting 2, flood 1, drain 0
  month 1 back against month 2 back:
    opened r1 r4 r6 r7 r10 r11 = 6 against r2 r5 r8 r9 = 4 → +2 (+50.0 %)
    resolved or closed r1 r7 r10 = 3 against r2 r8 = 2 → +1 (+50.0 %)
    within SLA 2 of 3 = 66.7 % against 1 of 2 = 50.0 % → +16.7 points
  bedridden visited (p1 and p5 are bedbound): in the last 30 days p1 (10 days ago) = 50.0 %; in
    the 30 days before those p1 (40 days ago, added here) and p5 (45) = 100.0 % → −50.0 points
"""

import datetime as dt
from types import SimpleNamespace

import pytest

from dashboards.services import dashboard_refresh, month_start
from infrastructure.models import ServiceRequest
from smarthealth.models import HomeVisit

from .conftest import local


@pytest.fixture(name="sla_town")
def sla_town_fixture(town):
    m1, m2 = (month_start(town.today, k) + dt.timedelta(days=9) for k in (1, 2))

    def request(category, received, *, asset, status="resolved", hours=None):
        received_at = local(received)
        return ServiceRequest.objects.create(
            category=category, description="yardstick test", location=asset.geometry.centroid,
            channel="staff", status=status, asset=asset, received_at=received_at,
            resolved_at=received_at + dt.timedelta(hours=hours) if hours else None,
            due_at=received_at + dt.timedelta(hours=72))

    extra = SimpleNamespace(
        r7=request("road", m1, asset=town.road1, hours=100),
        r8=request("lighting", m2, asset=town.light, hours=80),
        r9=request("lighting", m2, asset=town.light, status="assigned"),
        r10=request("lighting", m1, asset=town.light, hours=5),
        r11=request("lighting", m1, asset=town.light, status="received"),
    )
    HomeVisit.objects.create(person=town.p1, visited_on=town.today - dt.timedelta(days=40))
    dashboard_refresh()
    town.extra = extra
    return town
