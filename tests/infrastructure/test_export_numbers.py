"""Numbers in the asset export as the list shows them (issue 20): a length of 1,250.5 m and a bin of
2,400 litres read with their thousands separator in the readable CSV and Excel file, in Thai and in
English alike; the Excel cell stays a number (a number format), to sum and sort."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from infrastructure.services import asset_create

from ..helpers import host_client, login
from .helpers import line, point

URLCONF = "cityplatform.urls_tenant"


@pytest.fixture
def large(engineer):
    asset_create(user=engineer, data={
        "code": "NUM-ROAD-1", "asset_type": "road", "name": "ถนนสายยาว", "geometry": line((0, 0), (900, 0)),
        "condition": "good", "attributes": {"length_m": 1250.5},
    })
    asset_create(user=engineer, data={
        "code": "NUM-BIN-1", "asset_type": "waste_bin", "name": "ถังขยะใหญ่", "geometry": point(30, 30),
        "condition": "good", "attributes": {"capacity_l": 2400},
    })


def _export(language: str, fmt: str):
    client = login(host_client("kantang.localhost"), "kantang", "executive")
    client.cookies["django_language"] = language
    url = reverse("infrastructure:asset-export", urlconf=URLCONF)
    response = client.get(url, {"format": fmt, "q": "NUM-"})
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("language", ["th", "en"])
def test_the_readable_csv_groups_thousands_in_both_languages(large, in_kantang, language):
    text = _export(language, "csv").decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]

    assert "1,250.5" in cells and "2,400" in cells
    assert "1250.5" not in cells and "2400" not in cells


def test_the_excel_file_keeps_numbers_and_shows_their_separator(large, in_kantang):
    sheet = load_workbook(io.BytesIO(_export("th", "xlsx"))).active
    cells = {cell.value: cell.number_format for row in sheet.iter_rows() for cell in row
             if isinstance(cell.value, (int, float))}

    assert cells[1250.5] == "#,##0.0" and cells[2400] == "#,##0"
