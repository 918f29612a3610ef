"""Fixtures for the infrastructure tests: the kantang schema and its demo staff.

Tests that need free space on the map use FAR_AWAY (Chiang Mai, in kantang's schema), so demo
assets seeded around the pilots never come within reach.
"""

import pytest
from django.contrib.gis.geos import Point
from django_tenants.utils import schema_context

from accounts.models import User

from .helpers import FAR_AWAY


@pytest.fixture
def in_kantang(kantang):
    with schema_context("kantang"):
        yield kantang


@pytest.fixture
def engineer(in_kantang):
    return User.objects.get(username="engineer")


@pytest.fixture
def municipal_admin(in_kantang):
    return User.objects.get(username="admin")


@pytest.fixture
def executive(in_kantang):
    return User.objects.get(username="executive")


@pytest.fixture
def nurse(in_kantang):
    return User.objects.get(username="nurse")


@pytest.fixture
def far_point():
    return Point(*FAR_AWAY, srid=4326)


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path
