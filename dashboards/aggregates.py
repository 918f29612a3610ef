"""The dashboard's figures, read from the aggregate tables only (models.Aggregate): a filter by
community and period is a sum over a few hundred stored rows, never a scan of the domain tables.

Plain numbers and labels here; links and charts are added by sections.py for the reader.
"""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.selectors import community_names
from infrastructure.models import AssetType, Condition, RequestCategory
from kernel.yardsticks import Change, change, overdue_rate, sla_compliance_rate
from smarthealth.rules import AdlGroup, Disability, NcdColour

from . import refresh_sql
from .models import Aggregate, RefreshState
from .services import MONTHS, month_start

PERIODS = (3, 6, MONTHS)  # months the request figures can be summed over
ALERT_CONDITIONS = (Condition.POOR, Condition.OUT_OF_SERVICE)
BAND_TOP = 85  # the last population band is 85 and over
SURFACES = {"asphalt": _("Asphalt"), "concrete": _("Concrete"), "laterite": _("Laterite"),
            "gravel": _("Gravel"), "": _("Surface not recorded")}


@dataclass
class Filters:
    """What one reader asked for. Make one per request: it keeps the rows it has read."""

    community: str = ""  # "" = the whole municipality
    months: int = MONTHS
    # The community's rows of every figure, read once (one query) by the first figure asked.
    loaded: dict | None = field(default=None, repr=False, compare=False)


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _rows(figure: str, filters: Filters, *, since: dt.date | None = None) -> list[tuple]:
    """(month, key1, key2, count, amount) of one figure, from months ≥ `since` if given."""
    if filters.loaded is None:
        rows = Aggregate.objects.all()
        if filters.community:
            rows = rows.filter(community=filters.community)
        filters.loaded = defaultdict(list)
        for figure_key, *row in rows.values_list("figure", "month", "key1", "key2", "count", "amount"):
            filters.loaded[figure_key].append(tuple(row))
    rows = filters.loaded.get(figure, [])
    return rows if since is None else [r for r in rows if r[0] is not None and r[0] >= since]


def communities() -> list[str]:
    """The filter's communities: the register's, and any name the figures still carry from
    before merge_communities ran (so old figures stay reachable)."""
    figures = set(Aggregate.objects.exclude(community="").values_list("community", flat=True).distinct())
    return sorted(set(community_names()) | figures)


def updated_at() -> dict[str, dt.datetime | None]:
    return dict(RefreshState.objects.values_list("part", "refreshed_at"))


# --- infrastructure ---------------------------------------------------------------------------
def asset_aggregates(filters: Filters) -> dict:
    by_type: dict[str, Counter] = defaultdict(Counter)
    by_condition: Counter = Counter()
    for _m, asset_type, condition, n, _a in _rows("assets", filters):
        by_type[asset_type][condition] += n
        by_condition[condition] += n
    total = sum(by_condition.values())
    alert = sum(by_condition[c] for c in ALERT_CONDITIONS)
    return {
        "total": total,
        "alert": alert,
        "alert_percent": percent(alert, total),
        "conditions": [{"value": c.value, "label": c.label, "count": by_condition[c.value],
                        "percent": percent(by_condition[c.value], total)} for c in Condition],
        "types": [{"value": t.value, "label": t.label, "total": sum(by_type[t.value].values()),
                   "by_condition": {c.value: by_type[t.value][c.value] for c in Condition}}
                  for t in AssetType if by_type[t.value]],
    }


def road_aggregates(filters: Filters) -> dict:
    metres: Counter = Counter()
    counts: Counter = Counter()
    for _m, surface, _k, n, amount in _rows("road_length", filters):
        metres[surface] += amount
        counts[surface] += n
    order = [*SURFACES, *sorted(set(metres) - set(SURFACES))]
    surfaces = [{"value": s, "label": SURFACES.get(s, s), "metres": round(metres[s], 1),
                 "km": round(metres[s] / 1000, 3), "count": counts[s]} for s in order if counts[s]]
    return {"surfaces": surfaces, "total_km": round(sum(metres.values()) / 1000, 2),
            "count": sum(counts.values())}


