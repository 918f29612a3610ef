"""A shape no municipal asset has (a million points) is refused per row, quickly, like in the form."""

import pytest
from django_tenants.utils import schema_context

from infrastructure.models import Asset
from infrastructure.validators import MAX_VERTICES

from .conftest import error_report, run, write_csv

pytestmark = pytest.mark.django_db


def test_a_line_with_too_many_points_is_rejected_and_the_others_load(kantang, tmp_path):
    huge = "LINESTRING(" + ", ".join(f"{99.5 + i * 1e-7:.7f} 7.4" for i in range(MAX_VERTICES + 1)) + ")"
    rows = [["code", "asset_type", "name", "wkt"],
            ["BIG-1", "road", "ถนนละเอียดเกินไป", huge],
            ["BIG-2", "road", "ถนนปกติ", "LINESTRING(99.51 7.40, 99.52 7.41)"]]
    job = run("kantang", "assets", write_csv(tmp_path / "assets.csv", rows))

    assert (job.status, job.created, job.rejected) == ("done", 1, 1), job.failure_reason
    assert f"{MAX_VERTICES:,}" in error_report("kantang", job)
    with schema_context("kantang"):
        assert not Asset.objects.filter(code="BIG-1").exists()


@pytest.mark.parametrize("column, value", [
    ("wkt", "POINT EMPTY"),
    ("wkt", "LINESTRING EMPTY"),
    ("geojson", '{"type": "Point", "coordinates": "nowhere"}'),
    ("geojson", '{"type": "Polygonish"}'),
])
def test_an_empty_or_broken_shape_is_a_rejected_row_not_a_failed_job(kantang, tmp_path, column, value):
    rows = [["code", "asset_type", "name", column], ["SHAPE-1", "streetlight", "เสาทดสอบ", value],
            ["SHAPE-2", "streetlight", "เสาปกติ", "POINT(99.52 7.41)" if column == "wkt"
             else '{"type": "Point", "coordinates": [99.52, 7.41]}']]
    job = run("kantang", "assets", write_csv(tmp_path / "assets.csv", rows))

    assert (job.status, job.created, job.rejected) == ("done", 1, 1), job.failure_reason
    assert "cannot be read" in error_report("kantang", job)
