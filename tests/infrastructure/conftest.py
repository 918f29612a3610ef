"""Fixtures for the infrastructure tests: the kantang schema and its demo staff.

Tests that need free space on the map use FAR_AWAY (Chiang Mai, in kantang's schema), so demo
assets seeded around the pilots never come within reach.
"""

import pytest
from django.contrib.gis.geos import Point

from ..helpers import kantang_staff
from .helpers import FAR_AWAY

engineer = kantang_staff("engineer")
municipal_admin = kantang_staff("admin", name="municipal_admin")
executive = kantang_staff("executive")
nurse = kantang_staff("nurse")


@pytest.fixture
def far_point():
    return Point(*FAR_AWAY, srid=4326)


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path
