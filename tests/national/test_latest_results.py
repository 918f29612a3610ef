"""Each municipality's latest results, stored for the comparison table (issue 17): written on every
publish, never stale after a snapshot is deleted, the municipality out of the table while archived,
and suppression carried over as the snapshot has it."""

import datetime as dt
import importlib

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tenants.utils import schema_context

from dashboards.models import Aggregate
from national.indicators import INDICATORS, PERCENT, Result, Snapshot, results_read
from national.models import IndicatorValue, LatestResults
from national.selectors import comparison_entry, comparison_rows
from national.services import national_latest_rebuild, national_snapshot_delete, national_snapshot_publish
from national.suppression import COMPLEMENTARY
from tenants.models import Municipality
from tenants.services.console_audit import Actor
from tenants.services.lifecycle import municipality_archive, municipality_unarchive

from ..helpers import host_client, login
from .conftest import load_tiny_aggregates

INDICATOR_LIST = list(INDICATORS.values())
ACTOR = Actor(username="platform", name="Platform")


def computed_from_rows(municipality, day):
    """The indicators as computed from the stored snapshot rows of that day."""
    cells = IndicatorValue.objects.filter(municipality=municipality, snapshot_date=day).values_list(
        "figure", "key1", "key2", "month", "value", "amount", "suppression")
    snapshot = Snapshot(cells)
    return {i.key: i.compute(snapshot) for i in INDICATOR_LIST}


def stored(municipality):
    latest = LatestResults.objects.filter(municipality=municipality).first()
    return (latest.snapshot_date, results_read(latest.results, INDICATOR_LIST)) if latest else None


def table_schemas(**filters):
    return [m.schema_name for m in comparison_rows(**filters)]


@pytest.fixture
def two_days(tiny_kantang):
    """kantang published yesterday with 2 more disabled persons, and today."""
    yesterday = timezone.now() - dt.timedelta(days=1)
    load_tiny_aggregates(now=yesterday)
    with schema_context("kantang"):
        Aggregate.objects.filter(figure="disabled").update(count=14)
    national_snapshot_publish(municipality=tiny_kantang, now=yesterday)
    load_tiny_aggregates()
    national_snapshot_publish(municipality=tiny_kantang)
    return timezone.localdate(yesterday), timezone.localdate()


def test_it_stores_the_latest_results_when_it_publishes(tiny_kantang):
    assert stored(tiny_kantang) is None

    national_snapshot_publish(municipality=tiny_kantang)

    today = timezone.localdate()
    assert stored(tiny_kantang) == (today, computed_from_rows(tiny_kantang, today))
    assert stored(tiny_kantang)[1]["disabled"].value == 12


def test_publishing_again_replaces_them(two_days):
    yesterday, today = two_days
    kantang = Municipality.objects.get(schema_name="kantang")

    assert stored(kantang)[0] == today and stored(kantang)[1]["disabled"].value == 12
    assert computed_from_rows(kantang, yesterday)["disabled"].value == 14


def test_suppression_is_stored_as_the_snapshot_has_it(tiny_kantang):
    national_snapshot_publish(municipality=tiny_kantang)
    client = login(host_client("localhost"), "public", "platform")

    results = stored(tiny_kantang)[1]
    row = next(r for r in client.get("/national/").context["rows"] if r["m"].schema_name == "kantang")

    # bedridden: 7 visited hidden (complementary) beside 3 not visited (small): the share is hidden
    assert results["bedridden_visited"] == Result(None, PERCENT, COMPLEMENTARY)
    assert results["bedridden"].value == 10 and results["elderly"].value == 28  # totals are published
    assert row["results"] == results
    shown = row["cells"][list(INDICATORS).index("bedridden_visited")]
    assert shown.hidden and shown.note == Result(None, PERCENT, COMPLEMENTARY).note


def test_withdrawing_todays_snapshot_falls_back_to_yesterdays(two_days):
    yesterday, today = two_days
    kantang = Municipality.objects.get(schema_name="kantang")

    national_snapshot_delete(municipality=kantang, day=today)

    assert stored(kantang) == (yesterday, computed_from_rows(kantang, yesterday))
    assert comparison_entry(comparison_rows(search="kantang").get(), indicators=INDICATOR_LIST)[
        "results"]["disabled"].value == 14


def test_rows_deleted_any_other_way_take_the_stored_results_with_them(two_days):
    yesterday, today = two_days
    kantang = Municipality.objects.get(schema_name="kantang")

    IndicatorValue.objects.filter(municipality=kantang, snapshot_date=yesterday).delete()
    assert stored(kantang)[0] == today  # an older day: the latest stays

    with schema_context("kantang"):  # a tenant's search path: the trigger still finds public's table
        IndicatorValue.objects.filter(municipality=kantang, snapshot_date=today).delete()
    entry = comparison_entry(comparison_rows(search="kantang").get(), indicators=INDICATOR_LIST)
    assert stored(kantang) is None
    assert entry["date"] is None and entry["results"]["disabled"].value is None  # "not published"


def test_a_rebuild_recomputes_every_one_from_the_rows(two_days, nueaklong):
    yesterday, today = two_days
    kantang = Municipality.objects.get(schema_name="kantang")
    national_snapshot_publish(municipality=nueaklong)
    LatestResults.objects.filter(municipality=kantang).update(results={}, snapshot_date=yesterday)

    assert national_latest_rebuild() == 2

    assert stored(kantang) == (today, computed_from_rows(kantang, today))
    assert stored(nueaklong) == (today, computed_from_rows(nueaklong, today))


def test_an_archived_municipality_leaves_the_table_and_comes_back_as_it_was(tiny_kantang):
    national_snapshot_publish(municipality=tiny_kantang)
    before = stored(tiny_kantang)

    municipality_archive(municipality=tiny_kantang, actor=ACTOR)
    assert "kantang" not in table_schemas() and "kantang" not in table_schemas(sort="persons")

    municipality_unarchive(municipality=tiny_kantang, actor=ACTOR)
    assert "kantang" in table_schemas(sort="persons") and stored(tiny_kantang) == before


def test_a_test_municipality_is_not_in_the_table(tiny_kantang):
    national_snapshot_publish(municipality=tiny_kantang)
    Municipality.objects.filter(pk=tiny_kantang.pk).update(is_test=True)

    assert "kantang" not in table_schemas(sort="disabled", descending=True)


def test_the_command_recomputes_them_without_publishing(tiny_kantang, capsys):
    national_snapshot_publish(municipality=tiny_kantang)
    LatestResults.objects.filter(municipality=tiny_kantang).update(results={})
    rows = IndicatorValue.objects.count()

    call_command("publish_national_indicators", "--latest-only")

    assert "municipalities=1" in capsys.readouterr().out
    assert IndicatorValue.objects.count() == rows
    assert stored(tiny_kantang)[1] == computed_from_rows(tiny_kantang, timezone.localdate())


def test_the_migration_computes_them_for_what_was_published_before(tiny_kantang):
    from django.apps import apps

    migration = importlib.import_module("national.migrations.0002_latest_results")
    national_snapshot_publish(municipality=tiny_kantang)
    LatestResults.objects.all().delete()  # as before the table existed

    migration.compute_published(apps, None)

    today = timezone.localdate()
    assert stored(tiny_kantang) == (today, computed_from_rows(tiny_kantang, today))
