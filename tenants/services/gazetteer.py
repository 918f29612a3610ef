"""Load Thailand's administrative geography (DOPA codes) into the public reference tables.

Reads the files laid out as in `../shared/data/thai-admin/` (provinces.csv, districts.csv,
sub_districts.csv, geographies.csv and, optionally, provinces.geojson). Loading again updates
names and centres in place; codes never change meaning, so they are the key.
"""

import csv
import json
from pathlib import Path

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point
from django.db import transaction

from ..models import District, Province, Subdistrict

REQUIRED_FILES = ("provinces.csv", "districts.csv", "sub_districts.csv")


class GazetteerError(Exception):
    pass


def _rows(path: Path):
    # utf-8-sig: the published files may start with a byte-order mark.
    with path.open(newline="", encoding="utf-8-sig") as handle:
        yield from (row for row in csv.DictReader(handle) if not (row.get("deleted_at") or "").strip())


def _float(value: str) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


@transaction.atomic
def gazetteer_load(*, directory: Path) -> dict[str, int]:
    missing = [name for name in REQUIRED_FILES if not (directory / name).is_file()]
    if missing:
        raise GazetteerError(f"missing in {directory}: {', '.join(missing)}")

    regions = {}
    if (directory / "geographies.csv").is_file():
        regions = {row["id"]: row["name"] for row in _rows(directory / "geographies.csv")}
    districts = list(_rows(directory / "districts.csv"))
    # provinces.csv numbers provinces its own way; the DOPA code is the first two digits of any
    # of the province's district codes.
    province_code_by_id = {row["province_id"]: row["id"][:2] for row in districts}

    provinces = [
        Province(
            code=province_code_by_id[row["id"]], name_th=row["name_th"].strip(),
            name_en=row["name_en"].strip(), region=regions.get(row.get("geography_id", ""), ""),
        )
        for row in _rows(directory / "provinces.csv")
        if row["id"] in province_code_by_id
    ]
    Province.objects.bulk_create(
        provinces, update_conflicts=True, unique_fields=["code"],
        update_fields=["name_th", "name_en", "region"],
    )
    province_pk = dict(Province.objects.values_list("code", "pk"))

    District.objects.bulk_create(
        [
            District(code=row["id"], province_id=province_pk[row["id"][:2]],
                     name_th=row["name_th"].strip(), name_en=row["name_en"].strip())
            for row in districts
        ],
        update_conflicts=True, unique_fields=["code"], update_fields=["province", "name_th", "name_en"],
    )
    district_pk = dict(District.objects.values_list("code", "pk"))

    subdistricts = []
    for row in _rows(directory / "sub_districts.csv"):
        lat, lon = _float(row.get("lat")), _float(row.get("long"))
        subdistricts.append(Subdistrict(
            code=row["id"], district_id=district_pk[row["district_id"]],
            name_th=row["name_th"].strip(), name_en=row["name_en"].strip(),
            zip_code=(row.get("zip_code") or "").strip(),
            centre=Point(lon, lat, srid=4326) if lat is not None and lon is not None else None,
        ))
    Subdistrict.objects.bulk_create(
        subdistricts, update_conflicts=True, unique_fields=["code"],
        update_fields=["district", "name_th", "name_en", "zip_code", "centre"], batch_size=2000,
    )

    boundaries = 0
    geojson = directory / "provinces.geojson"
    if geojson.is_file():
        # CRS84 is WGS 84 in longitude/latitude order, which is what SRID 4326 means to GEOS.
        for feature in json.loads(geojson.read_text(encoding="utf-8"))["features"]:
            geometry = GEOSGeometry(json.dumps(feature["geometry"]), srid=4326)
            if geometry.geom_type == "Polygon":
                geometry = MultiPolygon(geometry, srid=4326)
            boundaries += Province.objects.filter(code=feature["properties"]["pro_code"]).update(
                boundary=geometry
            )
    return {
        "provinces": len(provinces), "districts": len(districts),
        "subdistricts": len(subdistricts), "boundaries": boundaries,
    }


def gazetteer_loaded() -> bool:
    return Subdistrict.objects.exists()
