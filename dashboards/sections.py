"""The dashboard's sections for one reader: figures (aggregates.py) + charts (charts.py) + links to
the list behind each figure, only where the reader may open that list. Shared by the dashboard
page and the home-page widgets."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import dateformat, formats, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kernel.numbers import grouped
from kernel.thaidate import BE_OFFSET, THAI_MONTHS_ABBR
from kernel.yardsticks import signed

from . import charts
from .aggregates import (
    Filters,
    asset_aggregates,
    health_aggregates,
    hotspot_cells,
    request_aggregates,
    request_month_changes,
    road_aggregates,
)
from .targets import NOT_MET, actual_values, yardsticks

ASSET_PERM = "infrastructure.view_asset"
REQUEST_PERM = "infrastructure.view_servicerequest"
HEALTH_PERM = "dashboards.view_health_dashboard"
PERSON_PERM = "smarthealth.view_person"  # person and care lists: nurse and admin


def link(name: str, **params) -> str:
    """The list behind a figure, with its filters as the query. Whether the reader may follow
    it is the caller's question (permissions here, switched-off modules in views.index)."""
    base = reverse(name, kwargs=params.pop("kwargs", None))
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{base}?{query}" if query else base


def cell(text, url=None) -> dict:
    # A count reads with its thousands separator (1,178), in either language.
    return {"text": grouped(text) if isinstance(text, int) else text, "url": url}


def decimal(value, places: int = 2) -> str:
    """A figure with thousands separators, as the reader's language writes it (1,234.50)."""
    return formats.number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


def km_text(km) -> str:
    """A length in kilometres with the unit in the reader's language (กม. in Thai)."""
    return _("%(km)s km") % {"km": decimal(km)}


def month_tick(day) -> str:
    """A chart's axis label: the month over its two-digit year (ม.ค. over 69: the Buddhist Era in
    Thai), on two lines so that twelve of them fit side by side."""
    month, year = month_label(day).rsplit(" ", 1)
    return f"{month}\n{year}"


def month_label(day) -> str:
    if (translation.get_language() or "th").startswith("th"):
        return f"{THAI_MONTHS_ABBR[day.month - 1]} {str(day.year + BE_OFFSET)[-2:]}"
    return dateformat.format(day, "M y")


def duration_text(hours: float | None) -> str:
    if hours is None:
        return "–"
    if hours < 48:
        n = round(hours, 1)
        return ngettext("%(n)s hour", "%(n)s hours", int(n)) % {"n": f"{n:g}"}
    days = round(hours / 24, 1)
    return ngettext("%(n)s day", "%(n)s days", int(days)) % {"n": f"{days:g}"}


# --- infrastructure ---------------------------------------------------------------------------
def open_change_note(change) -> str:
    """An "open now" figure against the same time a month before, e.g. "a month ago at this
    time: 4, change +1 (+25.0 %)"."""
    return _("a month ago at this time: %(before)s, change %(change)s") % {
        "before": decimal(change.previous, 0), "change": change_text(change, points=False)}


def change_text(change, *, points: bool) -> str:
    """"+5 (+25.0 %)" for a count, "+2.5 points" for a rate; "–" when a month has no value."""
    if change.difference is None:
        return "–"
    if points:
        return _("%(diff)s points") % {"diff": signed(change.difference)}
    text = signed(change.difference, places=0)
    return text if change.percent is None else f"{text} ({signed(change.percent)} %)"


def percent_text(value) -> str:
    return "–" if value is None else f"{decimal(value, 1)} %"


