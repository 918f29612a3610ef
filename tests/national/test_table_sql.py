"""The comparison table pages, sorts and filters in SQL over the stored latest results (issue 17):
the same rows in the same order as the former computation in Python from the snapshot rows."""

import datetime as dt
import random
from collections import defaultdict

import pytest
from django.db.models import Max
from django.utils import timezone

from national.figures import ALL
from national.indicators import INDICATORS, Result, Snapshot, figures_of, sort_value
from national.models import IndicatorValue
from national.selectors import comparison_entry, comparison_rows, municipalities
from national.services import national_latest_rebuild
from tenants.models import Municipality

from ..helpers import host_client, login

TODAY = dt.date(2026, 12, 1)
MONTH = dt.date(2026, 11, 1)


def python_comparison(*, search="", province_code="", sort="name", descending=False) -> list[dict]:
    """What national.selectors.comparison and views._sorted_rows computed before the results were
    stored: every municipality's latest rows read and every indicator computed per request."""
    indicators = list(INDICATORS.values())
    chosen = municipalities(search=search, province_code=province_code)
    latest = dict(IndicatorValue.objects.order_by().values_list("municipality_id")
                  .annotate(latest=Max("snapshot_date")))
    grouped = defaultdict(list)
    rows = IndicatorValue.objects.filter(figure__in=figures_of(indicators),
                                         snapshot_date__in=set(latest.values()))
    for pk, day, *cell in rows.values_list("municipality_id", "snapshot_date", "figure", "key1", "key2",
                                           "month", "value", "amount", "suppression"):
        if latest[pk] == day:
            grouped[pk].append(cell)
    result = []
    for m in chosen:
        snapshot = Snapshot(grouped[m.pk]) if m.pk in grouped else None
        result.append({"m": m, "date": latest[m.pk] if snapshot else None,
                       "results": {i.key: i.compute(snapshot) if snapshot else Result(None, i.unit)
                                   for i in indicators}})
    if sort in INDICATORS:
        numbers = [r for r in result if r["results"][sort].value is not None]
        others = [r for r in result if r["results"][sort].value is None]
        numbers.sort(key=lambda r: sort_value(r["results"][sort]), reverse=descending)
        others.sort(key=lambda r: sort_value(r["results"][sort]))
        return numbers + others
    result.sort(key=lambda r: r["m"].name_th, reverse=descending)
    return result


def _count(rng, *, people: bool):
    """(value, suppression): often 0, sometimes small (hidden when it counts people), ties on purpose."""
    value = rng.choice([0, 2, 3, 7, 7, 12, 40, 40, 150])
    if people and rng.random() < 0.15:
        return None, rng.choice(["small", "complementary"])
    return value, ""


def _snapshot_rows(rng, municipality, day) -> list[IndicatorValue]:
    now = timezone.now()
    cells = []

    def add(figure, key1, key2="", month=None, *, people=False, amount=None):
        value, suppression = _count(rng, people=people)
        cells.append(IndicatorValue(
            municipality=municipality, snapshot_date=day, figure=figure, key1=key1, key2=key2, month=month,
            value=value, amount=amount, suppressed=bool(suppression), suppression=suppression,
            published_at=now))

    add("assets", ALL, ALL)
    add("assets", ALL, "poor")
    if rng.random() < 0.7:
        add("assets", ALL, "out_of_service")
    add("road_length", ALL, "", amount=rng.choice([0.0, 1500.0, 2500.5, 2500.5]))
    add("requests_open", ALL, ALL)
    add("requests_open", ALL, "overdue")
    for bucket in rng.sample(["4", "24", "72", "240"], rng.randint(0, 3)):
        add("resolve_time", bucket, "", MONTH, amount=10.0)
    add("population", ALL, ALL, people=True)
    add("elderly_adl", ALL, people=True)
    add("bedridden", ALL, people=True)
    add("bedridden", "visited", people=True)
    if rng.random() < 0.8:  # a figure not published at all: its indicators are missing, not 0
        add("screening", ALL, people=True)
        add("screening", "screened", people=True)
    add("disabled", ALL, people=True)
    return cells


@pytest.fixture
def country(db):
    """60 municipalities of provinces 90 and 91 (rows only); most published twice, some once with
    an older date, some never; one test and one archived municipality that published too."""
    rng = random.Random(17)
    made = Municipality.objects.bulk_create([
        Municipality(schema_name=f"sql_{n:02}", name_th=f"เทศบาลตำบลเทียบ{n % 23:02}",  # repeated names: ties
                     name_en=f"Compare {n:02}", kind="subdistrict", province_code="90" if n % 3 else "91",
                     subdistrict_code=f"{'90' if n % 3 else '91'}01{n:02}",
                     is_test=n == 58, archived_at=timezone.now() if n == 59 else None)
        for n in range(60)])
    rows = []
    for n, municipality in enumerate(made):
        if n % 10 == 4:
            continue  # never published
        days = [TODAY - dt.timedelta(days=1), TODAY] if n % 7 else [TODAY - dt.timedelta(days=5)]
        for day in days:
            rows.extend(_snapshot_rows(rng, municipality, day))
    IndicatorValue.objects.bulk_create(rows)
    national_latest_rebuild()
    return made


def _shown(entries) -> list[tuple]:
    return [(r["m"].schema_name, r["date"], r["results"]) for r in entries]


SORTS = ["name", *INDICATORS]
FILTERS = [{}, {"search": "Compare 1"}, {"province_code": "91"}, {"search": "เทียบ0", "province_code": "90"}]


@pytest.mark.parametrize("sort", SORTS)
def test_it_sorts_like_the_python_computation(country, sort):
    indicators = list(INDICATORS.values())
    for descending in (False, True):
        for filters in FILTERS:
            in_sql = [comparison_entry(m, indicators=indicators)
                      for m in comparison_rows(sort=sort, descending=descending, **filters)]
            expected = python_comparison(sort=sort, descending=descending, **filters)
            assert _shown(in_sql) == _shown(expected), (sort, descending, filters)


def test_the_fixture_has_what_the_order_must_handle(country):
    """Hidden values, missing ones and ties in one column, and municipalities that never published."""
    results = [r["results"]["persons"] for r in python_comparison()]
    assert any(r.hidden for r in results) and any(r.value is None and not r.hidden for r in results)
    values = [r.value for r in results if r.value is not None]
    assert len(values) > len(set(values))
    assert any(r["date"] is None for r in python_comparison())


def test_a_late_page_of_the_table_is_the_same_slice(country):
    client = login(host_client("localhost"), "public", "platform")
    expected = python_comparison(sort="assets_alert", descending=True)  # 58 counted + the two pilots

    second = client.get("/national/?sort=assets_alert&dir=desc&page=2")

    assert second.status_code == 200
    assert _shown(second.context["rows"]) == _shown(expected[50:])
    assert second.context["page"].paginator.count == len(expected)


def test_the_csv_lists_every_row_in_the_table_order(country):
    client = login(host_client("localhost"), "public", "platform")
    expected = python_comparison(sort="persons", province_code="90")

    response = client.get("/national/indicators.csv?sort=persons&province=90")
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()

    names = [line.split(",")[0] for line in lines[1:]]
    assert names == [r["m"].name_th for r in expected]
