"""Reads of the stored snapshots for the console (public schema only, no personal data in it)."""

import datetime as dt
from collections import defaultdict

from django.db.models import Case, F, FloatField, QuerySet, When
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast

from tenants.models import Municipality

from .indicators import INDICATORS, Indicator, Result, Snapshot, results_read
from .models import IndicatorValue

FIELDS = ("municipality_id", "snapshot_date", "figure", "key1", "key2", "month", "value", "amount",
          "suppression")


def municipalities(*, search: str = "", province_code: str = ""):
    """The municipalities national figures count (never archived or test ones), by name; narrowed
    to a search (Thai or English name, code) and a province when given."""
    found = Municipality.objects.counted_nationally().matching(search)
    if province_code:
        found = found.filter(province_code=province_code)
    return found.order_by("name_th", "pk")


def province_codes() -> list[str]:
    """The provinces of the municipalities counted nationally (for the table's filter)."""
    return list(Municipality.objects.counted_nationally().exclude(province_code="").order_by("province_code")
                .values_list("province_code", flat=True).distinct())


def _snapshots(rows) -> dict[tuple[int, dt.date], Snapshot]:
    grouped: dict[tuple[int, dt.date], list] = defaultdict(list)
    for municipality_id, day, *cell in rows.values_list(*FIELDS).iterator():
        grouped[(municipality_id, day)].append(cell)
    return {key: Snapshot(cells) for key, cells in grouped.items()}


def comparison_rows(*, search: str = "", province_code: str = "", sort: str = "name",
                    descending: bool = False) -> QuerySet[Municipality]:
    """The municipalities of the comparison (as municipalities()) with their stored latest results,
    sorted in SQL, so a page reads 50 rows whatever N is. By an indicator (a key of INDICATORS):
    its values in the asked direction, then the hidden ones, then those without a value, each
    group by name; else by name."""
    found = municipalities(search=search, province_code=province_code).select_related("national_latest")
    if sort not in INDICATORS:
        return found.order_by(F("name_th").desc() if descending else F("name_th").asc(), "pk")
    cell = KeyTransform(sort, "national_latest__results")
    found = found.annotate(
        sort_value=Cast(KeyTextTransform("value", cell), FloatField()),
        sort_hidden=KeyTextTransform("suppression", cell),
    ).annotate(sort_rank=Case(When(sort_value__isnull=False, then=0), When(sort_hidden__gt="", then=1),
                              default=2))
    value = F("sort_value").desc() if descending else F("sort_value").asc()
    return found.order_by("sort_rank", value, "name_th", "pk")


def comparison_entry(municipality: Municipality, *, indicators: list[Indicator]) -> dict:
    """A row of comparison_rows() as the table, the CSV and the map show it: the municipality, its
    latest snapshot's date and the indicators' Results (no date and no values when it has not
    published yet)."""
    latest = getattr(municipality, "national_latest", None)
    return {"m": municipality, "date": latest.snapshot_date if latest else None,
            "results": results_read(latest.results if latest else None, indicators)}


def comparison_entries(*, ids: list[int], indicators: list[Indicator]) -> list[dict]:
    """The entries of these municipalities, in this order (a page of comparison_rows()' ids)."""
    found = Municipality.objects.select_related("national_latest").in_bulk(ids)
    return [comparison_entry(found[pk], indicators=indicators) for pk in ids]


def comparison(*, indicators: list[Indicator], search: str = "", province_code: str = "") -> list[dict]:
    """Every entry of the comparison, by name (the map shows them all)."""
    return [comparison_entry(m, indicators=indicators)
            for m in comparison_rows(search=search, province_code=province_code).iterator(chunk_size=1000)]


def series(*, indicator: Indicator, since: dt.date) -> tuple[list[dt.date], list[dict]]:
    """The indicator on every snapshot date from `since`: (dates, [{"m", "points": {date: Result}}])
    for the municipalities that published in that time."""
    rows = IndicatorValue.objects.filter(figure__in=indicator.figures, snapshot_date__gte=since)
    points: dict[int, dict[dt.date, Result]] = defaultdict(dict)
    for (municipality_id, day), snapshot in _snapshots(rows).items():
        points[municipality_id][day] = indicator.compute(snapshot)
    dates = sorted({day for by_day in points.values() for day in by_day})
    return dates, [{"m": m, "points": points[m.pk]} for m in municipalities() if m.pk in points]
