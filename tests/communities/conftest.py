"""The register's tests: kantang's staff, and a square community far from the demo town (Chiang
Mai, as the infrastructure tests use) whose boundary nothing else touches."""

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django_tenants.utils import schema_context

from ..helpers import kantang_staff

engineer = kantang_staff("engineer")
municipal_admin = kantang_staff("admin", name="municipal_admin")
nurse = kantang_staff("nurse")

# Chiang Mai: no demo row is near, so only the test's own rows fall inside the square.
LON, LAT = 98.9853, 18.7883
SQUARE = MultiPolygon(Polygon.from_bbox((LON - 0.005, LAT - 0.005, LON + 0.005, LAT + 0.005)), srid=4326)


@pytest.fixture
def walled(in_kantang):
    """"ชุมชนทดสอบมีเขต", with a boundary, and "ชุมชนทดสอบไม่มีเขต", without (moo 97)."""
    from communities.services import community_create

    with schema_context("kantang"):
        inside = community_create(name="ชุมชนทดสอบมีเขต", moos=[96], boundary=SQUARE)
        outside = community_create(name="ชุมชนทดสอบไม่มีเขต", moos=[97])
    return inside, outside
