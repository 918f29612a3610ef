"""The SLA-compliance and overdue rates of the national snapshot: the same definition
(kernel.yardsticks) and the same values as the dashboard and the API."""

import datetime as dt

from django.utils import timezone
from django_tenants.utils import schema_context

from dashboards.aggregates import Filters, request_aggregates
from national.indicators import INDICATORS, Snapshot
from national.models import IndicatorValue
from national.services import national_snapshot_publish

from ..api.conftest import call
from ..dashboards.conftest import town  # noqa: F401  (fixtures)
from ..dashboards.yardstick_fixture import sla_town_fixture  # noqa: F401

MONTH = dt.date(2026, 1, 1)
FEB = dt.date(2026, 2, 1)


def test_the_indicators_follow_the_definition_on_hand_made_rows():
    snapshot = Snapshot([
        ("requests_sla", "road", "on_time", MONTH, 3, None, ""),
        ("requests_sla", "road", "late", MONTH, 1, None, ""),
        ("requests_sla", "flood", "on_time", FEB, 1, None, ""),
        ("requests_sla", "flood", "late", FEB, 1, None, ""),
        ("requests_open", "*", "*", None, 8, None, ""),
        ("requests_open", "*", "overdue", None, 3, None, ""),
    ])
    assert INDICATORS["sla_compliance"].compute(snapshot).value == 66.7  # 4 on time of 6
    assert INDICATORS["overdue_rate"].compute(snapshot).value == 37.5  # 3 of 8
    empty = Snapshot([("requests_open", "*", "*", None, 0, None, "")])
    assert INDICATORS["sla_compliance"].compute(empty).value is None  # not published: no data
    assert INDICATORS["overdue_rate"].compute(empty).value is None  # nothing open: no rate


def test_dashboard_api_and_snapshot_give_the_same_rates(sla_town, kantang):
    from accounts.models import User
    from accounts.tokens import api_token_create

    with schema_context("kantang"):
        token = api_token_create(user=User.objects.get(username="executive"), name="test")[1]
    national_snapshot_publish(municipality=kantang)
    rows = IndicatorValue.objects.filter(municipality=kantang, snapshot_date=timezone.localdate())
    snapshot = Snapshot(rows.values_list("figure", "key1", "key2", "month", "value", "amount", "suppression"))
    national = (INDICATORS["sla_compliance"].compute(snapshot).value,
                INDICATORS["overdue_rate"].compute(snapshot).value)
    with schema_context("kantang"):
        figures = request_aggregates(Filters())  # the whole municipality, 12 months
    dashboard = (figures["sla_rate"], figures["overdue_rate"])
    body = call("kantang", "GET", "/api/v1/service-requests/summary/", token).json()
    api = (body["sla_compliance_rate"], body["overdue_rate"])
    assert dashboard == api == national
    assert None not in national  # the demo town and the fixture have resolved and open requests
    # The published rows hold what the rate is made of: no more than counts per category and month.
    assert set(rows.filter(figure="requests_sla").values_list("key2", flat=True)) <= {"on_time", "late"}
