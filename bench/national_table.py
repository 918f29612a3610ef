"""The national comparison table and the console's list of municipalities at N municipalities
(default 7,850: every Thai local government), measured without provisioning N schemas.

Both pages read the public schema only (the console its MunicipalityStats rows, the national table
each municipality's stored latest results), so N municipality rows, their hosts, their console
figures and BENCH_TABLE_DAYS days (default 60) of published national snapshots are inserted
directly: `bulk_create` does not run TenantMixin.save(), so no schema is created. Names and codes
come from the DOPA gazetteer (an SAO per subdistrict outside Bangkok, then PAOs and district towns,
as bench/national_scale fills). Each page's p95 is compared with the same page at N0 = 20 measured
at the start of the same run.
"""

import datetime as dt
import os
import random

from django.db import connection
from django.db.models import Max
from django.test import Client
from django.utils import timezone

from bench.harness import Report, Row, fmt_ratio, fmt_time, median, p95, timed
from bench.national_scale.fill import gazetteer_load
from bench.national_scale.measures import console_client
from national.indicators import INDICATORS, Snapshot, figures_of, sort_value
from national.models import IndicatorValue, LatestResults
from national.selectors import municipalities
from national.services import national_latest_rebuild, national_latest_refresh
from tenants.models import District, Domain, Municipality, MunicipalityStats, Province, Subdistrict
from tenants.services.naming import domain_for_schema

N = int(os.environ.get("BENCH_TABLE_N") or os.environ.get("BENCH_NATIONAL_N") or 7850)
N0 = 20
DAYS = int(os.environ.get("BENCH_TABLE_DAYS") or 60)
ROUNDS = 30          # timed requests a page, after two untimed ones
FORMER_ROUNDS = 3    # the former per-request computation is slow at N: a few rounds
REFRESHES = 20       # one municipality's latest results recomputed, as each publish does
PAGE_TARGET_S = 0.3
CHUNK = 1000

# (figure, key1, key2, monthly, amount, persons, scale): what a municipality's snapshot publishes
# of the figures the indicators read, plus a few margins; values drawn below `scale`.
CELLS = [
    ("assets", "*", "*", False, False, False, 3000),
    ("assets", "*", "good", False, False, False, 2000),
    ("assets", "*", "poor", False, False, False, 300),
    ("assets", "*", "out_of_service", False, False, False, 80),
    ("assets", "road", "*", False, False, False, 900),
    ("road_length", "*", "", False, True, False, 400),
    ("requests_open", "*", "*", False, False, False, 60),
    ("requests_open", "*", "overdue", False, False, False, 20),
    ("requests_open", "*", "on_time", False, False, False, 40),
    ("requests_opened", "flood", "", True, False, False, 30),
    ("resolve_time", "4", "", True, True, False, 12),
    ("resolve_time", "24", "", True, True, False, 30),
    ("resolve_time", "72", "", True, True, False, 20),
    ("resolve_time", "240", "", True, True, False, 6),
    ("requests_sla", "flood", "on_time", True, False, False, 30),
    ("requests_sla", "flood", "late", True, False, False, 10),
    ("population", "*", "*", False, False, True, 20000),
    ("population", "M", "*", False, False, True, 10000),
    ("population", "F", "*", False, False, True, 10000),
    ("elderly_adl", "*", "", False, False, True, 3000),
    ("elderly_adl", "bedbound", "", False, False, True, 40),
    ("bedridden", "*", "", False, False, True, 60),
    ("bedridden", "visited", "", False, False, True, 40),
    ("screening", "*", "", False, False, True, 8000),
    ("screening", "screened", "", False, False, True, 5000),
    ("disabled", "*", "", False, False, True, 400),
]

