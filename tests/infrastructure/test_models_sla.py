"""SLA targets: defaults, stored rules, due times, overdue and late."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from infrastructure.models import (
    DEFAULT_SLA_HOURS,
    Priority,
    RequestCategory,
    ServiceRequest,
    SlaRule,
    sla_due_at,
    sla_hours,
)
from infrastructure.selectors import sla_table

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.get_fixed_timezone(7 * 60))


def test_every_category_and_priority_has_a_default():
    assert len(DEFAULT_SLA_HOURS) == len(RequestCategory) * len(Priority)
    assert all(hours >= 1 for hours in DEFAULT_SLA_HOURS.values())
    assert DEFAULT_SLA_HOURS[("flood", "urgent")] <= 24
    assert DEFAULT_SLA_HOURS[("power_line", "urgent")] <= DEFAULT_SLA_HOURS[("road", "urgent")]
    assert DEFAULT_SLA_HOURS[("road", "low")] <= 30 * 24


def test_due_time_uses_the_default_in_calendar_hours(in_kantang):
    SlaRule.objects.filter(category="road", priority="normal").delete()

    assert sla_due_at(T0, "road", "normal") == T0 + timedelta(hours=DEFAULT_SLA_HOURS[("road", "normal")])


def test_a_stored_rule_overrides_the_default(in_kantang):
    SlaRule.objects.update_or_create(category="road", priority="normal", defaults={"hours": 5})

    assert sla_hours("road", "normal") == 5
    assert sla_due_at(T0, "road", "normal") == T0 + timedelta(hours=5)
    assert sla_table()["road"]["normal"] == 5
    assert sla_table()["road"]["low"] == DEFAULT_SLA_HOURS[("road", "low")]


def test_the_sla_table_covers_every_pair(in_kantang):
    table = sla_table()

    assert set(table) == set(RequestCategory.values)
    assert all(set(row) == set(Priority.values) for row in table.values())


def _request(**kwargs) -> ServiceRequest:
    defaults = {"status": "received", "due_at": T0 + timedelta(hours=24), "received_at": T0}
    return ServiceRequest(**{**defaults, **kwargs})


def test_an_open_request_past_its_due_time_is_overdue():
    request = _request()

    assert not request.is_overdue(now=T0 + timedelta(hours=23))
    assert request.is_overdue(now=T0 + timedelta(hours=25))
    assert request.time_left(now=T0 + timedelta(hours=20)) == timedelta(hours=4)
    assert request.time_left(now=T0 + timedelta(hours=30)) == timedelta(hours=-6)


@pytest.mark.parametrize("status", ["resolved", "closed", "rejected", "duplicate"])
def test_a_finished_request_is_never_overdue(status):
    request = _request(status=status)

    assert not request.is_open
    assert not request.is_overdue(now=T0 + timedelta(days=90))
    assert request.time_left(now=T0) is None


def test_resolved_late_compares_with_the_due_time():
    assert _request(status="resolved", resolved_at=T0 + timedelta(hours=30)).resolved_late
    assert not _request(status="resolved", resolved_at=T0 + timedelta(hours=2)).resolved_late
    assert not _request().resolved_late
