"""Asset list exports, in the two variants of kernel.exports offered side by side:

- READABLE (the default): what the list shows — headings and values in the reader's language
  (ประเภท: ไฟฟ้าส่องสว่าง, สภาพ: พอใช้), the status and the type's own facts, dates
  day/month/Buddhist year in Thai. Its Thai headings and values are the ones the assets import
  accepts (CONTRACT §5), so it also imports again (status and facts are not imported).
- FOR_IMPORT: exactly the assets import's columns (CONTRACT §5) — English keys, stored codes, ISO
  dates — for scripts and GIS tools; nothing the import would ignore.

GeoJSON is for GIS software and keeps keys and codes (and the facts) in both.
"""

import json

from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db.models import FloatField, Func, TextField
from django.http import Http404, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kernel.exports import FOR_IMPORT, READABLE, content_disposition, in_language, spreadsheet_response
from kernel.thaidate import export_date, is_thai

from .models import ATTRIBUTE_SPECS, AssetStatus, AssetType, Attr, Condition

FORMATS = ("csv", "xlsx", "geojson")
# CONTRACT §5 asset columns with their English keys; the geometry is lat + lon for points and WKT
# for lines and areas. The readable file adds the status after the condition, and the facts.
BASE_COLUMNS = ["code", "asset_type", "name", "condition", "status", "installed_on", "community"]
IMPORT_COLUMNS = ["code", "asset_type", "name", "condition", "installed_on", "community"]
GEOMETRY_COLUMNS = ["lat", "lon", "wkt"]
CHUNK_ROWS = 2000  # rows fetched per round trip (server-side cursor): memory stays flat at 100k
FEATURES_PER_WRITE = 500


class _PointY(Func):
    template = "CASE WHEN GeometryType(%(expressions)s) = 'POINT' THEN ST_Y(%(expressions)s) END"
    output_field = FloatField()


class _PointX(Func):
    template = "CASE WHEN GeometryType(%(expressions)s) = 'POINT' THEN ST_X(%(expressions)s) END"
    output_field = FloatField()


class _ShapeWKT(Func):
    template = (
        "CASE WHEN GeometryType(%(expressions)s) = 'POINT' THEN NULL ELSE ST_AsText(%(expressions)s, 7) END"
    )
    output_field = TextField()


def attribute_columns(asset_type: str | None) -> list[str]:
    names: list[str] = []
    for type_name, specs in ATTRIBUTE_SPECS.items():
        if asset_type and type_name != asset_type:
            continue
        names.extend(name for name in specs if name not in names)
    return names


def _attribute_spec(name: str) -> Attr | None:
    for specs in ATTRIBUTE_SPECS.values():
        if name in specs:
            return specs[name]
    return None


def _readable_header(attribute_names: list[str]) -> list[str]:
    # In Thai these are the assets import's Thai headers (CONTRACT §5), so the file imports again
    # (tests/infrastructure/test_asset_export.py imports one back).
    base = [pgettext("asset export", "Code"), pgettext("asset export", "Type"),
            pgettext("asset export", "Name"), pgettext("asset export", "Condition"),
            pgettext("asset export", "Status"), pgettext("asset export", "Installed on"),
            pgettext("asset export", "Community"), pgettext("asset export", "Latitude"),
            pgettext("asset export", "Longitude"), "WKT"]
    attributes = []
    for name in attribute_names:
        spec = _attribute_spec(name)
        attributes.append(str(spec.label) if spec else name)
    return [*base, *attributes]


def header(attribute_names: list[str], *, variant: str) -> list[str]:
    if variant == FOR_IMPORT:
        return [*IMPORT_COLUMNS, *GEOMETRY_COLUMNS]
    return _readable_header(attribute_names)