def assets_section(user, filters: Filters, *, targets: dict | None = None) -> dict:
    figures = asset_aggregates(filters)
    links = user.has_perm(ASSET_PERM)
    community = filters.community

    def asset_url(**params):
        return link("infrastructure:asset-list", community=community, **params) if links else None

    for c in figures["conditions"]:
        c["url"] = asset_url(condition=c["value"])
    rows = []
    for t in figures["types"]:
        t["url"] = asset_url(asset_type=t["value"])
        rows.append({"label": t["label"], "url": t["url"], "segments": [
            {"value": t["by_condition"][c["value"]], "css": f"c-{c['value']}",
             "title": f"{t['label']} · {c['label']}: {grouped(t['by_condition'][c['value']])}",
             "url": asset_url(asset_type=t["value"], condition=c["value"])}
            for c in figures["conditions"]]})
    roads = road_aggregates(filters)
    for s in roads["surfaces"]:
        s["url"] = asset_url(asset_type="road")
    road_rows = [{"label": s["label"], "segments": [{"value": s["km"], "css": "c-road",
                                                      "title": f"{s['label']}: {km_text(s['km'])}"}],
                  "display": km_text(s["km"])} for s in roads["surfaces"]]
    type_chart = charts.hbar(_("Assets by type and condition"), rows)
    type_chart.table = {
        "head": [_("Type"), *[c["label"] for c in figures["conditions"]], _("Total")],
        "rows": [[cell(t["label"], t["url"]),
                  *[cell(t["by_condition"][c["value"]],
                         asset_url(asset_type=t["value"], condition=c["value"]))
                    for c in figures["conditions"]], cell(t["total"])] for t in figures["types"]],
    }
    road_chart = charts.hbar(_("Road length by surface"), road_rows)
    road_chart.table = {"head": [_("Surface"), _("Roads"), _("Kilometres")],
                        "rows": [[cell(s["label"]), cell(s["count"], s["url"]), cell(decimal(s["km"]))]
                                 for s in roads["surfaces"]]}
    return {
        "assets": figures,
        "roads": roads,
        "alert_urls": [asset_url(condition=c) for c in ("poor", "out_of_service")],
        "all_url": asset_url(),
        "road_url": asset_url(asset_type="road"),
        "type_chart": type_chart,
        "road_chart": road_chart,
        "yardsticks": yardsticks(targets=targets or {}, actuals=actual_values(assets=figures)),
    }


def requests_section(user, filters: Filters, *, targets: dict | None = None) -> dict:
    figures = request_aggregates(filters)
    links = user.has_perm(REQUEST_PERM)

    def queue_url(**params):
        return link("infrastructure:request-list", **params) if links else None

    for c in figures["categories"]:
        c["open_url"] = queue_url(queue="open", category=c["value"])
        c["overdue_url"] = queue_url(queue="overdue", category=c["value"])
        c["all_url"] = queue_url(queue="all", category=c["value"])
    # Most overdue first (ties keep the categories' usual order): the reader looks at the top bar.
    by_overdue = sorted((c for c in figures["categories"] if c["open"]), key=lambda c: -c["overdue"])
    overdue_rows = [{"label": c["label"], "url": c["overdue_url"],
                     "segments": [{"value": c["overdue"], "css": "c-overdue", "url": c["overdue_url"],
                                   "title": f"{c['label']}: {grouped(c['overdue'])}"}]}
                    for c in by_overdue]
    for m in figures["months"]:
        m["label"] = month_label(m["month"])
    month_chart = charts.columns(
        _("Service requests opened and closed per month"), figures["months"],
        [("opened", "c-opened", str(_("Opened"))), ("closed", "c-closed", str(_("Resolved or closed")))],
        label=month_label, tick=month_tick)
    month_chart.table = {"head": [_("Month"), _("Opened"), _("Resolved or closed")],
                         "rows": [[cell(m["label"]), cell(m["opened"]), cell(m["closed"])]
                                  for m in figures["months"]]}
    overdue_chart = charts.hbar(_("Overdue requests by category"), overdue_rows)
    overdue_chart.table = {
        "head": [_("Category"), _("Opened in the period"), _("Open now"), _("Overdue now")],
        "rows": [[cell(c["label"]), cell(c["opened"], c["all_url"]), cell(c["open"], c["open_url"]),
                  cell(c["overdue"], c["overdue_url"])]
                 for c in sorted(figures["categories"], key=lambda c: -c["overdue"])],
    }
    judged = yardsticks(targets=targets or {}, actuals=actual_values(requests=figures))
    changes = request_month_changes(filters)
    names = {"opened": _("Requests opened"), "closed": _("Requests resolved or closed"),
             "sla_rate": _("Resolved within SLA")}
    for row in changes["rows"]:
        c, points = row["change"], row["points"]
        row["label"] = names[row["key"]]
        row["previous_text"] = percent_text(c.previous) if points else decimal(c.previous, 0)
        row["current_text"] = percent_text(c.current) if points else decimal(c.current, 0)
        row["change_text"] = change_text(c, points=points)
    changes["month_label"] = month_label(changes["month"])
    changes["previous_label"] = month_label(changes["previous_month"])
    return {
        "changes": changes,
        "open_change_note": open_change_note(figures["open_change"]),
        "overdue_change_note": open_change_note(figures["overdue_change"]),
        "sla_text": percent_text(figures["sla_rate"]),
        "overdue_rate_text": percent_text(figures["overdue_rate"]),
        "yardsticks": judged,
        # The rate's own figure turns red when it misses its target.
        "sla_alert": judged.get("sla_compliance", {}).get("status") == NOT_MET,
        "overdue_alert": judged.get("overdue_rate", {}).get("status") == NOT_MET,
        "requests": figures,
        "median": duration_text(figures["median_hours"]),
        "open_url": queue_url(queue="open"),
        "overdue_url": queue_url(queue="overdue"),
        "all_url": queue_url(queue="all"),
        "map_url": link("infrastructure:request-map") if links else None,
        "month_chart": month_chart,
        "overdue_chart": overdue_chart,
        "cells": hotspot_cells(filters),
    }


