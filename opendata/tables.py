"""The rows of each dataset, computed from the dashboards' aggregate tables at download time.

- assets: counts per community × asset type × condition (assets are not people; community
  names are the municipality's own public place names);
- service_requests: requests opened and closed per month × category over the dashboards' last
  12 months, and per month the median time to resolve;
- health: ONLY the suppressed national snapshot cells (national.services.snapshot_cells()):
  summed over communities, a count of 1 to 4 people never appears (nor one that would give a
  hidden count back by subtraction). Which figures are published is the whitelist HEALTH_FIGURES.

Keys are codes from fixed vocabularies (national.figures.clean_key folds anything else into
"other"), each followed by its Thai and English labels.
"""

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Max, Sum
from django.utils import timezone, translation

from dashboards.aggregates import histogram_median
from dashboards.models import Aggregate
from dashboards.services import MONTHS, month_start
from infrastructure.models import AssetType, Condition, RequestCategory
from kernel.db import current_tenant
from national.figures import ALL, OTHER, clean_key
from national.suppression import SMALL_MAX, SMALL_MIN, Cell
from smarthealth.models import Person
from smarthealth.rules import AdlGroup, Disability, NcdColour

from .models import Kind

TOTAL = "total"  # how the CSV writes national.figures.ALL ("every value of that key")
THAI_IN_PARENTHESES = re.compile(r"\s*\([^)]*[\u0E00-\u0E7F][^)]*\)\s*$")


@dataclass
class Table:
    header: list[str]
    rows: list[list]


def _labels(choices) -> dict[str, tuple[str, str]]:
    """value → (Thai label, English label). Some English labels carry the Thai term in
    parentheses ("Male (ชาย)"): the English column drops it."""
    result = {}
    thai = choices.thai_labels() if hasattr(choices, "thai_labels") else {}
    for member in choices:
        with translation.override("en"):
            english = THAI_IN_PARENTHESES.sub("", str(member.label))
        with translation.override("th"):
            result[member.value] = (thai.get(member.value) or str(member.label), english)
    return result


COMMON = {TOTAL: ("รวม", "Total"), OTHER: ("อื่น ๆ", "Other"), "": ("", "")}


def _band_labels() -> dict[str, tuple[str, str]]:
    labels = {str(b): (f"{b}–{b + 4} ปี", f"{b}–{b + 4}") for b in range(0, 85, 5)}
    labels["85"] = ("85 ปีขึ้นไป", "85+")
    return labels


def _key_labels() -> dict[str, dict[str, tuple[str, str]]]:
    return {
        "asset_type": _labels(AssetType),
        "condition": _labels(Condition),
        "category": _labels(RequestCategory),
        "sex": _labels(Person.Sex),
        "band": _band_labels(),
        "adl": {**_labels(AdlGroup), "none": ("ยังไม่ได้ประเมิน ADL", "Not assessed")},
        "diagnosis": {"DM": ("เบาหวาน", "Diabetes (DM)"), "HT": ("ความดันโลหิตสูง", "Hypertension (HT)")},
        "colour": {**_labels(NcdColour), "none": ("ยังไม่ได้คัดกรอง", "Not screened")},
        "disability": {k: v for k, v in _labels(Disability).items() if k != "none"},
    }


def _label(labels: dict, domain: str, value: str) -> tuple[str, str]:
    return COMMON.get(value) or labels.get(domain, {}).get(value) or (value, value)


def _order(labels: dict, domain: str, value: str) -> tuple:
    """Totals first, then the vocabulary's own order (age bands by number), "other" last."""
    if value == TOTAL:
        return (0, 0)
    known = list(labels.get(domain, {}))
    if value in known:
        return (1, known.index(value))
    return (2, 0)


# --- assets ------------------------------------------------------------------------------------
ASSET_HEADER = ["community", "asset_type", "asset_type_th", "asset_type_en",
                "condition", "condition_th", "condition_en", "count"]


