"""The console's list of municipalities at scale (issue 17): 50 a page, search by Thai or English
name or code, a province filter, archived ones only when asked for."""

import pytest
from django.utils import timezone

from tenants.models import Municipality


@pytest.fixture
def many(db):
    """60 municipalities in province 90 and 5 in 91: rows only (the list never opens their schemas)."""
    rows = [Municipality(schema_name=f"lg90_{n:02}", name_th=f"องค์การบริหารส่วนตำบลทดสอบ{n:02}",
                         name_en=f"Thotsop {n:02} SAO", kind="sao", province_code="90", district_code="9001",
                         subdistrict_code=f"9001{n:02}") for n in range(60)]
    rows += [Municipality(schema_name=f"lg91_{n}", name_th=f"เทศบาลตำบลลองใช้{n}", name_en=f"Longchai {n}",
                          kind="subdistrict", province_code="91", district_code="9101",
                          subdistrict_code=f"91010{n}") for n in range(5)]
    Municipality.objects.bulk_create(rows)


def _names(response):
    return [row["m"].schema_name for row in response.context["rows"]]


def test_the_list_shows_50_a_page(platform_client, many):
    first = platform_client.get("/")
    second = platform_client.get("/?page=2")

    assert len(_names(first)) == 50
    assert first.context["page"].paginator.count == 67  # 65 + the two pilots
    assert len(_names(second)) == 17
    assert not set(_names(first)) & set(_names(second))


@pytest.mark.parametrize(("query", "expected"), [
    ("ทดสอบ07", ["lg90_07"]),          # Thai name
    ("thotsop 59", ["lg90_59"]),        # English name, any case
    ("900133", ["lg90_33"]),            # subdistrict code
    ("9101", [f"lg91_{n}" for n in range(5)]),  # district code: everything below it
])
def test_it_searches_names_and_codes(platform_client, many, query, expected):
    assert sorted(_names(platform_client.get("/", {"q": query}))) == expected


def test_the_province_filter_keeps_paging_and_search(platform_client, many):
    province = platform_client.get("/", {"province": "91"})
    searched = platform_client.get("/", {"province": "90", "q": "SAO", "page": "2"})

    assert sorted(_names(province)) == [f"lg91_{n}" for n in range(5)]
    assert len(_names(searched)) == 10
    assert "province=90" in searched.context["page_query"] and "q=SAO" in searched.context["page_query"]
    assert '<option value="91" selected>' in province.text


def test_archived_ones_are_listed_only_when_asked(platform_client, many):
    Municipality.objects.filter(schema_name="lg91_0").update(archived_at=timezone.now())

    default = platform_client.get("/", {"province": "91"})
    asked = platform_client.get("/", {"province": "91", "archived": "1"})

    assert "lg91_0" not in _names(default) and "lg91_0" in _names(asked)
