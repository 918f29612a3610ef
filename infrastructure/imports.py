"""The `assets` dataset for the import engine (CONTRACT §5): csv / xlsx with lat+lon or WKT, and
GeoJSON. Declared next to the Asset model; registered from InfrastructureConfig.ready(). The
municipality's area checks here serve the service-requests dataset too (request_imports.py)."""

import numpy as np
import pandas as pd
from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry, Point
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from communities.imports import (
    community_import_choices,
    community_import_labels,
    community_link_sql,
    community_stage_sql,
)
from imports.geo import check_lat_lon
from imports.registry import CHOICE, DATE, DECIMAL, TEXT, Column, Dataset, choice_labels, register
from kernel.db import current_schema_name
from kernel.geo import THAILAND

from . import vocab  # the words registers use for types and conditions
from .models import AssetType, Condition
from .validators import DRAWABLE_TYPES, GEOMETRY_KINDS, MunicipalArea, validate_vertex_count


def _geometry_from_text(text: str) -> GEOSGeometry | None:
    try:
        geometry = GEOSGeometry(text, srid=4326)
    except (GEOSException, GDALException, ValueError, TypeError):
        return None
    return None if geometry.empty else geometry  # POINT EMPTY has no place and no extent


def municipal_area() -> MunicipalArea:
    """The area of the municipality whose schema the import runs in (its row in `public`)."""
    from tenants.models import Municipality

    municipality = (Municipality.objects.filter(schema_name=current_schema_name())
                    .only("name_th", "centre", "boundary").first())
    return MunicipalArea.of(municipality)


def reject_points_outside(parsed: pd.DataFrame, has_point: pd.Series, area: MunicipalArea,
                           reject) -> pd.Series:
    """Reject lat + lon rows outside the municipality (vectorised on the distance from its centre;
    only the few rows beyond it are tested against the boundary). True where a point is kept."""
    if not area.known or not has_point.any():
        return has_point
    lat = pd.to_numeric(parsed["lat"].where(has_point), errors="coerce")
    lon = pd.to_numeric(parsed["lon"].where(has_point), errors="coerce")
    if area.centre is not None:
        cx, cy = np.radians(area.centre.x), np.radians(area.centre.y)
        x, y = np.radians(lon), np.radians(lat)
        h = np.sin((y - cy) / 2) ** 2 + np.cos(cy) * np.cos(y) * np.sin((x - cx) / 2) ** 2
        km = pd.Series(2 * 6371.0 * np.arcsin(np.sqrt(h)), index=parsed.index)
        outside = has_point & (km > area.max_km)
    else:
        km, outside = None, has_point.copy()
    if area.boundary is not None:
        for index in parsed.index[outside]:
            if area.in_boundary(Point(float(lon.at[index]), float(lat.at[index]), srid=4326)):
                outside.at[index] = False
    if km is None:
        error = area.outside_boundary()
        reject(outside, "lat", error.message, **error.params)
    else:
        # One message per whole kilometre: a file from the wrong town costs a few calls, not one a row.
        for whole_km in sorted(km[outside].round().unique()):
            error = area.too_far(whole_km)
            reject(outside & (km.round() == whole_km), "lat", error.message, **error.params)
    return has_point & ~outside


