"""The public open-data pages and files (no login): the catalogue, one page per dataset, its CSV
and its JSON-LD, the whole catalogue as DCAT JSON-LD and as Project Open Data data.json.

Only published datasets exist here: anything else is a 404. The files carry CORS `*` (other
sites' scripts may read open data) and validators (ETag, Last-Modified) from the dashboards'
refresh time and the metadata's last change, so a harvester re-downloads only what changed.
"""

import csv
import hashlib
import io
import json

from django.db.models import Max
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from kernel.exports import content_disposition, safe_cell

from . import dcat, vocabulary
from .models import Kind, PublishedDataset
from .selectors import data_modified, last_modified, published_dataset, published_datasets, refresh_times
from .tables import dataset_table, health_snapshot_ensure

PREVIEW_ROWS = 20
FORMAT_VERSION = "1"  # bump when the files' shape changes, so every cached copy is refetched
MAX_AGE = 300  # seconds a client may reuse a file without asking (the figures refresh often)
JSONLD = "application/ld+json; charset=utf-8"
JSON = "application/json; charset=utf-8"


# --- helpers -----------------------------------------------------------------------------------
def _validators(request, what: str, datasets: list[PublishedDataset], times: dict, *, catalogue: bool):
    """(ETag, Last-Modified) of a file describing `datasets`: it changes when their figures are
    refreshed or their metadata edited (or the host asked changes, since URLs are absolute). A
    catalogue also changes when a dataset leaves it: the last edit of any row counts."""
    moments = [last_modified(d, times) for d in datasets]
    stamps = [f"{d.kind}:{d.updated_at.isoformat()}:{data_modified(d, times)}" for d in datasets]
    if catalogue and (edited := PublishedDataset.objects.aggregate(last=Max("updated_at"))["last"]):
        moments.append(edited)
        stamps.append(edited.isoformat())
    raw = "|".join([FORMAT_VERSION, what, request.get_host(), *stamps])
    etag = quote_etag(hashlib.sha256(raw.encode()).hexdigest()[:32])
    modified = max(moments, default=None)
    return etag, (int(modified.timestamp()) if modified else None)  # HTTP dates have whole seconds


def _public_file(request, *, what: str, datasets: list[PublishedDataset], times: dict, build,
                 content_type: str, filename: str | None = None, catalogue: bool = False) -> HttpResponse:
    if times.get("national") is None and any(dataset.kind == Kind.HEALTH for dataset in datasets):
        # No snapshot yet: the body will publish the first one, so the validators must count it.
        health_snapshot_ensure()
        times = refresh_times()
    etag, modified = _validators(request, what, datasets, times, catalogue=catalogue)
    response = get_conditional_response(request, etag=etag, last_modified=modified)
    if response is None:
        response = HttpResponse(build(), content_type=content_type)
        if filename:
            response["Content-Disposition"] = content_disposition(filename)
    response["ETag"] = etag
    if modified is not None:
        response["Last-Modified"] = http_date(modified)
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Content-Disposition"
    return response


def _json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def csv_text(kind: str) -> str:
    """The dataset as CSV: a UTF-8 byte-order mark (Excel reads Thai right), a header row of
    English keys, then the rows; a text cell a spreadsheet would run as a formula is escaped."""
    table = dataset_table(kind)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.header)
    for row in table.rows:
        writer.writerow(["" if value is None else safe_cell(value) for value in row])
    return "\ufeff" + buffer.getvalue()


def _in_language(dataset: PublishedDataset) -> PublishedDataset:
    english = get_language() == "en"
    dataset.display_title = dataset.title_en if english and dataset.title_en else dataset.title_th
    dataset.display_description = (dataset.description_en if english and dataset.description_en
                                   else dataset.description_th)
    return dataset


# --- pages -------------------------------------------------------------------------------------
@require_safe
def catalog(request):
    ctx = dcat.Context(request)
    datasets = [_in_language(d) for d in published_datasets(getattr(request, "components", None))]
    for dataset in datasets:
        dataset.modified = last_modified(dataset, ctx.times)
    return render(request, "opendata/catalog.html", {"datasets": datasets, "links": ctx.links})


@require_safe
def dataset_page(request, kind: str):
    dataset = _in_language(published_dataset(kind, getattr(request, "components", None)))
    ctx = dcat.Context(request)
    table = dataset_table(kind)
    return render(request, "opendata/dataset.html", {
        "dataset": dataset,
        "links": ctx.links,
        "csv_url": ctx.links.csv(kind),
        "jsonld_url": ctx.links.jsonld(kind),
        "header": table.header,
        "rows": table.rows[:PREVIEW_ROWS],
        "row_count": len(table.rows),
        "data_modified": data_modified(dataset, ctx.times),
        "places": ctx.places,
        "gd": {
            "objective": vocabulary.GD_OBJECTIVE[dataset.objective],
            "frequency_unit": vocabulary.GD_FREQUENCY_UNIT[dataset.frequency_unit],
            "coverage": vocabulary.GD_COVERAGE[dataset.coverage_level],
            "category": vocabulary.GD_DATA_CATEGORY,
            "data_type": vocabulary.GD_DATA_TYPE,
            "licence": vocabulary.LICENCES[dataset.licence],
        },
    })


# --- files -------------------------------------------------------------------------------------
@require_safe
def dataset_csv(request, kind: str):
    dataset = published_dataset(kind, getattr(request, "components", None))
    ctx = dcat.Context(request)
    return _public_file(request, what=f"csv:{kind}", datasets=[dataset], times=ctx.times,
                        build=lambda: csv_text(kind).encode("utf-8"), content_type="text/csv; charset=utf-8",
                        filename=f"{request.tenant.schema_name}-{kind}.csv")


@require_safe
def dataset_jsonld(request, kind: str):
    dataset = published_dataset(kind, getattr(request, "components", None))
    ctx = dcat.Context(request)
    return _public_file(request, what=f"jsonld:{kind}", datasets=[dataset], times=ctx.times,
                        build=lambda: _json(dcat.dataset_jsonld(dataset, ctx)), content_type=JSONLD)


@require_safe
def catalog_jsonld(request):
    datasets = published_datasets(getattr(request, "components", None))
    ctx = dcat.Context(request)
    return _public_file(request, what="catalog", datasets=datasets, times=ctx.times,
                        build=lambda: _json(dcat.catalog_jsonld(datasets, ctx)), content_type=JSONLD,
                        catalogue=True)


@require_safe
def data_json(request):
    datasets = published_datasets(getattr(request, "components", None))
    ctx = dcat.Context(request)
    return _public_file(request, what="data.json", datasets=datasets, times=ctx.times,
                        build=lambda: _json(dcat.data_json(datasets, ctx)), content_type=JSON, catalogue=True)