def histogram_median(histogram: dict[int, int]) -> float | None:
    """The median of values given as {value: how many}; the mean of the two middle values when
    the count is even."""
    total = sum(histogram.values())
    if not total:
        return None
    ordered = sorted(histogram.items())

    def nth(index: int) -> int:
        seen = 0
        for value, count in ordered:
            seen += count
            if index < seen:
                return value
        raise IndexError(index)

    return (nth((total - 1) // 2) + nth(total // 2)) / 2


def request_aggregates(filters: Filters, *, today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    since = month_start(today, filters.months - 1)
    months = [month_start(today, back) for back in reversed(range(filters.months))]
    opened, closed, opened_by_category = Counter(), Counter(), Counter()
    for month, category, _k, n, _a in _rows("requests_opened", filters, since=since):
        opened[month] += n
        opened_by_category[category] += n
    for month, _c, _k, n, _a in _rows("requests_closed", filters, since=since):
        closed[month] += n
    histogram: Counter = Counter()
    hours_total = 0.0
    for _m, bucket, _k, n, amount in _rows("resolve_time", filters, since=since):
        histogram[int(bucket)] += n
        hours_total += amount
    on_time: Counter = Counter()
    for _m, _c, sla, n, _a in _rows("requests_sla", filters, since=since):
        on_time[sla] += n
    open_rows: dict[str, Counter] = defaultdict(Counter)
    for _m, category, state, n, _a in _rows("requests_open", filters):
        open_rows[category][state] += n
    # The same two figures at the same time a month before (refresh_sql: requests_open_before).
    before: Counter = Counter()
    for _m, _c, state, n, _a in _rows("requests_open_before", filters):
        before[state] += n
    categories = [
        {"value": c.value, "label": c.label, "opened": opened_by_category[c.value],
         "open": sum(open_rows[c.value].values()), "overdue": open_rows[c.value]["overdue"]}
        for c in RequestCategory
        if opened_by_category[c.value] or open_rows[c.value]
    ]
    resolved = sum(histogram.values())
    answers: Counter = Counter()
    satisfaction_total = 0.0
    for _m, key, _k, n, amount in _rows("citizen_answers", filters, since=since):
        answers[key] += n
        if key == "rated":
            satisfaction_total += amount
    open_now = sum(c["open"] for c in categories)
    overdue = sum(c["overdue"] for c in categories)
    return {
        # Of the requests marked fixed in the period, how many citizens said "not fixed yet".
        "reopened": answers["reopened"],
        "reopen_rate": percent(answers["reopened"], answers["fixed"]),
        "rated": answers["rated"],
        "satisfaction": round(satisfaction_total / answers["rated"], 1) if answers["rated"] else None,
        "since": since,
        "months": [{"month": m, "opened": opened[m], "closed": closed[m]} for m in months],
        "opened": sum(opened.values()),
        "closed": sum(closed.values()),
        "resolved": resolved,
        "median_hours": histogram_median(histogram),
        "mean_hours": round(hours_total / resolved, 1) if resolved else None,
        "categories": categories,
        "open": open_now,
        "overdue": overdue,
        # The yardsticks (kernel.yardsticks, shared with the API and the national snapshot).
        "resolved_on_time": on_time["on_time"],
        "resolved_late": on_time["late"],
        "sla_rate": sla_compliance_rate(resolved=on_time["on_time"] + on_time["late"],
                                        resolved_on_time=on_time["on_time"]),
        "overdue_rate": overdue_rate(open_now=open_now, overdue=overdue),
        # Against the same time of day a month before (kernel.yardsticks.change, as every change).
        "open_change": change(open_now, before["overdue"] + before["on_time"]),
        "overdue_change": change(overdue, before["overdue"]),
    }


def request_month_changes(filters: Filters, *, today: dt.date | None = None) -> dict:
    """The last complete month against the month before it (the current month is still running,
    so comparing it would always look like a fall): requests opened, resolved or closed, and the
    share resolved within SLA (its difference in percentage points)."""
    today = today or timezone.localdate()
    last, before = month_start(today, 1), month_start(today, 2)
    counts: dict[str, Counter] = defaultdict(Counter)
    for figure in ("requests_opened", "requests_closed"):
        for month, _c, _k, n, _a in _rows(figure, filters, since=before):
            counts[figure][month] += n
    sla: dict[dt.date, Counter] = defaultdict(Counter)
    for month, _c, state, n, _a in _rows("requests_sla", filters, since=before):
        sla[month][state] += n

    def sla_rate(month: dt.date) -> float | None:
        return sla_compliance_rate(resolved=sla[month]["on_time"] + sla[month]["late"],
                                   resolved_on_time=sla[month]["on_time"])

    rows: list[tuple[str, Change, bool]] = [
        ("opened", change(counts["requests_opened"][last], counts["requests_opened"][before]), False),
        ("closed", change(counts["requests_closed"][last], counts["requests_closed"][before]), False),
        ("sla_rate", change(sla_rate(last), sla_rate(before)), True),
    ]
    return {"month": last, "previous_month": before,
            "rows": [{"key": key, "change": c, "points": points} for key, c, points in rows]}


def hotspot_cells(filters: Filters, *, today: dt.date | None = None) -> list[dict]:
    """Requests received in the period per grid cell: [{"bounds": [[s, w], [n, e]], "count"}]."""
    since = month_start(today or timezone.localdate(), filters.months - 1)
    cells: Counter = Counter()
    for _m, cell, _k, n, _a in _rows("request_cells", filters, since=since):
        cells[cell] += n
    size = refresh_sql.GRID_DEGREES
    result = []
    for cell, count in cells.most_common():
        ix, iy = (int(part) for part in cell.split(":"))
        result.append({"bounds": [[round(iy * size, 6), round(ix * size, 6)],
                                  [round((iy + 1) * size, 6), round((ix + 1) * size, 6)]],
                       "count": count})
    return result


# --- smart health -----------------------------------------------------------------------------
def _band_label(band: int) -> str:
    return f"{band}+" if band >= BAND_TOP else f"{band}–{band + 4}"


def health_aggregates(filters: Filters) -> dict:
    pyramid: dict[int, Counter] = defaultdict(Counter)
    for _m, sex, band, n, _a in _rows("population", filters):
        pyramid[int(band)][sex] += n
    population = sum(sum(c.values()) for c in pyramid.values())
    bands = [{"band": b, "label": _band_label(b), "male": pyramid[b]["M"], "female": pyramid[b]["F"]}
             for b in range(BAND_TOP, -1, -5)]  # oldest on top, as a pyramid is drawn

    def by_key1(figure: str) -> Counter:
        counts: Counter = Counter()
        for _m, key1, _k, n, _a in _rows(figure, filters):
            counts[key1] += n
        return counts

    adl = by_key1("elderly_adl")
    elderly = sum(adl.values())
    bedridden = by_key1("bedridden")
    # The same bedbound persons in the 30 days before (key2): the visit rate's previous period.
    visited_before: Counter = Counter()
    for _m, _k1, before, n, _a in _rows("bedridden", filters):
        visited_before[before] += n
    screening = by_key1("screening")
    adults = screening["screened"] + screening["not_screened"]
    disabled = by_key1("disabled")
    ncd: dict[str, Counter] = defaultdict(Counter)
    for _m, dx, colour, n, _a in _rows("ncd", filters):
        ncd[dx][colour] += n
    colours = [(c.value, c.label) for c in NcdColour] + [("none", _("Not screened"))]
    return {
        "population": population,
        "male": sum(c["M"] for c in pyramid.values()),
        "female": sum(c["F"] for c in pyramid.values()),
        "bands": bands,
        "elderly": elderly,
        "adl_groups": [{"value": value, "label": label, "count": adl[value],
                        "percent": percent(adl[value], elderly)}
                       for value, label in [*AdlGroup.choices, ("none", _("Not assessed"))]],
        "bedridden": bedridden["visited"] + bedridden["not_visited"],
        "bedridden_visited": bedridden["visited"],
        "bedridden_not_visited": bedridden["not_visited"],
        "bedridden_visited_percent": percent(bedridden["visited"],
                                             bedridden["visited"] + bedridden["not_visited"]),
        "bedridden_visited_before": visited_before["visited"],
        "bedridden_visited_change": change(
            percent(bedridden["visited"], bedridden["visited"] + bedridden["not_visited"]),
            percent(visited_before["visited"], visited_before["visited"] + visited_before["not_visited"])),
        "ncd": [{"value": dx, "label": label, "total": sum(ncd[dx].values()),
                 "colours": [{"value": v, "label": lab, "count": ncd[dx][v],
                              "percent": percent(ncd[dx][v], sum(ncd[dx].values()))} for v, lab in colours]}
                for dx, label in (("DM", _("Diabetes")), ("HT", _("Hypertension")))],
        "adults": adults,
        "screened": screening["screened"],
        "screened_percent": percent(screening["screened"], adults),
        "disabled": sum(disabled.values()),
        "disability_types": [{"value": v, "label": label, "count": disabled[v]}
                             for v, label in Disability.choices if disabled[v]],
    }