def assets_table() -> Table:
    labels = _key_labels()
    counts: Counter = Counter()
    rows = (Aggregate.objects.filter(figure="assets").values_list("community", "key1", "key2")
            .annotate(n=Sum("count")))
    for community, asset_type, condition, n in rows:
        counts[(community, clean_key("asset_type", asset_type), clean_key("condition", condition))] += n
    ordered = sorted(counts, key=lambda k: (k[0] == "", k[0], _order(labels, "asset_type", k[1]),
                                            _order(labels, "condition", k[2])))
    return Table(ASSET_HEADER, [
        [community, asset_type, *_label(labels, "asset_type", asset_type),
         condition, *_label(labels, "condition", condition), counts[(community, asset_type, condition)]]
        for community, asset_type, condition in ordered
    ])


# --- service requests --------------------------------------------------------------------------
REQUEST_HEADER = ["month", "category", "category_th", "category_en", "opened", "closed",
                  "resolved", "median_resolve_hours"]


def _monthly(figure: str) -> dict[tuple[dt.date, str], int]:
    rows = (Aggregate.objects.filter(figure=figure, month__isnull=False).values_list("month", "key1")
            .annotate(n=Sum("count")))
    result: Counter = Counter()
    for month, key, n in rows:
        result[(month, key)] += n
    return result


def service_requests_table(*, today: dt.date | None = None) -> Table:
    """One row per month and category with requests, then the month's total row carrying how
    many were resolved and their median time (resolve times are stored per category-less
    histogram bucket: whole hours up to 2 days, coarser beyond, so the median is approximate)."""
    labels = _key_labels()
    today = today or timezone.localdate()
    months = [month_start(today, back) for back in reversed(range(MONTHS))]
    opened = {(m, clean_key("category", c)): n for (m, c), n in _monthly("requests_opened").items()}
    closed = {(m, clean_key("category", c)): n for (m, c), n in _monthly("requests_closed").items()}
    histograms: dict[dt.date, Counter] = defaultdict(Counter)
    for (month, bucket), n in _monthly("resolve_time").items():
        if bucket.isdigit():
            histograms[month][int(bucket)] += n
    rows = []
    for month in months:
        categories = sorted({c for (m, c) in (*opened, *closed) if m == month},
                            key=lambda c: _order(labels, "category", c))
        month_text = month.strftime("%Y-%m")
        for category in categories:
            rows.append([month_text, category, *_label(labels, "category", category),
                         opened.get((month, category), 0), closed.get((month, category), 0), None, None])
        median = histogram_median(histograms[month])
        rows.append([month_text, TOTAL, *_label(labels, "category", TOTAL),
                     sum(n for (m, _c), n in opened.items() if m == month),
                     sum(n for (m, _c), n in closed.items() if m == month),
                     sum(histograms[month].values()), None if median is None else round(median, 1)])
    return Table(REQUEST_HEADER, rows)


# --- health ------------------------------------------------------------------------------------
# figure → (Thai, English, key1 domain, key2 domain); nothing else of the snapshot is published.
HEALTH_FIGURES = {
    "population": ("ประชากรจำแนกตามเพศและกลุ่มอายุ", "Population by sex and age band", "sex", "band"),
    "elderly_adl": ("ผู้สูงอายุ 60 ปีขึ้นไปจำแนกตามกลุ่ม ADL", "Elderly (60+) by ADL group", "adl", ""),
    "ncd": ("ผู้ป่วยโรคเรื้อรัง (เบาหวาน ความดันโลหิตสูง) จำแนกตามสีปิงปองจราจร 7 สี",
            "Chronic conditions (diabetes, hypertension) by the 7-colour scale", "diagnosis", "colour"),
    "disabled": ("คนพิการจำแนกตามประเภทความพิการ", "Persons with a disability by type", "disability", ""),
}
HEALTH_HEADER = ["figure", "figure_th", "figure_en", "key1", "key1_th", "key1_en",
                 "key2", "key2_th", "key2_en", "count", "suppressed"]


