"""Publishing a municipality's national snapshot.

Reads the dashboards' aggregate rows in the municipality's schema (refreshing them first when
they are more than a day old), sums them over communities, keeps only whitelisted figures and
keys (figures.py), suppresses small counts of people (suppression.py) and replaces the day's rows
in the public schema. SCALE.md rule 3: a national figure never joins two schemas; it reads one
municipality's schema at a time and writes public.

Each publish also recomputes the municipality's latest indicator results (models.LatestResults),
which the comparison table pages and sorts in SQL.
"""

import datetime as dt
import logging
from collections import defaultdict

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name, schema_context, tenant_context

from tenants.models import Municipality

from .figures import ALL, ELDERLY_BAND, PUBLISHED_FIGURES, SCREENING_BAND, clean_key
from .indicators import INDICATORS, Snapshot, figures_of, results_stored
from .models import IndicatorValue, LatestResults
from .suppression import Cell, Key, suppress

logger = logging.getLogger(__name__)
STALE_AFTER = dt.timedelta(days=1)


class NationalSnapshotError(Exception):
    """The snapshot cannot be made (shown to the operator as it is)."""


def _dashboards():
    """The dashboards app, imported when needed: national is a shared app and must load without
    it, but it cannot publish anything without its aggregates."""
    try:
        from dashboards.models import Aggregate, RefreshState
        from dashboards.services import dashboard_refresh
    except ImportError as error:
        raise NationalSnapshotError(
            _("The dashboards app (aggregate tables) is not installed, so there is nothing to publish.")
        ) from error
    return Aggregate, RefreshState, dashboard_refresh


def _fresh_aggregates(now: dt.datetime) -> None:
    """In the current (municipality's) schema: recompute the aggregates unless every part was
    refreshed within a day."""
    from dashboards.models import Part

    _aggregate, refresh_state, dashboard_refresh = _dashboards()
    refreshed = dict(refresh_state.objects.values_list("part", "refreshed_at"))
    if any(refreshed.get(part) is None or now - refreshed[part] > STALE_AFTER for part in Part.values):
        dashboard_refresh(now=now)


def tenant_cells() -> dict[Key, Cell]:
    """The current schema's aggregates summed over communities, keys cleaned."""
    aggregate, _state, _refresh = _dashboards()
    cells: dict[Key, Cell] = {}
    rows = (aggregate.objects.filter(figure__in=list(PUBLISHED_FIGURES))
            .values_list("figure", "key1", "key2", "month", "count", "amount"))
    for figure_name, key1, key2, month, count, amount in rows.iterator():
        figure = PUBLISHED_FIGURES[figure_name]
        key = (figure_name, clean_key(figure.key1, key1), clean_key(figure.key2, key2),
               month if figure.monthly else None)
        cell = cells.setdefault(key, Cell(0, 0.0 if figure.amount else None))
        cell.value += count
        if figure.amount:
            cell.amount = (cell.amount or 0.0) + (amount or 0.0)
    return cells


def _add(cells: dict[Key, Cell], key: Key, cell: Cell) -> None:
    total = cells.setdefault(key, Cell(0, 0.0 if cell.amount is not None else None))
    total.value += cell.value
    if cell.amount is not None:
        total.amount = (total.amount or 0.0) + cell.amount


def with_totals(cells: dict[Key, Cell]) -> tuple[dict[Key, Cell], list[tuple[Key, list[Key]]]]:
    """The cells plus each figure's totals and margins (figures.PublishedFigure), and the equations that
    tie the numbers of people together (for suppression). Totals of a figure without rows are 0."""
    result = dict(cells)
    equations: list[tuple[Key, list[Key]]] = []
    by_figure: dict[str, list[Key]] = defaultdict(list)
    for key in cells:
        by_figure[key[0]].append(key)
    for name, figure in PUBLISHED_FIGURES.items():
        members = sorted(by_figure[name], key=str)
        total_key = (name, ALL, ALL if figure.key2 else "", None)
        if figure.total:
            result[total_key] = Cell(0, 0.0 if figure.amount else None)
            for key in members:
                _add(result, total_key, cells[key])
        margins: dict[Key, list[Key]] = defaultdict(list)
        for key in members:
            if "key1" in figure.margins:
                margins[(name, key[1], ALL, None)].append(key)
            if "key2" in figure.margins:
                margins[(name, ALL, key[2], None)].append(key)
        for margin_key, parts in margins.items():
            for key in parts:
                _add(result, margin_key, cells[key])
        if not figure.persons:
            continue
        by_key1 = [(k, parts) for k, parts in margins.items() if k[2] == ALL]
        equations.extend((margin_key, parts) for margin_key, parts in by_key1)
        if figure.total:
            equations.append((total_key, members))
            if by_key1:
                equations.append((total_key, [k for k, _parts in by_key1]))
    # Relations between figures: the elderly (and the screening target group) are the population
    # of the bands from 60 (35) up, counted from the same persons in the same refresh.
    population = by_figure["population"]
    for figure_name, lowest in (("elderly_adl", ELDERLY_BAND), ("screening", SCREENING_BAND)):
        bands = sorted((key for key in population if key[2].isdigit() and int(key[2]) >= lowest), key=str)
        equations.append(((figure_name, ALL, "", None), bands))
    return result, equations