# One day of snapshots for a set of municipalities, drawn from a hash so a run is repeatable: 1 in
# 25 municipalities never published, 1 in 20 days skipped by each, counts of 1-4 people suppressed.
SNAPSHOTS_SQL = """
WITH cells(figure, key1, key2, monthly, has_amount, persons, scale) AS (
    SELECT * FROM unnest(%(figure)s::text[], %(key1)s::text[], %(key2)s::text[], %(monthly)s::bool[],
                         %(amount)s::bool[], %(persons)s::bool[], %(scale)s::int[])),
days AS (SELECT (%(last)s::date - g)::date AS day FROM generate_series(0, %(days)s - 1) AS g),
drawn AS (
    SELECT m.id AS municipality_id, d.day, c.figure, c.key1, c.key2, c.monthly, c.has_amount, c.persons,
           abs(hashtext(m.id || ':' || d.day || ':' || c.figure || c.key1 || c.key2)::bigint) %% c.scale AS n
    FROM tenants_municipality AS m
    JOIN days AS d ON abs(hashtext(m.id || '@' || d.day)::bigint) %% 20 <> 0
    CROSS JOIN cells AS c
    WHERE m.id = ANY(%(ids)s) AND abs(hashtext(m.id::text)::bigint) %% 25 <> 0)
INSERT INTO national_indicatorvalue (municipality_id, snapshot_date, figure, key1, key2, month, value,
                                     amount, suppressed, suppression, published_at)
SELECT municipality_id, day, figure, key1, key2,
       CASE WHEN monthly THEN date_trunc('month', day)::date END,
       CASE WHEN persons AND n BETWEEN 1 AND 4 THEN NULL ELSE n END,
       CASE WHEN has_amount THEN n * 41.5 END,
       persons AND n BETWEEN 1 AND 4,
       CASE WHEN persons AND n BETWEEN 1 AND 4 THEN 'small' ELSE '' END,
       day + time '02:00'
FROM drawn
"""


def run(report: Report) -> None:
    gazetteer_load(report)
    today = timezone.localdate()
    rng = random.Random(17)
    candidates = _candidates()
    report.progress(f"baseline: {N0} municipalities (rows only), {DAYS} days of snapshots")
    _fill(report, candidates, N0, rng=rng, today=today)
    client = console_client()
    base = _measure(report, client)
    report.progress(f"filling to N = {N} municipalities (rows only), {DAYS} days of snapshots")
    elapsed, _ = timed(_fill, report, candidates, N, rng=rng, today=today)
    n = Municipality.objects.local_governments().count()
    values = IndicatorValue.objects.count()
    report.add(Row(
        name="national_table.fill",
        figures=f"{n:,} municipalities, {values:,} snapshot rows in {fmt_time(elapsed)}",
        notes=["rows in the public schema only (bulk_create: no schema is created); hosts, console figures "
               f"and {DAYS} days of national snapshots ({len(CELLS)} cells a day); 1 in 100 test, 1 in 100 "
               "archived, 1 in 25 never published"],
    ))
    at_n = _measure(report, client)
    _report(report, base, at_n, n)


# --- filling ----------------------------------------------------------------------------------
def _candidates():
    """Municipality rows as the country has them: SAOs, then PAOs, then district towns."""
    for s in (Subdistrict.objects.exclude(district__province__code="10").order_by("code")
              .only("code", "name_th", "name_en", "centre").iterator()):
        yield Municipality(schema_name=f"tb_sao_{s.code}", name_th=f"องค์การบริหารส่วนตำบล{s.name_th}",
                           name_en=f"{s.name_en} SAO", kind=Municipality.Kind.SAO, province_code=s.code[:2],
                           district_code=s.code[:4], subdistrict_code=s.code, centre=s.centre)
    for p in Province.objects.exclude(code="10").order_by("code"):
        yield Municipality(schema_name=f"tb_pao_{p.code}", name_th=f"องค์การบริหารส่วนจังหวัด{p.name_th}",
                           name_en=f"{p.name_en} PAO", kind=Municipality.Kind.PAO, province_code=p.code)
    for d in District.objects.exclude(province__code="10").order_by("code"):
        place = d.name_th.removeprefix("อำเภอ")
        yield Municipality(schema_name=f"tb_town_{d.code}", name_th=f"เทศบาลเมือง{place}",
                           name_en=f"{d.name_en} Town", kind=Municipality.Kind.TOWN, province_code=d.code[:2],
                           district_code=d.code)


