"""What every map of a municipality draws beneath its own data: the municipality's outline.

The outline is the municipality's stored boundary (uploaded in the console) or, until it has one,
its province's boundary from the DOPA gazetteer (`load_thai_admin` loads it from
provinces.geojson). Drawn by the browser as a fallback base, so a map whose base tiles do not load
(offline, a weak rural network, a tile server down) still shows where the town is.

Both are simplified for drawing (never for measuring): a province boundary has hundreds of
vertices, a surveyed municipal boundary can have tens of thousands.
"""

import json
from typing import Any

from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db.models import Func

from .models import Municipality, Province

BOUNDARY_TOLERANCE = 0.0001  # degrees, ≈ 11 m: finer than a screen pixel up to zoom 14
PROVINCE_TOLERANCE = 0.0005  # ≈ 55 m: a province is seen whole, from far
COARSE_TOLERANCE = 0.005  # ≈ 550 m: the national map, where the whole country is on screen
PRECISION = 5  # decimals of a degree kept, ≈ 1 m


class _Simplified(Func):
    function = "ST_SimplifyPreserveTopology"
    output_field = GeometryField(srid=4326)


def _rounded(value: Any) -> Any:
    if isinstance(value, list):
        return [_rounded(item) for item in value]
    return round(value, PRECISION)


def outline_key(municipality: Municipality) -> str:
    """Which outline `municipality_outline` gives: municipalities of one province without their
    own boundary share it (the national map draws it once)."""
    if municipality.boundary is not None:
        return f"m:{municipality.schema_name}"
    return f"p:{municipality.province_code}"


def municipality_outline(*, municipality: Municipality, coarse: bool = False) -> dict | None:
    """{"geometry": GeoJSON geometry, "source": "boundary" | "province"}, or None when neither the
    municipality's boundary nor its province's is known. `coarse` for a map of the whole country
    (≈ 500 m)."""
    if municipality.boundary is not None:
        tolerance = COARSE_TOLERANCE if coarse else BOUNDARY_TOLERANCE
        shape = municipality.boundary.simplify(tolerance, preserve_topology=True)
        geometry = json.loads(shape.json)
        geometry["coordinates"] = _rounded(geometry["coordinates"])
        return {"geometry": geometry, "source": "boundary"}
    if not municipality.province_code:
        return None
    tolerance = COARSE_TOLERANCE if coarse else PROVINCE_TOLERANCE
    text = (
        Province.objects.filter(code=municipality.province_code, boundary__isnull=False)
        .annotate(outline=AsGeoJSON(_Simplified("boundary", tolerance), precision=PRECISION))
        .values_list("outline", flat=True)
        .first()
    )
    return {"geometry": json.loads(text), "source": "province"} if text else None