def health_snapshot_ensure() -> dt.date | None:
    """The day of the municipality's latest stored national snapshot, publishing the first one now
    when there is none yet. Called before a health file's validators are worked out, so its
    Last-Modified already counts the snapshot its body is built from."""
    from national.models import IndicatorValue
    from national.services import national_snapshot_publish

    municipality = current_tenant()
    stored = IndicatorValue.objects.filter(municipality=municipality)
    day = stored.aggregate(day=Max("snapshot_date"))["day"]
    if day is None:
        national_snapshot_publish(municipality=municipality)
        day = stored.aggregate(day=Max("snapshot_date"))["day"]
    return day


def published_health_cells() -> dict:
    """The health cells of the municipality's latest stored national snapshot (nightly; the first
    is published on demand). Not the live figures: counts that change within minutes of an edit
    could be subtracted between two downloads to follow one person, which suppression does not
    protect against (national/suppression.py)."""
    from national.models import IndicatorValue

    day = health_snapshot_ensure()
    stored = IndicatorValue.objects.filter(municipality=current_tenant())
    return {
        (row.figure, row.key1, row.key2, row.month): Cell(row.value or 0, suppression=row.suppression)
        for row in stored.filter(snapshot_date=day, figure__in=HEALTH_FIGURES)
    }


def health_table(cells: dict | None = None) -> Table:
    """`cells`: national snapshot cells (published_health_cells() when not given). A hidden cell is
    written with an empty count and why: "small" (1–4 people) or "complementary" (hidden so that
    a small count cannot be worked out from a total)."""
    labels = _key_labels()
    cells = published_health_cells() if cells is None else cells
    figure_order = list(HEALTH_FIGURES)
    rows = []
    for (figure, key1, key2, _month), cell in cells.items():
        if figure not in HEALTH_FIGURES:
            continue
        figure_th, figure_en, domain1, domain2 = HEALTH_FIGURES[figure]
        key1 = TOTAL if key1 == ALL else key1
        key2 = TOTAL if key2 == ALL else key2
        if not cell.suppression and SMALL_MIN <= cell.value <= SMALL_MAX:
            # Never reached after suppress(). Hiding this one cell alone would let it be worked
            # out from its total, so refuse to publish rather than publish it half-hidden.
            raise RuntimeError(f"unsuppressed small count in the health snapshot: {figure}")
        suppression = cell.suppression
        rows.append([figure, figure_th, figure_en, key1, *_label(labels, domain1, key1),
                     key2, *_label(labels, domain2, key2),
                     None if suppression else cell.value, suppression])
    rows.sort(key=lambda r: (figure_order.index(r[0]), _order(labels, HEALTH_FIGURES[r[0]][2], r[3]),
                             _order(labels, HEALTH_FIGURES[r[0]][3], r[6])))
    return Table(HEALTH_HEADER, rows)


TABLES: dict[str, Callable[[], Table]] = {
    Kind.ASSETS: assets_table,
    Kind.SERVICE_REQUESTS: service_requests_table,
    Kind.HEALTH: health_table,
}
# What makes each dataset new (freshness, cache validators): a dashboards part's refresh, or for
# health the nightly national snapshot (selectors.refresh_times).
PARTS: dict[str, str] = {Kind.ASSETS: "infrastructure", Kind.SERVICE_REQUESTS: "infrastructure",
                         Kind.HEALTH: "national"}


TABLE_CACHE_SECONDS = 24 * 3600


def dataset_table(kind: str) -> Table:
    """The dataset's table, built once per change of its source (the settings page previews all
    three and every download asks again; the key carries the schema)."""
    from .selectors import refresh_times

    changed = refresh_times().get(PARTS[kind])
    if changed is None:
        return TABLES[kind]()
    key = f"opendata:table:{kind}:{changed.isoformat()}"
    return cache.get_or_set(key, TABLES[kind], TABLE_CACHE_SECONDS)