def _fill(report: Report, candidates, n: int, *, rng: random.Random, today: dt.date) -> None:
    """Insert municipality rows (with a host, console figures and snapshots) until there are n."""
    done = Municipality.objects.local_governments().count()
    while done < n:
        batch = []
        for municipality in candidates:
            number = done + len(batch)
            municipality.is_test = number % 100 == 37
            municipality.archived_at = timezone.now() if number % 100 == 73 else None
            batch.append(municipality)
            if len(batch) >= min(CHUNK, n - done):
                break
        if not batch:
            raise RuntimeError(f"the gazetteer gives only {done} municipalities")
        made = Municipality.objects.bulk_create(batch)
        Domain.objects.bulk_create([Domain(domain=domain_for_schema(m.schema_name), tenant=m, is_primary=True)
                                    for m in made])
        MunicipalityStats.objects.bulk_create([MunicipalityStats(
            municipality=m, users=rng.randint(1, 40), active_users=rng.randint(0, 20),
            figures={"assets": rng.randint(0, 5000), "persons": rng.randint(0, 20000)},
            last_login_at=timezone.now(), refreshed_at=timezone.now()) for m in made])
        _snapshots([m.pk for m in made], today=today)
        done += len(made)
        report.progress(f"  {done:,}/{n:,} municipalities")
    report.progress("  the latest results of every municipality, and ANALYZE")
    national_latest_rebuild()
    with connection.cursor() as cursor:
        for table in ("tenants_municipality", "tenants_domain", "tenants_municipalitystats",
                      "national_indicatorvalue", "national_latestresults"):
            cursor.execute(f"ANALYZE {table}")  # constant names: the planner sees the new rows


