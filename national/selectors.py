"""Reads of the stored snapshots for the console (public schema only, no personal data in it)."""

import datetime as dt
from collections import defaultdict

from django.db.models import Max
from django_tenants.utils import get_public_schema_name

from tenants.models import Municipality

from .indicators import Indicator, Result, Snapshot, figures_of
from .models import IndicatorValue

FIELDS = ("municipality_id", "snapshot_date", "figure", "key1", "key2", "month", "value", "amount",
          "suppression")


def municipalities():
    return (Municipality.objects.exclude(kind=Municipality.Kind.PLATFORM)
            .exclude(schema_name=get_public_schema_name()).order_by("name_th"))


def _snapshots(rows) -> dict[tuple[int, dt.date], Snapshot]:
    grouped: dict[tuple[int, dt.date], list] = defaultdict(list)
    for municipality_id, day, *cell in rows.values_list(*FIELDS).iterator():
        grouped[(municipality_id, day)].append(cell)
    return {key: Snapshot(cells) for key, cells in grouped.items()}


def comparison(*, indicators: list[Indicator]) -> list[dict]:
    """One entry per municipality: its latest snapshot's date and the indicators' Results (no
    date and no values when it has not published yet)."""
    # Each municipality's latest date (one GROUP BY over the unique index), then the rows of those
    # dates; most municipalities publish the same night, so the dates are few.
    latest = dict(IndicatorValue.objects.order_by().values_list("municipality_id")
                  .annotate(latest=Max("snapshot_date")))
    rows = IndicatorValue.objects.filter(figure__in=figures_of(indicators),
                                         snapshot_date__in=set(latest.values()))
    snapshots = {municipality_id: (day, snapshot)
                 for (municipality_id, day), snapshot in _snapshots(rows).items()
                 if latest.get(municipality_id) == day}
    result = []
    for municipality in municipalities():
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
