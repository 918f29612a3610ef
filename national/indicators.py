"""The headline indicators of the console, computed from stored snapshot rows only.

A snapshot is one municipality's rows of one day. An indicator that needs a suppressed number is
itself suppressed (never estimated), so the console cannot show more than the rows do.
"""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext_lazy as _

from kernel.yardsticks import overdue_rate, sla_compliance_rate

from .figures import ALL
from .suppression import COMPLEMENTARY, SMALL

COUNT, PERCENT, KM, DAYS = "count", "percent", "km", "days"


@dataclass(frozen=True)
class Result:
    value: float | None
    unit: str = COUNT
    suppression: str = ""  # why it is hidden: an input was SMALL or COMPLEMENTARY

    @property
    def hidden(self) -> bool:
        return bool(self.suppression)

    @property
    def text(self) -> str:
        if self.suppression == SMALL and self.unit == COUNT:
            return str(_("<5"))
        if self.hidden:
            return str(_("suppressed"))
        if self.value is None:
            return "—"
        if self.unit == COUNT:
            return formats.number_format(self.value, 0, use_l10n=True, force_grouping=True)
        return formats.number_format(self.value, 1, use_l10n=True, force_grouping=True)

    @property
    def note(self) -> str:
        """Why a value is hidden, for a tooltip."""
        if self.suppression == SMALL:
            return str(_("Fewer than 5 people: not published."))
        if self.suppression == COMPLEMENTARY:
            return str(_("Hidden so that a small count cannot be worked out from the totals."))
        return ""


NO_DATA = Result(None)


class Snapshot:
    """One municipality's rows of one day: (figure, key1, key2, month) → (value, amount, suppression)."""

    def __init__(self, rows: Iterable[tuple]):
        self.cells: dict[tuple, tuple] = {}
        self.figures: set[str] = set()
        for figure, key1, key2, month, value, amount, suppression in rows:
            self.cells[(figure, key1, key2, month)] = (value, amount, suppression)
            self.figures.add(figure)

    def count(self, figure: str, key1: str = ALL, key2: str = "") -> Result:
        """A stored count; 0 when the figure was published without this cell (nothing to count)."""
        if figure not in self.figures:
            return NO_DATA
        value, _amount, suppression = self.cells.get((figure, key1, key2, None), (0, None, ""))
        return Result(value, COUNT, suppression)

    def amount(self, figure: str, key1: str = ALL, key2: str = "") -> float | None:
        if figure not in self.figures:
            return None
        return self.cells.get((figure, key1, key2, None), (0, 0.0, ""))[1] or 0.0

    def rows(self, figure: str):
        return [(key, cell) for key, cell in self.cells.items() if key[0] == figure]


def _hidden(*results: Result) -> str:
    reasons = {r.suppression for r in results if r.hidden}
    return SMALL if SMALL in reasons else (COMPLEMENTARY if reasons else "")


def total(*results: Result) -> Result:
    if why := _hidden(*results):
        return Result(None, COUNT, why)
    if any(r.value is None for r in results):
        return NO_DATA
    return Result(sum(r.value for r in results), COUNT)


def percent(part: Result, whole: Result) -> Result:
    if why := _hidden(part, whole):
        return Result(None, PERCENT, why)
    if part.value is None or not whole.value:
        return Result(None, PERCENT)
    return Result(round(100 * part.value / whole.value, 1), PERCENT)


