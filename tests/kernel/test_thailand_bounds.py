"""One box for "is this place in Thailand?": the forms, the services, the imports and the console
answer every edge value the same way (they used four boxes with three values before)."""

import json
from pathlib import Path

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from accounts.models import User
from infrastructure.validators import validate_geometry
from kernel.geo import OUTSIDE, SWAPPED, THAILAND, location_problem
from smarthealth.models import Household
from smarthealth.services import household_create
from tenants.models import Municipality

from ..imports.conftest import error_report, run, write_csv

PROVINCES = Path(__file__).resolve().parents[3] / "shared" / "data" / "thai-admin" / "provinces.geojson"

# (lat, lon) → what kernel.geo answers; the first two are the values the review found disputed.
EDGES = [
    ((5.3, 101.0), OUTSIDE),  # saved through the household form, refused by the import before
    ((20.55, 100.0), OUTSIDE),  # imported as an asset, refused by the asset form before
    ((5.56, 101.0), None), ((5.559, 101.0), OUTSIDE),
    ((20.52, 100.0), None), ((20.521, 100.0), OUTSIDE),
    ((10.0, 97.29), None), ((10.0, 97.289), OUTSIDE),
    ((10.0, 105.69), None), ((10.0, 105.691), OUTSIDE),
    ((7.41, 99.52), None),  # Kantang
    ((99.52, 7.41), SWAPPED), ((13.75, 100.5), None), ((100.5, 13.75), SWAPPED),
    ((48.85, 2.35), OUTSIDE),  # Paris
]
HOUSE_PREFIX = "88888"


def test_the_box_holds_every_province_with_a_margin_of_at_most_six_km():
    if not PROVINCES.exists():
        pytest.skip(f"{PROVINCES} is absent (../shared is not beside this checkout)")
    xs, ys = [], []

    def walk(coordinates):
        if isinstance(coordinates[0], (int, float)):
            xs.append(coordinates[0])
            ys.append(coordinates[1])
        else:
            for part in coordinates:
                walk(part)

    for feature in json.loads(PROVINCES.read_text())["features"]:
        walk(feature["geometry"]["coordinates"])
    extent = (min(xs), min(ys), max(xs), max(ys))
    box = THAILAND.as_tuple()
    assert box[0] <= extent[0] and box[1] <= extent[1] and extent[2] <= box[2] and extent[3] <= box[3]
    assert max(abs(a - b) for a, b in zip(box, extent, strict=True)) <= 0.06  # ≈ 6 km


@pytest.mark.parametrize("where, expected", EDGES)
def test_the_kernel_answers_each_edge_value(where, expected):
    assert location_problem(*where) == expected


def _household_form_accepts(lat: float, lon: float, n: int) -> bool:
    admin = User.objects.get(username="admin")
    try:
        household_create(user=admin, data={"house_id": f"{HOUSE_PREFIX}{n:06d}", "house_no": "1",
                                           "lat": str(lat), "lon": str(lon)})
    except ValidationError as error:
        assert "location" in error.message_dict, error.message_dict
        return False
    return True


def test_the_household_form_and_the_household_import_agree_on_every_edge(kantang, tmp_path):
    rows = [["house_id", "house_no", "lat", "lon"]]
    rows += [[f"{HOUSE_PREFIX}{900000 + n:06d}", "1", lat, lon] for n, ((lat, lon), _) in enumerate(EDGES)]
    job = run("kantang", "households", write_csv(tmp_path / "edges.csv", rows))
    assert job.status == "done", job.failure_reason

    with schema_context("kantang"):
        imported = Household.objects.filter(house_id__startswith=f"{HOUSE_PREFIX}9").count()
        for n, ((lat, lon), expected) in enumerate(EDGES):
            assert _household_form_accepts(lat, lon, n) == (expected is None), (lat, lon)
    assert job.rejected == sum(1 for _, expected in EDGES if expected is not None)
    assert imported == sum(1 for _, expected in EDGES if expected is None)
    report = error_report("kantang", job)
    assert report.count("swapped") == sum(1 for _, expected in EDGES if expected == SWAPPED)


def test_the_asset_form_and_the_asset_import_agree_on_every_edge(kantang, tmp_path):
    # Only the Thailand box is compared here: the import also refuses places outside the
    # municipality it knows (tests/imports/test_assets_as_points.py), so forget kantang's centre.
    Municipality.objects.filter(schema_name="kantang").update(centre=None)
    rows = [["code", "asset_type", "name", "lat", "lon"]]
    rows += [[f"EDGE-{n}", "streetlight", "เสาทดสอบ", lat, lon] for n, ((lat, lon), _) in enumerate(EDGES)]
    job = run("kantang", "assets", write_csv(tmp_path / "edges.csv", rows))
    assert job.status == "done", job.failure_reason

    for (lat, lon), expected in EDGES:
        if expected is None:
            validate_geometry(Point(lon, lat, srid=4326))
        else:
            with pytest.raises(ValidationError) as raised:
                validate_geometry(Point(lon, lat, srid=4326))
            assert raised.value.code == f"geometry_{expected}"
    assert job.rejected == sum(1 for _, expected in EDGES if expected is not None)


@pytest.mark.parametrize("where, expected", EDGES)
def test_the_console_checks_a_municipality_centre_the_same_way(db, where, expected):
    lat, lon = where
    municipality = Municipality(schema_name="edgecase", name_th="ทดสอบ", centre=Point(lon, lat, srid=4326))
    try:
        municipality.clean()
    except ValidationError as error:
        assert expected is not None and "centre" in error.message_dict
    else:
        assert expected is None
