"""The console pages of national indicators: platform team only, on the console host only."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone
from django.utils.translation import gettext, override

from national.indicators import INDICATORS
from national.models import IndicatorValue
from national.services import national_snapshot_publish

from ..helpers import host_client, login
from .conftest import load_tiny_aggregates


def thai(msgid: str) -> str:
    """What the Thai-first console shows for `msgid` (the msgid itself until the catalogue has it)."""
    with override("th"):
        return gettext(msgid)


PAGES = ("/national/", "/national/indicators.csv", "/national/map/", "/national/trends/")


@pytest.fixture
def platform(db):
    return login(host_client("localhost"), "public", "platform")


@pytest.fixture
def two_days(tiny_kantang, nueaklong):
    """kantang: the tiny aggregates published yesterday and today; nueaklong: its real figures today."""
    yesterday = timezone.now() - dt.timedelta(days=1)
    load_tiny_aggregates(now=yesterday)
    national_snapshot_publish(municipality=tiny_kantang, now=yesterday)
    load_tiny_aggregates()
    national_snapshot_publish(municipality=tiny_kantang)
    national_snapshot_publish(municipality=nueaklong)


@pytest.mark.parametrize("path", PAGES)
def test_a_municipal_user_has_no_console_pages(kantang_client, path):
    login(kantang_client, "kantang", "admin")

    assert kantang_client.get(path).status_code == 404


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitors_are_asked_to_sign_in(db, path):
    response = host_client("localhost").get(path)

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_platform_team_sees_the_comparison_table(platform, two_days):
    response = platform.get("/national/")

    assert response.status_code == 200
    text = response.text
    assert "เทศบาลเมืองกันตัง" in text and "เทศบาลตำบลเหนือคลอง" in text
    assert thai("suppressed") in text  # % bedridden visited needs the hidden "visited" cell
    assert 'href="?sort=persons&amp;dir=desc"' in text


def test_the_table_sorts_by_an_indicator(platform, two_days):
    ascending = platform.get("/national/?sort=persons").text
    descending = platform.get("/national/?sort=persons&dir=desc").text

    # kantang's tiny set has 40 persons, nueaklong's seed many more
    assert ascending.index("เทศบาลเมืองกันตัง") < ascending.index("เทศบาลตำบลเหนือคลอง")
    assert descending.index("เทศบาลตำบลเหนือคลอง") < descending.index("เทศบาลเมืองกันตัง")


def test_the_csv_has_one_row_per_municipality_with_the_headline_figures(platform, two_days):
    response = platform.get("/national/indicators.csv?sort=persons")

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    # As the table reads: the name, the province, the snapshot's date (Buddhist Era), the figures.
    assert rows[0][:3] == ["หน่วยงาน", "รหัสจังหวัด", "วันที่ข้อมูล"]
    kantang = next(r for r in rows if r[0] == "เทศบาลเมืองกันตัง")
    column = {key: 3 + i for i, key in enumerate(INDICATORS)}  # after the name, province and date
    assert len(rows[0]) == 3 + len(INDICATORS)
    assert kantang[column["persons"]] == "40"
    assert kantang[column["assets_alert"]] == "25.0"
    assert kantang[column["resolve_days"]] == "3.0"
    assert kantang[column["bedridden_visited"]] == thai("suppressed")
    today = timezone.localdate()
    assert kantang[2] == f"{today:%d/%m}/{today.year + 543}"


def test_a_count_below_5_shows_as_below_5(platform, tiny_kantang):
    from django_tenants.utils import schema_context

    from dashboards.models import Aggregate

    with schema_context("kantang"):
        Aggregate.objects.filter(figure="disabled").update(count=3)
    national_snapshot_publish(municipality=tiny_kantang)

    assert thai("<5") in platform.get("/national/").text


def test_the_map_page_shows_each_municipality_as_a_point(platform, two_days):
    response = platform.get("/national/map/?indicator=bedridden")

    assert response.status_code == 200
    assert 'id="national-points"' in response.text and "js/national/map.js" in response.text
    assert "7.41" in response.text and "99.519" in response.text  # kantang's centre
    assert response.context["indicator"].key == "bedridden"


def test_the_trend_page_draws_a_line_over_the_snapshot_dates(platform, two_days):
    response = platform.get("/national/trends/?indicator=persons&days=30")

    assert response.status_code == 200
    assert "<svg" in response.text and "<polyline" in response.text
    assert len(response.context["dates"]) == 2
    # Buddhist Era: 2026 CE is 2569
    assert str(timezone.localdate().year + 543) in response.text


def test_publish_now_for_one_municipality(platform, tiny_kantang):
    response = platform.post("/national/publish/", {"schema": "kantang"})

    assert response.status_code == 302
    today = IndicatorValue.objects.filter(municipality=tiny_kantang, snapshot_date=timezone.localdate())
    assert today.count() == 35  # with the ltc_cases total (issue 23)


def test_a_municipal_user_cannot_publish(kantang_client):
    login(kantang_client, "kantang", "admin")

    assert kantang_client.post("/national/publish/", {"schema": "kantang"}).status_code == 404
