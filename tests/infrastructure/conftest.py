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


# The communities these tests name on their assets: in the register, as the services require.
TEST_COMMUNITIES = (
    "ชุมชนทดสอบหน้าทรัพย์สิน", "ชุมชนอื่นทดสอบ", "ชุมชนทดสอบส่งออก", "ชุมชนอื่น", "ชุมชนทดสอบคำบอกทาง",
    "ชุมชนรอวาดเส้น", "ชุมชนอื่นรอวาด", "ชุมชนบน", "ชุมชนล่าง", "ชุมชนท่าเรือ", "ชุมชนหน้าเมือง", "ชุมชนนับ",
    "ชุมชนทดสอบ",
)


@pytest.fixture(autouse=True)
def _test_communities(request):
    from ..communities.helpers import register_for_tests

    register_for_tests(request, TEST_COMMUNITIES)
