"""The admin publishes a dataset in one click; the public reads its CSV and description without
signing in; unpublished datasets do not exist publicly."""

import datetime as dt
import json

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from opendata.models import Kind, PublishedDataset

from .conftest import csv_rows, publish

GD_FIELDS = ("thgdc:data_type", "thgdc:owner_org", "thgdc:maintainer", "thgdc:maintainer_email",
             "thgdc:objective", "thgdc:update_frequency_unit", "thgdc:update_frequency_interval",
             "thgdc:geo_coverage", "thgdc:data_source", "thgdc:data_format", "thgdc:data_category",
             "thgdc:license_id", "thgdc:data_language")
DCAT_FIELDS = ("dct:title", "dct:description", "dct:publisher", "dcat:contactPoint", "dct:accrualPeriodicity",
               "dct:spatial", "dct:license", "dct:issued", "dct:modified", "dcat:keyword", "dcat:theme",
               "dcat:distribution", "dct:identifier", "dcat:landingPage")


def test_it_publishes_the_assets_csv_in_one_click(admin_client, visitor):
    publish(admin_client, "assets")

    response = visitor.get("/opendata/assets.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["ETag"] and response["Last-Modified"]
    rows = csv_rows(response)
    assert rows[0] == ["community", "asset_type", "asset_type_th", "asset_type_en",
                       "condition", "condition_th", "condition_en", "count"]
    assert len(rows) > 5  # the seeded town has assets of several types and conditions
    with schema_context("kantang"):
        from infrastructure.models import Asset
        in_use = Asset.objects.exclude(status="retired").count()
    assert sum(int(row[7]) for row in rows[1:]) == in_use
    assert {"road", "ถนน", "Road"} <= {cell for row in rows[1:] for cell in row}


def test_the_description_carries_every_catalogue_field(admin_client, visitor):
    publish(admin_client, "assets")

    response = visitor.get("/opendata/assets.jsonld")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    assert response["Access-Control-Allow-Origin"] == "*"
    node = json.loads(response.content)
    assert node["@type"] == "dcat:Dataset"
    for field in (*GD_FIELDS, *DCAT_FIELDS):
        assert node.get(field) not in (None, "", []), field
    assert {t["@language"] for t in node["dct:title"]} == {"th", "en"}
    assert node["thgdc:data_category"] == "ข้อมูลสาธารณะ"
    assert node["thgdc:license_id"] == "Open Data Common"
    assert node["thgdc:owner_org"] == "เทศบาลเมืองกันตัง"
    assert node["dct:publisher"]["@type"] == "foaf:Organization"
    assert node["dcat:contactPoint"]["vcard:hasEmail"]["@id"] == "mailto:admin@example.invalid"
    assert node["dct:accrualPeriodicity"]["@id"].endswith("/frequency/DAILY")
    codes = {place.get("dct:identifier") for place in node["dct:spatial"]}
    assert {"92", "9202", "920201"} <= codes
    distribution = node["dcat:distribution"][0]
    assert distribution["@type"] == "dcat:Distribution"
    assert distribution["dcat:mediaType"] == "text/csv"
    assert distribution["dcat:downloadURL"]["@id"] == "http://kantang.localhost/opendata/assets.csv"


def test_the_public_pages_need_no_login(admin_client, visitor):
    publish(admin_client, "service_requests")

    catalogue = visitor.get("/opendata/")
    page = visitor.get("/opendata/service_requests/")

    assert catalogue.status_code == 200 and page.status_code == 200
    assert "สถิติเรื่องแจ้งซ่อมและร้องเรียน" in catalogue.text
    assert "/opendata/service_requests.csv" in page.text
    assert "ข้อมูลสาธารณะ" in page.text


def test_the_service_request_csv_has_a_total_row_per_month_with_the_median(admin_client, visitor):
    publish(admin_client, "service_requests")

    rows = csv_rows(visitor.get("/opendata/service_requests.csv"))

    assert rows[0] == ["month", "category", "category_th", "category_en", "opened", "closed",
                       "resolved", "median_resolve_hours"]
    totals = [row for row in rows[1:] if row[1] == "total"]
    assert len(totals) == 12
    for total in totals:
        details = [row for row in rows[1:] if row[0] == total[0] and row[1] != "total"]
        assert int(total[4]) == sum(int(row[4]) for row in details)
        assert int(total[5]) == sum(int(row[5]) for row in details)
    assert any(row[7] for row in totals), "the seeded town has resolved requests"


@pytest.mark.parametrize("path", ["/opendata/health.csv", "/opendata/health.jsonld", "/opendata/health/"])
def test_an_unpublished_dataset_is_not_found(visitor, path):
    assert visitor.get(path).status_code == 404


def test_unpublishing_takes_a_dataset_down(admin_client, visitor):
    publish(admin_client, "assets")
    assert visitor.get("/opendata/assets.csv").status_code == 200

    admin_client.post("/settings/open-data/assets/unpublish/")

    assert visitor.get("/opendata/assets.csv").status_code == 404
    assert json.loads(visitor.get("/opendata/catalog.jsonld").content).get("dcat:dataset", []) == []


def test_an_unknown_dataset_is_not_found(visitor):
    assert visitor.get("/opendata/persons.csv").status_code == 404


def test_a_harvester_revalidates_with_the_etag(admin_client, visitor):
    publish(admin_client, "assets")
    first = visitor.get("/opendata/assets.csv")

    again = visitor.get("/opendata/assets.csv", HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert again["Access-Control-Allow-Origin"] == "*"


def test_editing_the_metadata_changes_the_etag(admin_client, visitor):
    publish(admin_client, "assets")
    before = visitor.get("/opendata/assets.jsonld")
    with schema_context("kantang"):
        dataset = PublishedDataset.objects.get(kind=Kind.ASSETS)
        data = {field: getattr(dataset, field) for field in (
            "title_th", "title_en", "description_th", "description_en", "objective", "objective_other",
            "maintainer_name", "maintainer_email", "frequency_unit", "frequency_value", "coverage_level",
            "coverage_text", "licence", "keywords", "data_source")}
    data.update(title_en="Assets of Kantang", frequency_unit="month", licence="cc-by-4.0")

    response = admin_client.post("/settings/open-data/assets/", data)

    assert response.status_code == 302
    after = visitor.get("/opendata/assets.jsonld", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    node = json.loads(after.content)
    assert {"@value": "Assets of Kantang", "@language": "en"} in node["dct:title"]
    assert node["dct:license"]["@id"] == "https://creativecommons.org/licenses/by/4.0/"
    assert node["dct:accrualPeriodicity"]["@id"].endswith("/frequency/MONTHLY")


def test_a_bad_edit_saves_nothing_and_says_why(admin_client):
    response = admin_client.post("/settings/open-data/health/", {
        "title_th": "ชุดข้อมูล", "title_en": "Data", "description_th": "x", "objective": "other",
        "objective_other": "", "maintainer_name": "กอง", "maintainer_email": "not-an-email",
        "frequency_unit": "day", "frequency_value": "0", "coverage_level": "municipality",
        "coverage_text": "กันตัง", "licence": "open-data-common", "keywords": " , ", "data_source": "x",
    })

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"objective_other", "maintainer_email", "frequency_value", "keywords"} <= set(errors)
    with schema_context("kantang"):
        assert not PublishedDataset.objects.filter(kind=Kind.HEALTH).exists()


def test_publishing_without_a_contact_email_asks_for_it(kantang):
    from ..helpers import host_client, login

    with schema_context("kantang"):
        from accounts.models import User
        User.objects.filter(username="admin").update(email="")
    client = login(host_client("kantang.localhost"), "kantang", "admin")

    response = client.post("/settings/open-data/assets/publish/")

    assert response.status_code == 302 and response["Location"] == "/settings/open-data/assets/"
    with schema_context("kantang"):
        assert not PublishedDataset.objects.filter(is_published=True).exists()


def test_a_harvester_revalidates_with_the_date(admin_client, visitor):
    publish(admin_client, "health")
    first = visitor.get("/opendata/health.csv")

    again = visitor.get("/opendata/health.csv", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert again.status_code == 304


def test_the_first_download_before_any_snapshot_revalidates_too(admin_client, visitor):
    from national.models import IndicatorValue

    with schema_context("kantang"):
        IndicatorValue.objects.filter(municipality__schema_name="kantang").delete()
    publish(admin_client, "health")
    with schema_context("kantang"):  # its metadata older than the snapshot the download publishes
        PublishedDataset.objects.filter(kind="health").update(
            updated_at=timezone.now() - dt.timedelta(hours=1))
    first = visitor.get("/opendata/health.csv")  # publishes the first snapshot as it builds the file

    again = visitor.get("/opendata/health.csv", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert again.status_code == 304
