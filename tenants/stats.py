"""The figures the console shows per municipality, and their refresh.

The console must not query every municipality's schema on each page view (SCALE.md rule 3), so a
task runs in each schema, counts, and writes one MunicipalityStats row in `public`. This app
knows no domain app: each module says what it counts with `register_figure()` in its
AppConfig.ready(), and the import engine says when the last import ran with
`register_last_import()`.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from .models import Municipality, MunicipalityStats
from .selectors import console_municipalities

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConsoleFigure:
    """One count a module registers for the console's table of municipalities."""

    key: str
    label: str  # a lazy translation: the console renders it in the reader's language
    fn: Callable[[], int]


_figures: dict[str, ConsoleFigure] = {}
_last_import: list[Callable[[], datetime | None]] = []


def register_figure(key: str, label, fn: Callable[[], int]) -> None:
    """`fn()` runs inside a municipality's schema and returns a count (counts only: no figure
    may carry personal data into `public`)."""
    _figures[key] = ConsoleFigure(key, label, fn)


def register_last_import(fn: Callable[[], datetime | None]) -> None:
    """`fn()` runs inside a municipality's schema and returns when its last import finished."""
    _last_import.append(fn)


def registered_figures() -> list[ConsoleFigure]:
    return list(_figures.values())


def figures_for_display(stats: MunicipalityStats | None) -> list[dict]:
    """The stored figures in registry order, labelled; keys no module registers any more are
    shown by key rather than dropped, so nothing stored is silently hidden."""
    if stats is None:
        return []
    stored = dict(stats.figures or {})
    rows = [
        {"key": figure.key, "label": figure.label, "value": stored.pop(figure.key)}
        for figure in _figures.values()
        if figure.key in stored
    ]
    rows += [{"key": key, "label": key, "value": value} for key, value in sorted(stored.items())]
    return rows


def _safely(name: str, fn: Callable, municipality: Municipality):
    """One module's broken figure must not blank the others: run it in a savepoint and log."""
    try:
        with transaction.atomic():
            return fn()
    except Exception:
        logger.exception("figure %s failed in %s", name, municipality.schema_name)
        return None


def _measure(municipality: Municipality) -> dict:
    from accounts.models import User

    users = User.objects.aggregate(
        total=Count("pk"), active=Count("pk", filter=Q(is_active=True)), last_login=Max("last_login")
    )
    counted = {}
    for figure in _figures.values():
        value = _safely(figure.key, figure.fn, municipality)
        if value is not None:
            counted[figure.key] = int(value)
    last_imports = [_safely("last_import", fn, municipality) for fn in _last_import]
    last_imports = [value for value in last_imports if value is not None]
    return {
        "users": users["total"],
        "active_users": users["active"],
        "last_login_at": users["last_login"],
        "figures": counted,
        "last_import_at": max(last_imports) if last_imports else None,
    }


@transaction.atomic
def stats_refresh(*, municipality: Municipality) -> MunicipalityStats:
    """Count inside the municipality's schema, then write its row in `public`."""
    if municipality.is_platform:
        raise ValueError("The platform itself has no municipality figures.")
    with tenant_context(municipality):
        measured = _measure(municipality)
    with schema_context("public"):
        stats, _created = MunicipalityStats.objects.update_or_create(
            municipality=municipality, defaults={**measured, "refreshed_at": timezone.now()}
        )
    return stats


def municipalities_to_refresh():
    """Every active, unarchived municipality (not the platform row): what the hourly fan-out
    refreshes; an archived one keeps its last figures."""
    return console_municipalities().filter(is_active=True, archived_at__isnull=True)