def _prepare_assets(parsed: pd.DataFrame, reject) -> pd.DataFrame:
    area = municipal_area()
    has_point = check_lat_lon(parsed, reject)
    has_point = reject_points_outside(parsed, has_point, area, reject)
    wkt = ("POINT(" + parsed["lon"] + " " + parsed["lat"] + ")").where(has_point, "")
    shaped = (parsed["wkt"] != "") | (parsed["geojson"] != "")
    reject(~has_point & ~shaped & (parsed["lat"] == ""), "lat",
           _("Give the location as lat + lon or as wkt."))
    # WKT and GeoJSON need a geometry library: the loop runs only over those rows.
    kinds = pd.Series("Point", index=parsed.index).where(has_point, "")
    for index in parsed.index[shaped & ~has_point]:
        row = pd.Series(parsed.index == index, index=parsed.index)
        source = parsed.at[index, "wkt"] or parsed.at[index, "geojson"]
        geometry = _geometry_from_text(source)
        if geometry is None:
            reject(row, "wkt", _("The geometry cannot be read (not valid WKT or GeoJSON)."))
            continue
        try:
            validate_vertex_count(geometry)
        except ValidationError as error:
            reject(row, "wkt", error.message, **(error.params or {}))
            continue
        if not geometry.valid:  # after the size check: validity is costly on a huge shape
            reject(row, "wkt", _("The geometry cannot be read (not valid WKT or GeoJSON)."))
            continue
        xmin, ymin, xmax, ymax = geometry.extent
        if not THAILAND.contains_extent(xmin, ymin, xmax, ymax):
            # GeoJSON and WKT put longitude first: a file written "lat lon" lands in the sea.
            message = (_("The geometry's coordinates look swapped: GeoJSON and WKT give longitude first, "
                         "then latitude.") if THAILAND.contains_extent(ymin, xmin, ymax, xmax)
                       else _("The geometry is outside Thailand (WGS 84 longitude, latitude expected)."))
            reject(row, "wkt", message)
            continue
        if problem := area.problem(geometry):
            reject(row, "wkt", problem.message, **(problem.params or {}))
            continue
        wkt.at[index] = geometry.wkt
        kinds.at[index] = geometry.geom_type
    # A line or area type given as a point is kept at the point and waits for its drawing.
    pending = (kinds == "Point") & parsed["asset_type"].isin(DRAWABLE_TYPES)
    allowed = parsed["asset_type"].map(lambda t: GEOMETRY_KINDS.get(t, ()))
    wrong_kind = (kinds != "") & (parsed["asset_type"] != "") & ~pending & pd.Series(
        [kind not in kinds_ok for kind, kinds_ok in zip(kinds, allowed, strict=True)],
        index=parsed.index, dtype=bool)
    reject(wrong_kind, "asset_type",
           _("This asset type cannot have this geometry (e.g. a street light must be a point)."))
    parsed["wkt"] = wkt
    parsed["line_pending"] = pending.map({True: "t", False: "f"})
    parsed["condition"] = parsed["condition"].where(parsed["condition"] != "", Condition.GOOD.value)
    return parsed


# The register knows only a point, but someone has drawn the asset's line (or outline) since: keep
# the drawing. `t` is the stored asset, `excluded` the file's row; a drawn shape is kept only if it
# still suits the (maybe changed) type. Built from constants, never from a file.
_DRAWN_PAIRS = ", ".join(
    f"('{asset_type}', '{kind.upper()}')"
    for asset_type in sorted(DRAWABLE_TYPES) for kind in GEOMETRY_KINDS[asset_type] if kind != "Point"
)
_KEEP_DRAWN = (f"(excluded.line_pending AND NOT t.line_pending"
               f" AND (excluded.asset_type, GeometryType(t.geometry)) IN ({_DRAWN_PAIRS}))")


