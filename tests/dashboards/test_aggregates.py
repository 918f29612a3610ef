"""Each indicator against the hand-computed value of the fixture town (conftest.py), read from
the aggregate tables through the community filter."""

import pytest

from dashboards.aggregates import (
    Filters,
    asset_aggregates,
    health_aggregates,
    histogram_median,
    hotspot_cells,
    request_aggregates,
    road_aggregates,
)

from .conftest import COMMUNITY


def all_year() -> Filters:
    return Filters(community=COMMUNITY, months=12)


def test_it_counts_assets_by_type_and_condition_without_retired_ones(refreshed):
    figures = asset_aggregates(all_year())
    assert figures["total"] == 4
    types = {t["value"]: t["by_condition"] for t in figures["types"]}
    assert types["road"] == {"good": 1, "fair": 0, "poor": 1, "out_of_service": 0}
    assert types["drain"]["poor"] == 1
    assert types["streetlight"] == {"good": 0, "fair": 0, "poor": 0, "out_of_service": 1}
    # poor (road, drain) + out of service (light) = 3 of 4
    assert figures["alert"] == 3
    assert figures["alert_percent"] == 75.0


def test_it_sums_road_length_by_surface_on_the_spheroid(refreshed):
    roads = {s["value"]: s for s in road_aggregates(all_year())["surfaces"]}
    assert roads["asphalt"]["metres"] == pytest.approx(1105.9, abs=1)
    assert roads["concrete"]["metres"] == pytest.approx(553.0, abs=1)
    assert roads["asphalt"]["count"] == roads["concrete"]["count"] == 1


def test_it_counts_requests_opened_and_closed_per_month(refreshed):
    figures = request_aggregates(all_year(), today=refreshed.today)
    by_month = {m["month"]: (m["opened"], m["closed"]) for m in figures["months"]}
    assert len(by_month) == 12
    month = {r: refreshed.requests.__dict__[r].received_at.astimezone().date().replace(day=1)
             for r in ("r1", "r2", "r3")}
    # month 1 back: r1 (resolved), r4 (open), r6 (rejected); 2 back: r2 (closed), r5; 4 back: r3
    assert by_month[month["r1"]] == (3, 1)
    assert by_month[month["r2"]] == (2, 1)
    assert by_month[month["r3"]] == (1, 1)
    assert figures["opened"] == 6 and figures["closed"] == 3


def test_the_period_filter_keeps_only_the_last_months(refreshed):
    figures = request_aggregates(Filters(community=COMMUNITY, months=3), today=refreshed.today)
    assert len(figures["months"]) == 3
    assert figures["opened"] == 5  # r3 is 4 months back
    assert figures["closed"] == 2
    assert figures["median_hours"] == 15  # 10 h and 20 h


def test_it_computes_the_median_time_to_resolve(refreshed):
    figures = request_aggregates(all_year(), today=refreshed.today)
    assert figures["resolved"] == 3
    assert figures["median_hours"] == 20  # 10, 20, 30 hours


def test_it_counts_open_and_overdue_requests_by_category(refreshed):
    figures = request_aggregates(all_year(), today=refreshed.today)
    categories = {c["value"]: c for c in figures["categories"]}
    assert (categories["flood"]["open"], categories["flood"]["overdue"]) == (1, 1)
    # r5 has no asset: it takes the community of the nearest asset (the drain, 40 m away)
    assert (categories["drain"]["open"], categories["drain"]["overdue"]) == (1, 0)
    assert (figures["open"], figures["overdue"]) == (2, 1)


def test_the_hotspot_map_counts_requests_per_cell(refreshed):
    cells = hotspot_cells(all_year(), today=refreshed.today)
    assert sum(c["count"] for c in cells) == 6
    assert cells[0]["count"] >= cells[-1]["count"]
    (south, west), (north, east) = cells[0]["bounds"]
    assert south < north and west < east


def test_histogram_median():
    assert histogram_median({}) is None
    assert histogram_median({10: 1, 20: 1, 30: 1}) == 20
    assert histogram_median({10: 3, 40: 1}) == 10
    assert histogram_median({10: 1, 30: 1}) == 20


def test_it_builds_the_population_pyramid(refreshed):
    health = health_aggregates(all_year())
    assert health["population"] == 5  # the deceased person is not counted
    assert (health["male"], health["female"]) == (2, 3)
    bands = {b["band"]: (b["male"], b["female"]) for b in health["bands"]}
    assert bands[80] == (0, 1)  # 82
    assert bands[40] == (1, 0)
    assert bands[65] == (1, 0)
    assert bands[0] == (0, 1)
    assert bands[70] == (0, 1)
    assert sum(m + f for m, f in bands.values()) == 5


def test_it_counts_elderly_by_current_adl_group(refreshed):
    health = health_aggregates(all_year())
    groups = {g["value"]: g["count"] for g in health["adl_groups"]}
    assert health["elderly"] == 3
    assert groups == {"social": 0, "homebound": 1, "bedbound": 2, "none": 0}


def test_it_counts_bedridden_and_those_visited_in_30_days(refreshed):
    health = health_aggregates(all_year())
    assert health["bedridden"] == 2
    assert health["bedridden_visited"] == 1  # 10 days ago; the other one 45 days ago
    assert health["bedridden_visited_percent"] == 50.0


def test_it_counts_ncd_colours_of_dm_and_ht_patients(refreshed):
    ncd = {dx["value"]: {c["value"]: c["count"] for c in dx["colours"]}
           for dx in health_aggregates(all_year())["ncd"]}
    assert ncd["DM"]["yellow"] == 1 and sum(ncd["DM"].values()) == 1  # the latest screening counts
    assert ncd["HT"]["red"] == 1 and sum(ncd["HT"].values()) == 1


def test_it_computes_screening_coverage_of_adults_35_plus(refreshed):
    health = health_aggregates(all_year())
    assert health["adults"] == 4  # 82, 40, 65, 70
    assert health["screened"] == 1  # only the 40-year-old within 12 months
    assert health["screened_percent"] == 25.0


def test_it_counts_living_persons_with_disabilities(refreshed):
    health = health_aggregates(all_year())
    assert health["disabled"] == 1
    assert [(d["value"], d["count"]) for d in health["disability_types"]] == [("physical", 1)]


def test_the_aggregates_hold_no_personal_data(refreshed):
    from dashboards.models import Aggregate

    texts = set()
    for row in Aggregate.objects.values("community", "key1", "key2"):
        texts.update(row.values())
    forbidden = {refreshed.p1.first_name, refreshed.p1.last_name, refreshed.near.house_no,
                 refreshed.near.house_id, refreshed.requests.r1.tracking_code}
    assert not texts & forbidden