def _snapshots(ids: list[int], *, today: dt.date) -> None:
    columns = list(zip(*CELLS, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(SNAPSHOTS_SQL, {
            "figure": list(columns[0]), "key1": list(columns[1]), "key2": list(columns[2]),
            "monthly": list(columns[3]), "amount": list(columns[4]), "persons": list(columns[5]),
            "scale": list(columns[6]), "last": today, "days": DAYS, "ids": ids})


# --- measuring --------------------------------------------------------------------------------
def _pages() -> dict[str, str]:
    counted = Municipality.objects.counted_nationally()
    some = counted.order_by("pk")[counted.count() // 2]
    word = some.name_th.removeprefix("องค์การบริหารส่วนตำบล")[:3]
    province = some.province_code
    last = max(1, -(-counted.count() // 50))
    return {
        "national table": "/national/",
        "national sorted (persons, desc)": "/national/?sort=persons&dir=desc",
        "national sorted (screening %)": "/national/?sort=screening",
        "national search": f"/national/?q={word}",
        "national province": f"/national/?province={province}",
        "national province sorted": f"/national/?province={province}&sort=bedridden_visited&dir=desc",
        "national last page": f"/national/?page={last}",
        "national sorted, page 100": "/national/?sort=assets&page=100",
        "console list": "/",
        "console search": f"/?q={word}",
        "console province": f"/?province={province}",
        "console last page": f"/?page={last}",
    }


def _p95(client: Client, url: str) -> float:
    for _ in range(2):
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: {response.status_code}")
    return p95([timed(client.get, url)[0] for _ in range(ROUNDS)])


def _former_comparison() -> int:
    """What the table did per request before the latest results were stored: every municipality's
    latest snapshot rows read, every indicator computed, then sorted in Python (for comparison)."""
    indicators = list(INDICATORS.values())
    latest = dict(IndicatorValue.objects.order_by().values_list("municipality_id")
                  .annotate(latest=Max("snapshot_date")))
    cells: dict[int, list] = {}
    rows = IndicatorValue.objects.filter(figure__in=figures_of(indicators),
                                         snapshot_date__in=set(latest.values()))
    for pk, day, *cell in rows.values_list("municipality_id", "snapshot_date", "figure", "key1", "key2",
                                           "month", "value", "amount", "suppression").iterator():
        if latest[pk] == day:
            cells.setdefault(pk, []).append(cell)
    entries = []
    for m in municipalities():
        snapshot = Snapshot(cells[m.pk]) if m.pk in cells else None
        entries.append((m, {i.key: i.compute(snapshot) for i in indicators} if snapshot else {}))
    entries.sort(key=lambda entry: sort_value(entry[1]["persons"]) if entry[1] else (2, 0))
    return len(entries)


def _measure(report: Report, client: Client) -> dict:
    size = Municipality.objects.local_governments().count()
    report.progress(f"at {size:,}: pages, {ROUNDS} timed requests each")
    pages = {name: _p95(client, url) for name, url in _pages().items()}
    report.progress(f"at {size:,}: CSV, map, latest-results refresh and rebuild, the former computation")
    csv_seconds, _ = timed(lambda: b"".join(client.get("/national/indicators.csv").streaming_content))
    map_seconds, _ = timed(client.get, "/national/map/")
    ids = list(LatestResults.objects.order_by("pk").values_list("municipality_id", flat=True)[:REFRESHES])
    refresh = median([timed(national_latest_refresh, municipality_ids=[pk])[0] for pk in ids])
    rebuild, _ = timed(national_latest_rebuild)
    former = median([timed(_former_comparison)[0] for _ in range(FORMER_ROUNDS)])
    connection.set_schema_to_public()
    return {"size": size, "pages": pages, "csv": csv_seconds, "map": map_seconds, "refresh": refresh,
            "rebuild": rebuild, "former": former}


def _report(report: Report, base: dict, at_n: dict, n: int) -> None:
    for name, seconds in at_n["pages"].items():
        before = base["pages"][name]
        report.add(Row(
            name=f"national_table.{name.replace(' ', '_')}", figures=f"p95 {fmt_time(seconds)}",
            target="p95 ≤ 300 ms", verdict=Report.verdict(seconds <= PAGE_TARGET_S),
            baseline=f"vs at {base['size']} {fmt_time(before)}: {fmt_ratio(seconds, before)}",
            notes=[f"GET {_pages()[name]}"],
        ))
    worst = max(at_n["pages"].values())
    report.add(Row(
        name="national_table.worst_page", figures=f"p95 {fmt_time(worst)} at {n:,}",
        target="p95 ≤ 300 ms", verdict=Report.verdict(worst <= PAGE_TARGET_S),
        baseline=f"vs worst at {base['size']} {fmt_time(max(base['pages'].values()))}: "
                 f"{fmt_ratio(worst, max(base['pages'].values()))}",
        notes=["Django test client on the console host, signed in as the platform team, "
               f"{ROUNDS} timed requests a page after 2 untimed; p95 by nearest rank"],
    ))
    report.add(Row(
        name="national_table.former_computation", figures=f"{fmt_time(at_n['former'])} a request at {n:,}",
        baseline=f"vs at {base['size']} {fmt_time(base['former'])}: "
                 f"{fmt_ratio(at_n['former'], base['former'])}",
        notes=["what every table request did before the latest results were stored (read every latest "
               "snapshot, compute every indicator, sort in Python), without rendering; median of "
               f"{FORMER_ROUNDS}"],
    ))
    report.add(Row(
        name="national_table.latest_refresh", figures=f"median {fmt_time(at_n['refresh'])} a municipality",
        baseline=f"vs at {base['size']} {fmt_time(base['refresh'])}: "
                 f"{fmt_ratio(at_n['refresh'], base['refresh'])}",
        notes=["national_latest_refresh of one municipality: what each publish adds; "
               f"all {n:,} rebuilt in {fmt_time(at_n['rebuild'])} (at {base['size']}: "
               f"{fmt_time(base['rebuild'])})"],
    ))
    report.add(Row(
        name="national_table.whole_country_pages",
        figures=f"CSV {fmt_time(at_n['csv'])}  map {fmt_time(at_n['map'])}",
        baseline=f"vs at {base['size']}: CSV {fmt_ratio(at_n['csv'], base['csv'])}, map "
                 f"{fmt_ratio(at_n['map'], base['map'])}",
        notes=["one request each, every municipality in it (not paged, so no p95 target): the CSV "
               "download of the whole table and the national map"],
    ))