ASSETS = Dataset(
    key="assets", label=_("Infrastructure assets"), permission="imports.import_assets",
    list_url="infrastructure:asset-list",
    key_columns=("code",), formats=("csv", "xlsx", "geojson"),
    columns=(
        Column("code", "รหัสทรัพย์สิน", required=True, max_length=40, example="SL-0001"),
        Column("asset_type", "ประเภท", CHOICE, required=True,
               choices=AssetType.label_map() | vocab.ASSET_TYPE_EXTRA, labels=choice_labels(AssetType),
               example="ไฟฟ้าส่องสว่าง"),
        Column("name", "ชื่อ", required=True, max_length=200, example="เสาไฟหน้าตลาด"),
        Column("condition", "สภาพ", CHOICE, choices=Condition.label_map() | vocab.CONDITION_EXTRA,
               labels=choice_labels(Condition), example="ดี"),
        Column("installed_on", "วันที่ติดตั้ง", DATE, example="01/06/2565"),
        # From the register; another name goes through the preview's value mapping.
        Column("community", "ชุมชน", CHOICE, choices_from=community_import_choices,
               labels=community_import_labels, example="ชุมชนท่าเรือ"),
        Column("lat", "ละติจูด", DECIMAL, example="7.4101"),
        Column("lon", "ลองจิจูด", DECIMAL, example="99.5190"),
        Column("wkt", "WKT", TEXT, aliases=("geometry_wkt",), example=""),
        Column("geojson", "GeoJSON", TEXT, example=""),
    ),
    stage_columns=("code", "asset_type", "name", "condition", "installed_on", "community", "wkt",
                   "line_pending"),
    prepare=_prepare_assets,
    # The condition history (AssetConditionChange): one row per changed condition, and the first
    # condition of a new asset, as the services write them.
    # The location rule: a boundary covering the staged shape names the community.
    # The joins sit in a MATERIALIZED CTE: on a Citus cluster an INSERT … SELECT into a table with
    # an identity column goes through the coordinator, and Citus 13.2 cannot plan a join in its
    # SELECT there (README, "The platform on Citus"); a CTE it runs first, on the worker.
    before_upsert=(community_stage_sql(geometry="ST_GeomFromText(s.wkt, 4326)"), """
        WITH changed AS MATERIALIZED (
            SELECT a.id, a.condition AS from_condition, s.condition AS to_condition
            FROM _import_stage s JOIN infrastructure_asset a ON a.code = s.code
            WHERE a.condition <> s.condition)
        INSERT INTO infrastructure_assetconditionchange (asset_id, changed_at, from_condition, to_condition,
                                                         note)
        SELECT id, now(), from_condition, to_condition, 'import' FROM changed""",),
    after_upsert=("""
        WITH first AS MATERIALIZED (
            SELECT a.id, a.condition
            FROM _import_stage s JOIN infrastructure_asset a ON a.code = s.code
            WHERE NOT EXISTS (SELECT 1 FROM infrastructure_assetconditionchange h WHERE h.asset_id = a.id))
        INSERT INTO infrastructure_assetconditionchange (asset_id, changed_at, from_condition, to_condition,
                                                         note)
        SELECT id, now(), '', condition, 'import' FROM first""",
        *community_link_sql(table="infrastructure_asset", key="code")),
    upsert_sql=f"""
        INSERT INTO infrastructure_asset AS t (code, asset_type, name, geometry, condition, status,
            installed_on, community, attributes, notes, line_pending, created_at, updated_at)
        SELECT s.code, s.asset_type, s.name, ST_GeomFromText(s.wkt, 4326), s.condition, 'in_use',
               NULLIF(s.installed_on, '')::date, s.community, '{{}}'::jsonb, '', s.line_pending::boolean,
               now(), now()
        FROM _import_stage s
        ON CONFLICT (code) DO UPDATE SET
            asset_type = excluded.asset_type, name = excluded.name,
            geometry = CASE WHEN {_KEEP_DRAWN} THEN t.geometry ELSE excluded.geometry END,
            line_pending = CASE WHEN {_KEEP_DRAWN} THEN false ELSE excluded.line_pending END,
            condition = excluded.condition, installed_on = excluded.installed_on,
            -- excluded's now(), the same instant: Citus wants only immutable functions here
            community = excluded.community, updated_at = excluded.updated_at
        WHERE (t.asset_type, t.name, t.condition, t.installed_on, t.community) IS DISTINCT FROM
              (excluded.asset_type, excluded.name, excluded.condition, excluded.installed_on,
               excluded.community)
           OR (NOT {_KEEP_DRAWN} AND (NOT ST_Equals(t.geometry, excluded.geometry)
                                     OR t.line_pending <> excluded.line_pending))
        RETURNING (xmax = 0) AS inserted""",
)

register(ASSETS)
