"""The `assets` dataset for the import engine (CONTRACT §5): csv / xlsx with lat+lon or WKT, and
GeoJSON. Declared next to the Asset model; registered from InfrastructureConfig.ready()."""

import pandas as pd
from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from imports.geo import check_lat_lon
from imports.registry import CHOICE, DATE, DECIMAL, TEXT, Column, Dataset, register
from kernel.geo import THAILAND

from .models import AssetType, Condition
from .validators import GEOMETRY_KINDS, validate_vertex_count


def _geometry_from_text(text: str) -> GEOSGeometry | None:
    try:
        geometry = GEOSGeometry(text, srid=4326)
    except (GEOSException, GDALException, ValueError, TypeError):
        return None
    return None if geometry.empty else geometry  # POINT EMPTY has no place and no extent


def _prepare_assets(parsed: pd.DataFrame, reject) -> pd.DataFrame:
    has_point = check_lat_lon(parsed, reject)
    wkt = ("POINT(" + parsed["lon"] + " " + parsed["lat"] + ")").where(has_point, "")
    shaped = (parsed["wkt"] != "") | (parsed["geojson"] != "")
    reject(~has_point & ~shaped & (parsed["lat"] == ""), "lat",
           _("Give the location as lat + lon or as wkt."))
    # WKT and GeoJSON need a geometry library: the loop runs only over those rows.
    kinds = pd.Series("Point", index=parsed.index).where(has_point, "")
    for index in parsed.index[shaped & ~has_point]:
        source = parsed.at[index, "wkt"] or parsed.at[index, "geojson"]
        geometry = _geometry_from_text(source)
        if geometry is None:
            reject(pd.Series(parsed.index == index, index=parsed.index), "wkt",
                   _("The geometry cannot be read (not valid WKT or GeoJSON)."))
            continue
        try:
            validate_vertex_count(geometry)
        except ValidationError as error:
            reject(pd.Series(parsed.index == index, index=parsed.index), "wkt", error.message,
                   **(error.params or {}))
            continue
        if not geometry.valid:  # after the size check: validity is costly on a huge shape
            reject(pd.Series(parsed.index == index, index=parsed.index), "wkt",
                   _("The geometry cannot be read (not valid WKT or GeoJSON)."))
            continue
        xmin, ymin, xmax, ymax = geometry.extent
        if not THAILAND.contains_extent(xmin, ymin, xmax, ymax):
            # GeoJSON and WKT put longitude first: a file written "lat lon" lands in the sea.
            message = (_("The geometry's coordinates look swapped: GeoJSON and WKT give longitude first, "
                         "then latitude.") if THAILAND.contains_extent(ymin, xmin, ymax, xmax)
                       else _("The geometry is outside Thailand (WGS 84 longitude, latitude expected)."))
            reject(pd.Series(parsed.index == index, index=parsed.index), "wkt", message)
            continue
        wkt.at[index] = geometry.wkt
        kinds.at[index] = geometry.geom_type
    allowed = parsed["asset_type"].map(lambda t: GEOMETRY_KINDS.get(t, ()))
    wrong_kind = (kinds != "") & (parsed["asset_type"] != "") & pd.Series(
        [kind not in kinds_ok for kind, kinds_ok in zip(kinds, allowed, strict=True)],
        index=parsed.index, dtype=bool)
    reject(wrong_kind, "asset_type",
           _("This asset type cannot have this geometry (e.g. a road must be a line)."))
    parsed["wkt"] = wkt
    parsed["condition"] = parsed["condition"].where(parsed["condition"] != "", Condition.GOOD.value)
    return parsed


ASSETS = Dataset(
    key="assets", label=_("Infrastructure assets"), permission="imports.import_assets",
    key_columns=("code",), formats=("csv", "xlsx", "geojson"),
    columns=(
        Column("code", "รหัสทรัพย์สิน", required=True, max_length=40, example="SL-0001"),
        Column("asset_type", "ประเภท", CHOICE, required=True, choices=AssetType.label_map(),
               example="ไฟฟ้าส่องสว่าง"),
        Column("name", "ชื่อ", required=True, max_length=200, example="เสาไฟหน้าตลาด"),
        Column("condition", "สภาพ", CHOICE, choices=Condition.label_map(), example="ดี"),
        Column("installed_on", "วันที่ติดตั้ง", DATE, example="01/06/2565"),
        Column("community", "ชุมชน", max_length=120, example="ชุมชนท่าเรือ"),
        Column("lat", "ละติจูด", DECIMAL, example="7.4101"),
        Column("lon", "ลองจิจูด", DECIMAL, example="99.5190"),
        Column("wkt", "WKT", TEXT, aliases=("geometry_wkt",), example=""),
        Column("geojson", "GeoJSON", TEXT, example=""),
    ),
    stage_columns=("code", "asset_type", "name", "condition", "installed_on", "community", "wkt"),
    prepare=_prepare_assets,
    # The condition history (AssetConditionChange): one row per changed condition, and the first
    # condition of a new asset, as the services write them.
    before_upsert=("""
        INSERT INTO infrastructure_assetconditionchange (asset_id, changed_at, from_condition, to_condition,
                                                         note)
        SELECT a.id, now(), a.condition, s.condition, 'import'
        FROM _import_stage s JOIN infrastructure_asset a ON a.code = s.code
        WHERE a.condition <> s.condition""",),
    after_upsert=("""
        INSERT INTO infrastructure_assetconditionchange (asset_id, changed_at, from_condition, to_condition,
                                                         note)
        SELECT a.id, now(), '', a.condition, 'import'
        FROM _import_stage s JOIN infrastructure_asset a ON a.code = s.code
        WHERE NOT EXISTS (SELECT 1 FROM infrastructure_assetconditionchange h WHERE h.asset_id = a.id)""",),
    upsert_sql="""
        INSERT INTO infrastructure_asset AS t (code, asset_type, name, geometry, condition, status,
            installed_on, community, attributes, notes, created_at, updated_at)
        SELECT s.code, s.asset_type, s.name, ST_GeomFromText(s.wkt, 4326), s.condition, 'in_use',
               NULLIF(s.installed_on, '')::date, s.community, '{}'::jsonb, '', now(), now()
        FROM _import_stage s
        ON CONFLICT (code) DO UPDATE SET
            asset_type = excluded.asset_type, name = excluded.name, geometry = excluded.geometry,
            condition = excluded.condition, installed_on = excluded.installed_on,
            community = excluded.community, updated_at = now()
        WHERE (t.asset_type, t.name, t.condition, t.installed_on, t.community) IS DISTINCT FROM
              (excluded.asset_type, excluded.name, excluded.condition, excluded.installed_on,
               excluded.community)
           OR NOT ST_Equals(t.geometry, excluded.geometry)
        RETURNING (xmax = 0) AS inserted""",
)

register(ASSETS)
