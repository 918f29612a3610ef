"""The national comparison at scale (issue 17): 50 municipalities a page, search, a province filter;
archived and test municipalities in no national figure (table, CSV, map, trends, publishing, API)."""

import csv
import io

import pytest
from django.utils import timezone

from national.indicators import INDICATORS
from national.selectors import comparison, municipalities
from national.services import municipalities_to_publish, national_snapshot_publish
from tenants.models import Municipality

from ..api.conftest import call
from ..helpers import host_client, login


@pytest.fixture
def platform(db):
    return login(host_client("localhost"), "public", "platform")


@pytest.fixture
def many(db):
    """55 municipalities of province 90 (rows only: the table reads public, never their schemas)."""
    Municipality.objects.bulk_create([
        Municipality(schema_name=f"nat_{n:02}", name_th=f"องค์การบริหารส่วนตำบลเทียบ{n:02}",
                     name_en=f"Thiap {n:02}",
                     kind="sao", province_code="90", subdistrict_code=f"9001{n:02}") for n in range(55)])


@pytest.fixture
def published(kantang, nueaklong):
    for municipality in (kantang, nueaklong):
        national_snapshot_publish(municipality=municipality)


def _platform_token() -> str:
    from django_tenants.utils import schema_context

    from accounts.models import User
    from accounts.tokens import api_token_create

    with schema_context("public"):
        return api_token_create(user=User.objects.get(username="platform"), name="test")[1]


def _schemas(response):
    return [row["m"].schema_name for row in response.context["rows"]]


def test_the_table_shows_50_a_page_with_search_and_province(platform, many):
    first = platform.get("/national/")
    second = platform.get("/national/?page=2")
    province = platform.get("/national/", {"province": "92"})
    searched = platform.get("/national/", {"q": "Thiap 4"})

    assert len(_schemas(first)) == 50 and len(_schemas(second)) == 7  # 55 + the two pilots
    assert _schemas(province) == ["kantang"]
    assert sorted(_schemas(searched)) == [f"nat_{n}" for n in range(40, 50)]
    assert "q=Thiap+4" in searched.context["page_query"]


def test_sorting_by_an_indicator_sorts_everyone_before_paging(platform, many, published):
    descending = platform.get("/national/?sort=persons&dir=desc")

    # The two that published come first, whatever page they would have been on by name.
    assert _schemas(descending)[:2] == ["nueaklong", "kantang"]
    assert "sort=persons" in descending.context["page_query"]


def test_archived_and_test_municipalities_are_in_no_national_figure(platform, published):
    Municipality.objects.filter(schema_name="kantang").update(archived_at=timezone.now())
    Municipality.objects.filter(schema_name="nueaklong").update(is_test=True)

    table = platform.get("/national/")
    csv_rows = list(csv.reader(io.StringIO(
        b"".join(platform.get("/national/indicators.csv").streaming_content).decode("utf-8-sig"))))
    map_rows = comparison(indicators=[INDICATORS["persons"]])
    api = call("public", "GET", "/api/v1/national/indicators/?page_size=1000", _platform_token())

    assert _schemas(table) == [] and "เทศบาลเมืองกันตัง" not in table.text
    assert len(csv_rows) == 1  # the header only
    assert map_rows == [] and list(municipalities()) == []
    assert list(municipalities_to_publish()) == []
    assert api.json()["count"] == 0


def test_a_live_municipality_still_counts(platform, published):
    Municipality.objects.filter(schema_name="nueaklong").update(is_test=True)

    assert _schemas(platform.get("/national/")) == ["kantang"]
    assert [m.schema_name for m in municipalities_to_publish()] == ["kantang"]
    assert [r["m"].schema_name for r in comparison(indicators=list(INDICATORS.values()))] == ["kantang"]