def snapshot_cells() -> dict[Key, Cell]:
    """The suppressed snapshot of the current (municipality's) schema, not stored."""
    cells, equations = with_totals(tenant_cells())
    people = {key for key in cells if PUBLISHED_FIGURES[key[0]].persons}
    suppress(cells, people=people, equations=equations)
    return cells


@transaction.atomic
def _store(*, municipality: Municipality, day: dt.date, now: dt.datetime, cells: dict[Key, Cell]) -> int:
    IndicatorValue.objects.filter(municipality=municipality, snapshot_date=day).delete()
    rows = [
        IndicatorValue(
            municipality=municipality, snapshot_date=day, figure=figure, key1=key1, key2=key2,
            month=month, value=None if cell.hidden else cell.value,
            amount=None if cell.amount is None else round(cell.amount, 1),
            suppressed=cell.hidden, suppression=cell.suppression, published_at=now,
        )
        for (figure, key1, key2, month), cell in sorted(cells.items(), key=lambda item: str(item[0]))
    ]
    IndicatorValue.objects.bulk_create(rows, batch_size=1000)
    national_latest_refresh(municipality_ids=[municipality.pk], now=now)
    return len(rows)


def national_snapshot_publish(*, municipality: Municipality, now: dt.datetime | None = None) -> int:
    """Publish `municipality`'s snapshot for today (Bangkok time), replacing one already published
    today; returns the number of rows stored."""
    if municipality.is_platform:
        raise NationalSnapshotError(_("The platform itself has no figures to publish."))
    _dashboards()
    now = now or timezone.now()
    with tenant_context(municipality):
        _fresh_aggregates(now)
        cells = snapshot_cells()
    with schema_context(get_public_schema_name()):
        count = _store(municipality=municipality, day=timezone.localdate(now), now=now, cells=cells)
    logger.info("national snapshot of %s: %d rows", municipality.schema_name, count)
    return count


def municipalities_to_publish():
    """Active municipalities that national figures count: an archived or test one publishes nothing."""
    return Municipality.objects.counted_nationally().filter(is_active=True).order_by("schema_name")


# --- each municipality's latest results (models.LatestResults) ---------------------------------
LATEST_CHUNK = 1000  # municipalities a rebuild reads at once (~100 rows each)


def _latest_of(values) -> dict[int, tuple[dt.date, Snapshot]]:
    """Each municipality's latest snapshot date among `values` and that day's rows of the figures
    the indicators read (none when it published none of them: then it has no results)."""
    latest = dict(values.order_by().values_list("municipality_id").annotate(latest=Max("snapshot_date")))
    if not latest:
        return {}
    # Most municipalities publish the same night, so the dates are few.
    rows = (values.filter(figure__in=figures_of(INDICATORS.values()), snapshot_date__in=set(latest.values()))
            .values_list("municipality_id", "snapshot_date", "figure", "key1", "key2", "month", "value",
                         "amount", "suppression"))
    cells: dict[int, list] = defaultdict(list)
    for municipality_id, day, *cell in rows.iterator():
        if latest[municipality_id] == day:
            cells[municipality_id].append(cell)
    return {pk: (latest[pk], Snapshot(found)) for pk, found in cells.items()}


@transaction.atomic
def national_latest_refresh(*, municipality_ids: list[int], now: dt.datetime | None = None) -> int:
    """Recompute the stored latest results of these municipalities from their stored snapshot
    rows (deleting them when none is left); returns how many are stored."""
    now = now or timezone.now()
    with schema_context(get_public_schema_name()):
        found = _latest_of(IndicatorValue.objects.filter(municipality_id__in=municipality_ids))
        LatestResults.objects.filter(municipality_id__in=municipality_ids).exclude(
            municipality_id__in=list(found)).delete()
        LatestResults.objects.bulk_create([
            LatestResults(municipality_id=pk, snapshot_date=day, computed_at=now,
                          results=results_stored({i.key: i.compute(snapshot) for i in INDICATORS.values()}))
            for pk, (day, snapshot) in found.items()
        ], update_conflicts=True, unique_fields=["municipality"],
            update_fields=["snapshot_date", "results", "computed_at"])
    return len(found)


def national_latest_rebuild(*, now: dt.datetime | None = None) -> int:
    """Recompute every municipality's latest results (after an indicator is added or changed, and
    by the migration that made the table); returns how many are stored."""
    ids = sorted(set(IndicatorValue.objects.order_by().values_list("municipality_id", flat=True).distinct())
                 | set(LatestResults.objects.values_list("municipality_id", flat=True)))
    return sum(national_latest_refresh(municipality_ids=ids[i:i + LATEST_CHUNK], now=now)
               for i in range(0, len(ids), LATEST_CHUNK))


@transaction.atomic
def national_snapshot_delete(*, municipality: Municipality, day: dt.date) -> int:
    """Withdraw one published snapshot of `municipality` (a day published by mistake); its latest
    results fall back to the snapshot before it. Returns the number of rows deleted."""
    count, _by_model = IndicatorValue.objects.filter(municipality=municipality, snapshot_date=day).delete()
    national_latest_refresh(municipality_ids=[municipality.pk])
    return count
