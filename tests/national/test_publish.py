"""Publishing a municipality's snapshot: hand-computed values on a tiny set of aggregates."""

import datetime as dt

import pytest
from django.utils import timezone

from national.models import IndicatorValue
from national.services import national_snapshot_publish

from .conftest import MONTH, load_tiny_aggregates


def stored(municipality, day=None):
    day = day or timezone.localdate()
    return {(r.figure, r.key1, r.key2, r.month): r
            for r in IndicatorValue.objects.filter(municipality=municipality, snapshot_date=day)}


def test_it_stores_the_snapshot_summed_over_communities(tiny_kantang):
    count = national_snapshot_publish(municipality=tiny_kantang)

    rows = stored(tiny_kantang)
    # 35: the figures' rows and totals, with the ltc_cases total (0 here: no LTC case in the tiny set).
    assert count == len(rows) == 35
    assert rows[("disabled", "physical", "", None)].value == 12
    assert rows[("disabled", "*", "", None)].value == 12
    assert rows[("assets", "road", "good", None)].value == 3
    assert rows[("assets", "*", "poor", None)].value == 1
    assert rows[("assets", "*", "*", None)].value == 4
    assert rows[("requests_opened", "flood", "", MONTH)].value == 6
    assert rows[("resolve_time", "72", "", MONTH)].amount == 150.0
    assert rows[("road_length", "*", "", None)].value == 3
    assert rows[("road_length", "*", "", None)].amount == 2000.5
    # a figure with nothing to count publishes a total of 0, and 0 is not suppressed
    assert rows[("screening", "*", "", None)].value == 0
    assert not rows[("screening", "*", "", None)].suppressed


def test_a_count_of_3_people_is_stored_as_null_and_suppressed(tiny_kantang):
    national_snapshot_publish(municipality=tiny_kantang)

    not_visited = stored(tiny_kantang)[("bedridden", "not_visited", "", None)]
    assert not_visited.value is None and not_visited.suppressed and not_visited.suppression == "small"
    # the sum of 1 + 1 bedbound elderly from two communities is 2: suppressed too
    bedbound = stored(tiny_kantang)[("elderly_adl", "bedbound", "", None)]
    assert bedbound.value is None and bedbound.suppression == "small"


def test_small_counts_of_things_are_not_suppressed(tiny_kantang):
    national_snapshot_publish(municipality=tiny_kantang)

    rows = stored(tiny_kantang)
    assert rows[("assets", "drain", "poor", None)].value == 1
    assert rows[("requests_open", "flood", "overdue", None)].value == 1
    things = {"assets", "requests_open", "road_length"}
    assert not any(r.suppressed for r in rows.values() if r.figure in things)


def test_the_next_smallest_cell_is_hidden_so_a_small_one_cannot_be_subtracted_back(tiny_kantang):
    national_snapshot_publish(municipality=tiny_kantang)

    rows = stored(tiny_kantang)
    # total 10 stays; 10 − 7 would give the 3 back, so 7 is hidden as well
    assert rows[("bedridden", "*", "", None)].value == 10
    assert rows[("bedridden", "visited", "", None)].value is None
    assert rows[("bedridden", "visited", "", None)].suppression == "complementary"
    # elderly: social 20, homebound 6, bedbound 2 → homebound (the smallest other) hidden
    assert rows[("elderly_adl", "*", "", None)].value == 28
    assert rows[("elderly_adl", "social", "", None)].value == 20
    assert rows[("elderly_adl", "homebound", "", None)].suppression == "complementary"
    # women 30–34 (2) → women 60–64 hidden; the elderly total (28) = both 60–64 cells → men 60–64
    # hidden; then men's margin (24) → men 30–34 hidden. Margins and the total stay.
    for key in (("population", "M", "30", None), ("population", "M", "60", None),
                ("population", "F", "60", None)):
        assert rows[key].suppression == "complementary", key
    assert rows[("population", "F", "30", None)].suppression == "small"
    assert [rows[("population", k1, "*", None)].value for k1 in ("M", "F")] == [24, 16]
    assert rows[("population", "*", "*", None)].value == 40


def test_every_published_total_still_has_zero_or_at_least_two_hidden_numbers(tiny_kantang):
    national_snapshot_publish(municipality=tiny_kantang)
    rows = stored(tiny_kantang)

    hidden = {key for key, row in rows.items() if row.suppressed}
    for figure, parts in (("bedridden", ["visited", "not_visited"]),
                          ("elderly_adl", ["social", "homebound", "bedbound"])):
        n = len(hidden & {(figure, k, "", None) for k in parts})
        assert n != 1, figure


def test_free_text_keys_and_the_hotspot_grid_stay_out(tiny_kantang):
    national_snapshot_publish(municipality=tiny_kantang)

    rows = stored(tiny_kantang)
    assert rows[("road_length", "other", "", None)].amount == 1200.5
    assert not any("สมชาย" in r.key1 for r in rows.values())
    assert not any(r.figure == "request_cells" for r in rows.values())


def test_publishing_again_the_same_day_replaces_the_rows(tiny_kantang):
    first = national_snapshot_publish(municipality=tiny_kantang)
    first_ids = set(IndicatorValue.objects.filter(municipality=tiny_kantang).values_list("id", flat=True))
    second = national_snapshot_publish(municipality=tiny_kantang)

    rows = IndicatorValue.objects.filter(municipality=tiny_kantang, snapshot_date=timezone.localdate())
    assert first == second == rows.count()
    assert not first_ids & set(rows.values_list("id", flat=True))


def test_each_day_keeps_its_own_snapshot(tiny_kantang):
    yesterday = timezone.now() - dt.timedelta(days=1)
    load_tiny_aggregates(now=yesterday)
    national_snapshot_publish(municipality=tiny_kantang, now=yesterday)
    national_snapshot_publish(municipality=tiny_kantang)

    dates = set(IndicatorValue.objects.filter(municipality=tiny_kantang)
                .values_list("snapshot_date", flat=True))
    assert dates == {timezone.localdate(yesterday), timezone.localdate()}


def test_stale_aggregates_are_recomputed_before_publishing(kantang):
    from django_tenants.utils import schema_context

    from dashboards.models import RefreshState

    load_tiny_aggregates(now=timezone.now() - dt.timedelta(days=2))
    national_snapshot_publish(municipality=kantang)

    with schema_context("kantang"):
        recent = timezone.now() - dt.timedelta(hours=1)
        assert all(s.refreshed_at > recent for s in RefreshState.objects.all())
    # the seeded data's figures, not the tiny set: the free-text surface is gone
    assert ("road_length", "other", "", None) not in stored(kantang)


def test_the_platform_itself_publishes_nothing(db):
    from national.services import NationalSnapshotError
    from tenants.models import Municipality

    with pytest.raises(NationalSnapshotError):
        national_snapshot_publish(municipality=Municipality.objects.get(schema_name="public"))
