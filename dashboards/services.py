"""Recomputing the aggregate tables, and scheduling that after edits and imports.

`dashboard_refresh` replaces the rows of the parts asked for with a few GROUP BY statements in
SQL (refresh_sql), in one transaction: readers see the old figures or the new ones, never half.
"Incremental" means only the parts touched are recomputed: an asset edit recomputes the
infrastructure part (a few hundred rows), not the health part.

`dashboard_refresh_schedule` is what signals call: after the edit commits it enqueues one
refresh task per part, debounced by a short-lived cache key per schema and part (the cache
prefixes every key with the schema), so an import or a burst of edits costs one refresh.

`dashboard_targets_save` stores the administrator's yardsticks (models.Target).
"""

import datetime as dt
import logging
import time
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from infrastructure.geo import degrees_margin
from infrastructure.models import OPEN_STATUSES
from kernel.db import current_schema_name
from smarthealth.rules import ELDERLY_AGE, years_before

from . import refresh_sql
from .models import Part, RefreshState, Target

logger = logging.getLogger(__name__)

PARTS = frozenset(Part.values)
MONTHS = 12  # the longest period the dashboard offers
SCREENING_AGE = 35  # NCD screening target group: adults 35 and over (สธ.)
VISIT_DAYS = 30  # "visited in the last 30 days" (as the bedridden care list counts overdue)
DEBOUNCE_SECONDS = 15  # edits within this window share one refresh
PENDING_SECONDS = 300  # a lost task (worker down) stops blocking new ones after this


def month_start(day: dt.date, months_back: int = 0) -> dt.date:
    """The first day of the month `months_back` months before `day`'s month."""
    index = day.year * 12 + day.month - 1 - months_back
    return dt.date(index // 12, index % 12 + 1, 1)


def previous_period_at(now: dt.datetime) -> dt.datetime:
    """The same time of day one month before `now` (the dashboard's period of comparison, as its
    month-against-month changes), on the same day of that month or its last day when it is
    shorter (31 March → 28 or 29 February)."""
    local = timezone.localtime(now)
    first = month_start(local.date(), 1)
    following = month_start(local.date(), 0)
    day = min(local.day, (following - first).days)
    return timezone.make_aware(dt.datetime.combine(first.replace(day=day), local.time().replace(tzinfo=None)))


def refresh_params(now: dt.datetime) -> dict:
    today = timezone.localdate(now)
    since = month_start(today, MONTHS - 1)
    return {
        "tz": settings.TIME_ZONE,
        "now": now,
        # "Open now" and "overdue now" a month before, for their change (refresh_sql).
        "before_at": previous_period_at(now),
        "today": today,
        "since": since,
        "since_at": timezone.make_aware(dt.datetime.combine(since, dt.time.min)),
        "open": sorted(OPEN_STATUSES),
        "grid": refresh_sql.GRID_DEGREES,
        "margin": degrees_margin(refresh_sql.REQUEST_COMMUNITY_METRES),
        "elderly_age": ELDERLY_AGE,
        "screening_age": SCREENING_AGE,
        "screened_since": years_before(today, 1),
        "visited_since": today - dt.timedelta(days=VISIT_DAYS),
        "visited_before_since": today - dt.timedelta(days=2 * VISIT_DAYS),
    }


def _clean_parts(parts: Iterable[str] | None) -> list[str]:
    parts = set(PARTS if parts is None else parts)
    if unknown := parts - PARTS:
        raise ValueError(f"unknown dashboard parts: {sorted(unknown)}")
    return sorted(parts)


@transaction.atomic
def dashboard_refresh(*, parts: Iterable[str] | None = None,
                      now: dt.datetime | None = None) -> dict[str, RefreshState]:
    """Recompute the aggregate rows of `parts` (default: all) in the current schema."""
    now = now or timezone.now()
    params = refresh_params(now)
    states = {}
    with connection.cursor() as cursor:
        for part in _clean_parts(parts):
            started = time.monotonic()
            # The state row is the lock: two refreshes of one part (beat and an edit) run one
            # after the other, so the second never deletes rows the first has not committed.
            cursor.execute(
                "INSERT INTO dashboards_refreshstate (part, duration_ms, row_count) VALUES (%s, 0, 0) "
                "ON CONFLICT (part) DO NOTHING", [part])
            state = RefreshState.objects.select_for_update().get(part=part)
            cursor.execute("DELETE FROM dashboards_aggregate WHERE part = %s", [part])
            rows = 0
            for statement in refresh_sql.STATEMENTS[part]:
                cursor.execute(statement, params)
                rows += max(cursor.rowcount, 0)
            state.refreshed_at = now
            state.duration_ms = round((time.monotonic() - started) * 1000)
            state.row_count = rows
            state.save(update_fields=["refreshed_at", "duration_ms", "row_count"])
            states[part] = state
    return states


def refresh_pending_key(part: str) -> str:
    """The cache key that marks a refresh of `part` as scheduled (cleared when the task starts)."""
    return f"dashboards:refresh-pending:{part}"


def dashboard_refresh_run(*, parts: Iterable[str] | None = None) -> dict[str, RefreshState]:
    """What the task does: clear the pending marks first (an edit committed from now on schedules
    a new refresh), then recompute."""
    parts = _clean_parts(parts)
    cache.delete_many([refresh_pending_key(part) for part in parts])
    return dashboard_refresh(parts=parts)


def _enqueue(parts: list[str], countdown: int) -> None:
    from .tasks import dashboard_refresh_task

    try:
        due = [part for part in parts if cache.add(refresh_pending_key(part), 1, PENDING_SECONDS)]
        if due:
            dashboard_refresh_task.apply_async(args=[due], countdown=countdown)
    except Exception:
        # The edit itself has committed; the periodic refresh catches up.
        logger.warning("could not schedule a dashboard refresh of %s in %s", parts,
                       current_schema_name(), exc_info=True)


def dashboard_refresh_schedule(*, parts: Iterable[str], countdown: int = DEBOUNCE_SECONDS) -> None:
    """Refresh `parts` of the current municipality soon after the current transaction commits.
    Edits wait DEBOUNCE_SECONDS so a burst shares one refresh; a finished import is one event
    and asks for countdown=0."""
    parts = sorted(set(parts) & PARTS)
    if not parts or current_schema_name() == get_public_schema_name():
        return
    transaction.on_commit(lambda: _enqueue(parts, countdown), robust=True)


@transaction.atomic
def dashboard_targets_save(*, values: dict[str, Decimal | None], user) -> list[str]:
    """Set the municipality's targets: `values` maps a figure key (targets.TARGET_FIGURES) to its
    target, None to remove it. Returns the keys that changed. Raises ValueError for a key that is
    not a target figure (a form offers only those)."""
    from .targets import TARGET_FIGURES

    if unknown := set(values) - set(TARGET_FIGURES):
        raise ValueError(f"unknown target figures: {sorted(unknown)}")
    existing = {t.figure: t for t in Target.objects.select_for_update().filter(figure__in=list(values))}
    changed = []
    for figure, value in values.items():
        target = existing.get(figure)
        if value is None:
            if target is not None:
                target.delete()
                changed.append(figure)
            continue
        if target is not None and target.value == value:
            continue
        target = target or Target(figure=figure)
        target.value = value
        target.updated_by = user
        target.full_clean()
        target.save()
        changed.append(figure)
    return changed