def median_days(snapshot: Snapshot) -> Result:
    """Median time to resolve over the snapshot's months (dashboards' resolve_time histogram of
    whole-hour buckets), in days."""
    histogram: Counter = Counter()
    for (_f, bucket, _k2, _m), (value, _amount, _s) in snapshot.rows("resolve_time"):
        if bucket.isdigit() and value:
            histogram[int(bucket)] += value
    n = sum(histogram.values())
    if not n:
        return Result(None, DAYS)
    ordered = sorted(histogram.items())

    def nth(index: int) -> int:
        seen = 0
        for hours, count in ordered:
            seen += count
            if index < seen:
                return hours
        raise IndexError(index)

    hours = (nth((n - 1) // 2) + nth(n // 2)) / 2
    return Result(round(hours / 24, 1), DAYS)


def sla_compliance(snapshot: Snapshot) -> Result:
    """Requests resolved within their SLA over the snapshot's months (kernel.yardsticks)."""
    if "requests_sla" not in snapshot.figures:
        return Result(None, PERCENT)
    counts: Counter = Counter()
    for (_f, _category, state, _m), (value, _amount, _s) in snapshot.rows("requests_sla"):
        counts[state] += value or 0
    return Result(sla_compliance_rate(resolved=counts["on_time"] + counts["late"],
                                      resolved_on_time=counts["on_time"]), PERCENT)


def overdue_share(snapshot: Snapshot) -> Result:
    """Open requests past their SLA, of all open requests (kernel.yardsticks)."""
    open_now = snapshot.count("requests_open", ALL, ALL)
    overdue = snapshot.count("requests_open", ALL, "overdue")
    if why := _hidden(open_now, overdue):
        return Result(None, PERCENT, why)
    if open_now.value is None:
        return Result(None, PERCENT)
    return Result(overdue_rate(open_now=open_now.value, overdue=overdue.value or 0), PERCENT)


def _road_km(s: Snapshot) -> Result:
    metres = s.amount("road_length", ALL)
    return Result(None if metres is None else round(metres / 1000, 1), KM)


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    unit: str
    figures: tuple[str, ...]
    compute: Callable[[Snapshot], Result]
    group: str  # "infrastructure" / "health"


INDICATORS: dict[str, Indicator] = {i.key: i for i in (
    Indicator("assets", _("Assets"), COUNT, ("assets",),
              lambda s: s.count("assets", ALL, ALL), "infrastructure"),
    Indicator("assets_alert", _("Poor or out of service (per cent)"), PERCENT, ("assets",),
              lambda s: percent(total(s.count("assets", ALL, "poor"),
                                      s.count("assets", ALL, "out_of_service")),
                                s.count("assets", ALL, ALL)), "infrastructure"),
    Indicator("road_km", _("Roads (km)"), KM, ("road_length",), _road_km, "infrastructure"),
    Indicator("requests_open", _("Open requests"), COUNT, ("requests_open",),
              lambda s: s.count("requests_open", ALL, ALL), "infrastructure"),
    Indicator("requests_overdue", _("Overdue requests"), COUNT, ("requests_open",),
              lambda s: s.count("requests_open", ALL, "overdue"), "infrastructure"),
    Indicator("resolve_days", _("Median days to resolve"), DAYS, ("resolve_time",), median_days,
              "infrastructure"),
    Indicator("sla_compliance", _("Resolved within SLA (per cent)"), PERCENT, ("requests_sla",),
              sla_compliance, "infrastructure"),
    Indicator("overdue_rate", _("Open requests overdue (per cent)"), PERCENT, ("requests_open",),
              overdue_share, "infrastructure"),
    Indicator("persons", _("Persons"), COUNT, ("population",),
              lambda s: s.count("population", ALL, ALL), "health"),
    Indicator("elderly", _("Elderly 60+"), COUNT, ("elderly_adl",),
              lambda s: s.count("elderly_adl", ALL), "health"),
    Indicator("bedridden", _("Bedridden"), COUNT, ("bedridden",),
              lambda s: s.count("bedridden", ALL), "health"),
    Indicator("bedridden_visited", _("Bedridden visited in 30 days (per cent)"), PERCENT, ("bedridden",),
              lambda s: percent(s.count("bedridden", "visited"), s.count("bedridden", ALL)), "health"),
    Indicator("screening", _("Screening coverage 35+ (per cent)"), PERCENT, ("screening",),
              lambda s: percent(s.count("screening", "screened"), s.count("screening", ALL)), "health"),
    Indicator("disabled", _("Persons with disabilities"), COUNT, ("disabled",),
              lambda s: s.count("disabled", ALL), "health"),
)}
DEFAULT = "persons"


def indicator_or_default(key: str | None) -> Indicator:
    return INDICATORS.get(key or "", INDICATORS[DEFAULT])


def figures_of(indicators: Iterable[Indicator]) -> list[str]:
    return sorted({figure for indicator in indicators for figure in indicator.figures})


def sort_value(result: Result):
    """Sort key: numbers first (ascending), then hidden, then missing values."""
    if result.value is not None:
        return (0, result.value)
    return (1, 0) if result.hidden else (2, 0)


def results_stored(results: dict[str, Result]) -> dict[str, dict]:
    """Results as models.LatestResults keeps them (JSON): the value and why it is hidden; the unit
    comes from the indicator when they are read back."""
    return {key: {"value": r.value, "suppression": r.suppression} for key, r in results.items()}


def results_read(stored: dict | None, indicators: Iterable[Indicator]) -> dict[str, Result]:
    """The Results of `indicators` from a LatestResults' JSON (None: nothing published). An
    indicator added since the municipality last published reads as missing, never as 0."""
    stored = stored or {}
    results = {}
    for i in indicators:
        cell = stored.get(i.key) or {}
        results[i.key] = Result(cell.get("value"), i.unit, cell.get("suppression") or "")
    return results
