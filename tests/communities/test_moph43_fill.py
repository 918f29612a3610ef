"""The 43-file import gives each new household its community from the register: the boundary that
covers its point, else the one community that lists its moo; none when that is not one."""

import pytest
from django_tenants.utils import schema_context

from smarthealth.models import Household

from ..smarthealth.moph43.conftest import HOSPCODE, home, import_bytes, zip_bytes
from .conftest import LAT, LON


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_a_home_file_fills_the_community_from_the_point_or_the_moo(walled):
    inside, outside = walled
    job = import_bytes(zip_bytes({"HOME": [
        home("96001", village="95", LATITUDE=str(LAT + 0.001), LONGITUDE=str(LON + 0.001)),  # in the square
        home("97001", village="97"),  # moo 97: only "ชุมชนทดสอบไม่มีเขต" lists it
        home("98001", village="01"),  # moo 1: two demo communities list it, so neither is guessed
    ]}))
    assert job.status == "done", job.failure_reason
    with schema_context("kantang"):
        found = {h.hid: (h.community_ref, h.community)
                 for h in Household.objects.filter(hospcode=HOSPCODE, hid__in=["96001", "97001", "98001"])}
    assert found == {"96001": (inside, inside.name), "97001": (outside, outside.name), "98001": (None, "")}