def _raw_rows(assets, attribute_names: list[str]):
    rows = (
        assets.order_by("code")
        .annotate(lat=_PointY("geometry"), lon=_PointX("geometry"), wkt=_ShapeWKT("geometry"))
        .values_list(*BASE_COLUMNS, *GEOMETRY_COLUMNS, "attributes")
    )
    for *values, attributes in rows.iterator(chunk_size=CHUNK_ROWS):
        values[7] = round(values[7], 7) if values[7] is not None else None
        values[8] = round(values[8], 7) if values[8] is not None else None
        yield values, [(attributes or {}).get(name) for name in attribute_names]


def _attribute_text(spec: Attr | None, value):
    if value is None or spec is None:
        return value
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if spec.kind == "choice":
        for stored, english, thai in spec.choices:
            if stored == value:
                return thai if is_thai() else english
    return value


def table_rows(assets, attribute_names: list[str], *, variant: str, text: bool):
    """One list per asset in header order (a generator: run it through kernel.exports.in_language).
    `text`: CSV, where the file for re-import has ISO dates (Excel keeps date cells)."""
    if variant == FOR_IMPORT:
        for values, _extra in _raw_rows(assets, []):
            if text:
                values[5] = values[5].isoformat() if values[5] else ""
            del values[4]  # the status: not an import column
            yield values
        return
    types, conditions, statuses = dict(AssetType.choices), dict(Condition.choices), dict(AssetStatus.choices)
    for values, extra in _raw_rows(assets, attribute_names):
        # A fact's name may mean different choices for two types (a bridge's and a pipe's material).
        own = ATTRIBUTE_SPECS.get(values[1], {})
        specs = [own.get(name) or _attribute_spec(name) for name in attribute_names]
        values[1] = str(types.get(values[1], values[1]))
        values[3] = str(conditions.get(values[3], values[3]))
        values[4] = str(statuses.get(values[4], values[4]))
        values[5] = export_date(values[5])
        yield [*values, *(_attribute_text(spec, value) for spec, value in zip(specs, extra, strict=True))]


def _geojson_chunks(assets, attribute_names: list[str]):
    """A FeatureCollection written in pieces; PostGIS writes each geometry (ST_AsGeoJSON)."""
    rows = (
        assets.order_by("code")
        .annotate(shape=AsGeoJSON("geometry", precision=7))
        .values_list(*BASE_COLUMNS, "attributes", "line_pending", "shape")
    )
    yield '{"type": "FeatureCollection", "features": [\n'
    batch, written = [], False
    for *values, attributes, line_pending, shape in rows.iterator(chunk_size=CHUNK_ROWS):
        properties = dict(zip(BASE_COLUMNS, values, strict=True))
        properties["installed_on"] = values[5].isoformat() if values[5] else None
        # A line or area known only by its point (CSV and XLSX say it by giving lat + lon).
        properties["line_pending"] = line_pending
        for name in attribute_names:
            properties[name] = (attributes or {}).get(name)
        # The geometry is PostGIS's own JSON text, pasted in rather than parsed and re-encoded.
        properties_json = json.dumps(properties, ensure_ascii=False)
        batch.append(f'{{"type": "Feature", "geometry": {shape}, "properties": {properties_json}}}')
        if len(batch) >= FEATURES_PER_WRITE:
            yield (",\n" if written else "") + ",\n".join(batch)
            batch, written = [], True
    if batch:
        yield (",\n" if written else "") + ",\n".join(batch)
    yield "\n]}\n"


def asset_export_response(assets, *, fmt: str, stem: str, asset_type: str | None, variant: str = READABLE):
    if fmt not in FORMATS:
        raise Http404("unknown export format")
    attribute_names = attribute_columns(asset_type)
    if fmt == "geojson":
        response = StreamingHttpResponse(_geojson_chunks(assets, attribute_names),
                                         content_type="application/geo+json; charset=utf-8")
        response["Content-Disposition"] = content_disposition(f"{stem}.geojson")
        return response
    rows = table_rows(assets, attribute_names, variant=variant, text=fmt == "csv")
    return spreadsheet_response(fmt=fmt, stem=stem, header=header(attribute_names, variant=variant),
                                rows=in_language(rows), variant=variant,
                                sheet_title="assets" if variant == FOR_IMPORT else _("Assets"))
