"""The dashboard's "open now" and "overdue now" against the same time a month before (issue 19),
from the aggregate refresh, against hand-computed counts. The status a month before is the one the
request's timeline gave it then: a request reopened before that time was open then, even though
its first resolution is older."""

import datetime as dt

from django.utils import timezone
from django_tenants.utils import schema_context

from dashboards.aggregates import Filters, request_aggregates
from dashboards.services import dashboard_refresh, previous_period_at
from infrastructure.models import ServiceRequest, ServiceRequestEvent
from infrastructure.services import service_request_create

from ..helpers import host_client, login

Kind = ServiceRequestEvent.Kind


def test_the_same_time_a_month_before():
    tz = timezone.get_current_timezone()
    assert previous_period_at(dt.datetime(2026, 12, 6, 9, 30, tzinfo=tz)) == dt.datetime(
        2026, 11, 6, 9, 30, tzinfo=tz)
    assert previous_period_at(dt.datetime(2027, 3, 31, 18, 0, tzinfo=tz)) == dt.datetime(
        2027, 2, 28, 18, 0, tzinfo=tz)
    assert previous_period_at(dt.datetime(2027, 1, 15, 8, 0, tzinfo=tz)).date() == dt.date(2026, 12, 15)


def _request(community, now, *, received_days, due_days, timeline=()):
    """A request received `received_days` ago, due `due_days` from now (negative: in the past);
    `timeline`: (days ago, status) of each status change, the last one its status today."""
    request = service_request_create(
        data={"category": "flood", "description": "ทดสอบการเปลี่ยนแปลงคำร้องค้าง",
              "address_text": "ริมคลองทดสอบ", "community": community},
        channel="phone", link_nearest=False)
    received = now - dt.timedelta(days=received_days)
    ServiceRequestEvent.objects.filter(request=request, kind=Kind.CREATED).update(at=received)
    status, resolved_at, closed_at = "received", None, None
    for days, to_status in timeline:
        at = now - dt.timedelta(days=days)
        ServiceRequestEvent.objects.create(request=request, kind=Kind.STATUS, from_value=status,
                                           to_value=to_status, at=at)
        status = to_status
        if to_status == "resolved":
            resolved_at = at  # a reopening keeps the first resolution's time, as the service does
        if to_status == "closed":
            closed_at = at
    ServiceRequest.objects.filter(pk=request.pk).update(
        received_at=received, due_at=now + dt.timedelta(days=due_days), status=status,
        resolved_at=resolved_at, closed_at=closed_at)
    return request


def test_open_and_overdue_now_against_a_month_before(in_kantang):
    from communities.services import community_create

    now = timezone.now()
    with schema_context("kantang"):
        outside = community_create(name="ชุมชนทดสอบคำร้องค้าง", moos=[])
        def make(**kwargs):
            _request(outside, now, **kwargs)

        make(received_days=40, due_days=-35)  # R1: open, overdue both times
        make(received_days=40, due_days=-33, timeline=[(20, "resolved")])  # R2: open and overdue then only
        make(received_days=40, due_days=-38, timeline=[(35, "resolved")])  # R3: resolved before: neither
        make(received_days=5, due_days=5)  # R4: new: open now, on time
        make(received_days=2, due_days=6)  # R5: new: open now, on time
        make(received_days=60, due_days=-50, timeline=[(55, "in_progress")])  # R6: open, overdue both times
        # R7: resolved, then reopened before the month-ago time: open both times, on time.
        make(received_days=50, due_days=5, timeline=[(45, "resolved"), (35, "received")])
        dashboard_refresh(now=now)
        figures = request_aggregates(Filters(community=outside.name))

    # A month before: R1, R2, R6, R7 open; R1, R2, R6 overdue. Now: R1, R4, R5, R6, R7; R1, R6.
    assert (figures["open"], figures["overdue"]) == (5, 2)
    opened, overdue = figures["open_change"], figures["overdue_change"]
    assert (opened.previous, opened.current, opened.difference, opened.percent) == (4, 5, 1, 25.0)
    assert (overdue.previous, overdue.current, overdue.difference, overdue.percent) == (3, 2, -1, -33.3)

    # The dashboard shows both under their figures, in Thai.
    executive = login(host_client("kantang.localhost"), "kantang", "executive")
    html = executive.get("/dashboard/", {"community": outside.name}).content.decode()
    assert "เมื่อเดือนก่อน ณ เวลาเดียวกัน: 4 เปลี่ยนแปลง +1 (+25.0 %)" in html
    assert "เมื่อเดือนก่อน ณ เวลาเดียวกัน: 3 เปลี่ยนแปลง −1 (−33.3 %)" in html
