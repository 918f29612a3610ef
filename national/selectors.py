"""Reads of the stored snapshots for the console (public schema only, no personal data in it)."""

import datetime as dt
from collections import defaultdict

from django.db.models import Max

from tenants.models import Municipality

from .indicators import Indicator, Result, Snapshot, figures_of
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
    return sorted(set(Municipality.objects.counted_nationally().exclude(province_code="")
                      .values_list("province_code", flat=True)))


def _snapshots(rows) -> dict[tuple[int, dt.date], Snapshot]:
    grouped: dict[tuple[int, dt.date], list] = defaultdict(list)
    for municipality_id, day, *cell in rows.values_list(*FIELDS).iterator():
        grouped[(municipality_id, day)].append(cell)
    return {key: Snapshot(cells) for key, cells in grouped.items()}


def comparison(*, indicators: list[Indicator], search: str = "", province_code: str = "") -> list[dict]:
    """One entry per municipality counted nationally (narrowed by `search` and `province_code`):
    its latest snapshot's date and the indicators' Results (no date and no values when it has not
    published yet)."""
    chosen = municipalities(search=search, province_code=province_code)
    narrowed = bool(search or province_code)
    values = IndicatorValue.objects.all()
    if narrowed:
        values = values.filter(municipality__in=chosen)
    # Each municipality's latest date (one GROUP BY over the unique index), then the rows of those
    # dates; most municipalities publish the same night, so the dates are few.
    latest = dict(values.order_by().values_list("municipality_id").annotate(latest=Max("snapshot_date")))
    rows = values.filter(figure__in=figures_of(indicators), snapshot_date__in=set(latest.values()))
    snapshots = {municipality_id: (day, snapshot)
                 for (municipality_id, day), snapshot in _snapshots(rows).items()
                 if latest.get(municipality_id) == day}
    result = []
    for municipality in chosen:
        day, snapshot = snapshots.get(municipality.pk, (None, None))
        result.append({
            "m": municipality,
            "date": day,
            "results": {i.key: i.compute(snapshot) if snapshot else Result(None, i.unit) for i in indicators},
        })
    return result


def series(*, indicator: Indicator, since: dt.date) -> tuple[list[dt.date], list[dict]]:
    """The indicator on every snapshot date from `since`: (dates, [{"m", "points": {date: Result}}])
    for the municipalities that published in that time."""
    rows = IndicatorValue.objects.filter(figure__in=indicator.figures, snapshot_date__gte=since)
    points: dict[int, dict[dt.date, Result]] = defaultdict(dict)
    for (municipality_id, day), snapshot in _snapshots(rows).items():
        points[municipality_id][day] = indicator.compute(snapshot)
    dates = sorted({day for by_day in points.values() for day in by_day})
    return dates, [{"m": m, "points": points[m.pk]} for m in municipalities() if m.pk in points]