# --- smart health -----------------------------------------------------------------------------
def health_section(user, filters: Filters, *, targets: dict | None = None) -> dict:
    figures = health_aggregates(filters)
    links = user.has_perm(PERSON_PERM)
    # The care lists offer only communities that have households: pass one only then.
    community = filters.community if figures["population"] else ""

    def care_url(kind, **params):
        return link("smarthealth:care-list", kwargs={"kind": kind}, community=community, **params) \
            if links else None

    def person_url(**params):
        return link("smarthealth:person-list", status="living", community=community, **params) \
            if links else None

    for g in figures["adl_groups"]:
        g["url"] = care_url("elderly", adl_group=g["value"])
    for dx in figures["ncd"]:
        for c in dx["colours"]:
            c["url"] = person_url(condition=dx["value"], ncd_colour=c["value"])
    for d in figures["disability_types"]:
        d["url"] = care_url("disabled", disability=d["value"])
    adl_rows = [{"label": g["label"], "url": g["url"], "segments": [
        {"value": g["count"], "css": f"c-adl-{g['value']}", "url": g["url"],
         "title": f"{g['label']}: {grouped(g['count'])}"}]} for g in figures["adl_groups"]]
    ncd_rows = [{"label": dx["label"], "segments": [
        {"value": c["count"], "css": f"c-ncd-{c['value']}", "url": c["url"],
         "title": f"{dx['label']} · {c['label']}: {grouped(c['count'])}"} for c in dx["colours"]]}
        for dx in figures["ncd"]]
    pyramid_chart = charts.pyramid(_("Population by age and sex"), figures["bands"],
                                   male_name=_("Male"), female_name=_("Female"))
    pyramid_chart.table = {"head": [_("Age"), _("Male"), _("Female")],
                           "rows": [[cell(b["label"]), cell(b["male"]), cell(b["female"])]
                                    for b in figures["bands"]]}
    adl_chart = charts.hbar(_("Elderly (60+) by ADL group"), adl_rows)
    adl_chart.table = {"head": [_("ADL group"), _("Persons"), "%"],
                       "rows": [[cell(g["label"], g["url"]), cell(g["count"], g["url"]),
                                 cell("–" if g["percent"] is None else g["percent"])]
                                for g in figures["adl_groups"]]}
    ncd_chart = charts.hbar(_("NCD colour of DM and HT patients"), ncd_rows)
    colours = figures["ncd"][0]["colours"]
    ncd_chart.table = {"head": [_("NCD colour"), *[dx["label"] for dx in figures["ncd"]]],
                       "rows": [[cell(c["label"]), *[cell(dx["colours"][i]["count"], dx["colours"][i]["url"])
                                                     for dx in figures["ncd"]]]
                                for i, c in enumerate(colours)]}
    return {
        "health": figures,
        "population_url": person_url(),
        "elderly_url": care_url("elderly"),
        "bedridden_url": care_url("bedridden"),
        "not_visited_url": care_url("bedridden", overdue="1"),
        "disabled_url": care_url("disabled"),
        "pyramid_chart": pyramid_chart,
        "adl_chart": adl_chart,
        "ncd_chart": ncd_chart,
        "yardsticks": yardsticks(targets=targets or {}, actuals=actual_values(health=figures)),
        # The visit rate against the 30 days before (nothing when nobody is bedbound).
        "visited_before_text": percent_text(figures["bedridden_visited_change"].previous),
        "visited_change_text": "" if figures["bedridden_visited_change"].difference is None
        else change_text(figures["bedridden_visited_change"], points=True),
    }
