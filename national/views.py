"""Console pages of national indicators (host localhost, schema public; platform team only):
the comparison table (+ CSV), the map, the trends, and "publish now"."""

import datetime as dt
import logging
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from kombu.exceptions import OperationalError

from accounts.decorators import permission_or_403
from kernel.exports import in_language, spreadsheet_response
from kernel.thaidate import export_date, is_thai
from tenants.selectors import province_choices

from . import charts, maps
from .indicators import INDICATORS, indicator_or_default
from .selectors import (
    comparison,
    comparison_entries,
    comparison_entry,
    comparison_rows,
    municipalities,
    province_codes,
    series,
)
from .services import NationalSnapshotError, municipalities_to_publish, national_snapshot_publish
from .tasks import national_snapshot_publish_everywhere

logger = logging.getLogger(__name__)
CONSOLE = "accounts.use_console"
PERIODS = (30, 90, 365)  # days the trend page offers
PAGE_SIZE = 50


def _filters(request) -> dict[str, str]:
    """The table's search (Thai or English name, code) and province, as the query string has them."""
    search = request.GET.get("q", "").strip()[:100]
    province = request.GET.get("province", "").strip()
    return {"search": search, "province_code": province if province.isdigit() and len(province) == 2 else ""}


def _sorted_rows(request):
    """The table's municipalities as the query string filters and sorts them, ordered in SQL
    (a queryset: only the rows a page or the CSV reads are fetched)."""
    sort = request.GET.get("sort", "name")
    sort = sort if sort in INDICATORS else "name"
    descending = request.GET.get("dir") == "desc"
    return comparison_rows(**_filters(request), sort=sort, descending=descending), sort, descending


@permission_or_403(CONSOLE)
def table(request):
    indicators = list(INDICATORS.values())
    rows, sort, descending = _sorted_rows(request)
    columns = [{"key": i.key, "label": i.label, "group": i.group,
                "dir": "asc" if sort == i.key and descending else "desc",
                "active": sort == i.key} for i in indicators]
    filters = _filters(request)
    # Paged over ids: sorting every municipality's whole row (its results) to skip to a late page
    # spilled to disk at 7,850; the page's 50 are read after, by id.
    page = Paginator(rows.values_list("pk", flat=True), PAGE_SIZE).get_page(request.GET.get("page"))
    wanted = (("q", filters["search"]), ("province", filters["province_code"]))
    filter_query = urlencode({k: v for k, v in wanted if v})
    sort_query = urlencode({"sort": sort, **({"dir": "desc"} if descending else {})})
    return render(request, "national/table.html", {
        "page": page,
        "rows": [{**r, "cells": [r["results"][i.key] for i in indicators]}
                 for r in comparison_entries(ids=list(page), indicators=indicators)],
        "columns": columns, "sort": sort, "descending": descending, "tab": "table",
        "name_dir": "desc" if sort == "name" and not descending else "asc",
        "search": filters["search"], "province": filters["province_code"],
        "provinces": province_choices(province_codes()),
        "filter_query": filter_query, "page_query": "&".join(q for q in (filter_query, sort_query) if q),
    })


@permission_or_403(CONSOLE)
def table_csv(request):
    return _table_export(request, fmt="csv")


@permission_or_403(CONSOLE)
def table_xlsx(request):
    return _table_export(request, fmt="xlsx")


def _table_export(request, *, fmt: str):
    """The table as it reads: the municipality's name in the reader's language, the snapshot's
    date day/month/year (Buddhist Era in Thai), one column per indicator, numbers of 1,000 or more
    with their thousands separator (kernel.exports: READABLE). No import reads it back; scripts
    take the same figures from GET /api/v1/national/indicators/."""
    indicators = list(INDICATORS.values())
    rows, _sort, _descending = _sorted_rows(request)
    header = [_("Municipality"), _("Province code"), _("Snapshot date"), *[str(i.label) for i in indicators]]

    def cell(result):
        return result.text if result.hidden else result.value

    def body():
        for m in rows.iterator(chunk_size=1000):
            r = comparison_entry(m, indicators=indicators)
            name = r["m"].name_th if is_thai() else (r["m"].name_en or r["m"].name_th)
            yield [name, r["m"].province_code, export_date(r["date"]),
                   *[cell(r["results"][i.key]) for i in indicators]]

    return spreadsheet_response(fmt=fmt, stem=f"national-indicators-{timezone.localdate().isoformat()}",
                                header=header, rows=in_language(body()), sheet_title=_("National indicators"))


@permission_or_403(CONSOLE)
def map_view(request):
    indicator = indicator_or_default(request.GET.get("indicator"))
    rows = comparison(indicators=[indicator])
    points, legend = maps.points_and_legend(rows, indicator=indicator)
    return render(request, "national/map.html", {
        "indicator": indicator, "indicators": INDICATORS.values(), "points": points, "legend": legend,
        "map_config": maps.map_config(rows, indicator=indicator),
        "rows": [{**r, "cell": r["results"][indicator.key]} for r in rows], "tab": "map",
        "no_centre": [r["m"] for r in rows if r["m"].centre is None],
    })


@permission_or_403(CONSOLE)
def trends(request):
    indicator = indicator_or_default(request.GET.get("indicator"))
    try:
        days = int(request.GET.get("days", 90))
    except ValueError:
        days = 90
    days = days if days in PERIODS else 90
    dates, lines = series(indicator=indicator, since=timezone.localdate() - dt.timedelta(days=days - 1))
    chart = charts.line_chart(
        dates=dates, lines=[{"label": line["m"].name_th, "points": line["points"]} for line in lines],
        value_text=lambda result: result.text,
    ) if dates else None
    return render(request, "national/trends.html", {
        "indicator": indicator, "indicators": INDICATORS.values(), "days": days, "periods": PERIODS,
        "dates": dates, "chart": chart, "tab": "trends",
        "table": [{"m": line["m"], "cells": [line["points"].get(day) for day in dates]} for line in lines],
    })


@permission_or_403(CONSOLE)
@require_POST
def publish(request):
    """One municipality now, in this request (a few hundred rows); or all, by the workers."""
    schema = request.POST.get("schema", "")
    if schema:
        municipality = get_object_or_404(municipalities(), schema_name=schema)
        try:
            rows = national_snapshot_publish(municipality=municipality)
        except NationalSnapshotError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Published %(count)d figures of %(name)s.") % {
                "count": rows, "name": municipality.name_th})
        return redirect("national:table")
    try:
        national_snapshot_publish_everywhere.delay()
    except OperationalError:
        logger.exception("could not enqueue the national snapshots")
        messages.error(request, _(
            "The task queue cannot be reached, so nothing was published. Try again in a few minutes, "
            "or publish one municipality at a time."))
    else:
        messages.success(request, _(
            "Publishing the figures of %(count)d municipalities. Reload this page in a minute."
        ) % {"count": municipalities_to_publish().count()})
    return redirect("national:table")
