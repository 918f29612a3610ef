"""Every list export, downloaded by its user in the Thai interface, reads in Thai: any word in Latin
letters must be on tests/thai_text.ALLOWED_WORDS, on EXPORT_WORDS below, or typed by a person
into the data exported (asset and tracking codes, sign-in names, descriptions). Runs over the demo
pilot the tests seed, so the files hold realistic rows of every kind.

And its numbers read as the screen's (issue 20): a number of 1,000 or more carries its thousands
separator, whether a cell of its own (CSV text "1,234"; an Excel number shown "#,##0") or a number
inside a text ("พบ 1,234 รายการ"). Codes are not numbers to group: what people typed (house and
asset numbers), dates and times (the Buddhist-Era year 2569), phone numbers (a leading 0).

Not checked here, by design: the files "for re-import" (English keys and codes are their point),
GeoJSON (for GIS software), open data and the API (formats fixed by CONTRACT and the README).
"""

import csv
import io
import re

import pytest
from django.urls import reverse
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from .helpers import host_client, login
from .thai_text import latin_words

TENANT, PUBLIC = "cityplatform.urls_tenant", "cityplatform.urls_public"
# Latin words an export may hold beyond the pages' list, each with its reason.
EXPORT_WORDS = {
    # The readable asset file keeps each line's or area's shape, so that it imports again: as WKT,
    # the international notation the import and GIS software read (a point is lat + lon instead).
    "WKT": "the geometry column's name, the notation's own",
    "LINESTRING": "WKT geometry", "POLYGON": "WKT geometry", "MULTILINESTRING": "WKT geometry",
    "MULTIPOLYGON": "WKT geometry", "POINT": "WKT geometry", "MULTIPOINT": "WKT geometry",
    # The screening of non-communicable diseases, as Thai health staff and MOPH forms name it
    # (กลุ่มโรค NCD): the care lists' "สี NCD" column.
    "NCD": "the health term, as staff use it",
}


# A run of 4+ digits standing alone: not part of a grouped number (1,234), a decimal's tail, a
# date (06/12/2569), a time or a code (KT-2026-0001, 123/4).
UNGROUPED = re.compile(r"(?<![\d,./:\-–])(?<![A-Za-z])[1-9]\d{3,}(?![\d,./:\-–])(?![A-Za-z])")
# A Buddhist-Era or Christian-Era year written in a text (พ.ศ. 2569): years are not grouped.
YEAR = re.compile(r"^(19|20|25)\d\d$")


def _content(response) -> bytes:
    if not hasattr(response, "_polish_content"):
        response._polish_content = (b"".join(response.streaming_content) if response.streaming
                                    else response.content)
    return response._polish_content


def _cells(response) -> list[str]:
    data = _content(response)
    if response["Content-Type"].startswith("text/csv"):
        return [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for cell in row]
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    cells = [sheet.title for sheet in workbook.worksheets]
    for sheet in workbook.worksheets:
        cells += [str(value) for row in sheet.iter_rows(values_only=True)
                  for value in row if value is not None]
    return cells


def ungrouped_numbers(response, typed: set[str]) -> list[str]:
    """The numbers of 1,000 or more the file shows without their thousands separator."""
    data = _content(response)
    found = []
    if response["Content-Type"].startswith("text/csv"):
        texts = [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for cell in row]
    else:
        texts = []
        for sheet in load_workbook(io.BytesIO(data), read_only=True).worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    value = getattr(cell, "value", None)
                    if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) >= 1000:
                        if "#,##0" not in (cell.number_format or ""):
                            found.append(f"{value} ({cell.number_format})")
                    elif isinstance(value, str):
                        texts.append(value)
    for text in texts:
        if text in typed or text.startswith("0"):
            continue
        found += [match for match in UNGROUPED.findall(text) if match not in typed and not YEAR.match(match)]
    return found


def _typed(schema: str) -> set[str]:
    """Latin words people typed into the data the exports show, and the national IDs and passport
    numbers they typed as the files show them (masked the Thai way: x-xxxx-xxxxx-12-3)."""
    return {word for word, _around in latin_words(_typed_texts(schema))}


def _typed_numbers(schema: str) -> set[str]:
    """The digit runs of what people typed (house numbers, codes, phones): codes, not amounts."""
    from smarthealth.models import Household, Person

    with schema_context(schema):
        codes = [str(value) for value in [*Person.objects.values_list("phone", flat=True),
                                          *Household.objects.values_list("house_id", flat=True)] if value]
    return {run for text in [*_typed_texts(schema), *codes] for run in re.findall(r"\d+", text)}


def _typed_texts(schema: str) -> list[str]:
    from accounts.models import User
    from infrastructure.models import ATTRIBUTE_SPECS, Asset, ServiceRequest
    from smarthealth.models import Household, Person

    with schema_context(schema):
        texts = [str(value) for row in (
            *Asset.objects.values_list("code", "name", "community"),
            *ServiceRequest.objects.values_list("tracking_code", "description", "address_text"),
            *User.objects.values_list("username", "first_name", "last_name"),
            *Person.objects.values_list("prefix", "first_name", "last_name"),
            *Household.objects.values_list("house_no", "community", "road"),
        ) for value in row if value]
        # Facts typed as text (a camera's model: "IP Dome 4MP"); chosen facts are shown as labels.
        texts += [str(value)
                  for asset_type, attributes in Asset.objects.values_list("asset_type", "attributes")
                  for name, value in (attributes or {}).items()
                  if getattr(ATTRIBUTE_SPECS.get(asset_type, {}).get(name), "kind", "") == "text"]
        texts += [person.identity_masked for person in Person.objects.only(
            "cid_last3", "passport_encrypted", "passport_last3")]
    return texts


def _check(response, allowed: set[str], typed: set[str] = frozenset()) -> None:
    assert response.status_code == 200, response.status_code
    found = latin_words(_cells(response), allowed=allowed | set(EXPORT_WORDS))
    assert found == [], found[:20]
    ungrouped = ungrouped_numbers(response, set(typed))
    assert ungrouped == [], ungrouped[:20]


@pytest.fixture
def kantang_words(in_kantang):
    return _typed("kantang")


@pytest.fixture
def kantang_numbers(in_kantang):
    return _typed_numbers("kantang")


def _client(username: str):
    return login(host_client("kantang.localhost"), "kantang", username)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("name", ["infrastructure:asset-export", "infrastructure:request-export"])
def test_the_asset_and_request_exports_read_in_thai(name, fmt, kantang_words, kantang_numbers):
    params = {"format": fmt, **({"queue": "all"} if "request" in name else {})}
    _check(_client("engineer").get(reverse(name, urlconf=TENANT), params), kantang_words, kantang_numbers)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", ["elderly", "bedridden", "uncontrolled", "disabled"])
def test_every_care_list_export_reads_in_thai(kind, fmt, kantang_words, kantang_numbers):
    url = reverse("smarthealth:care-export", kwargs={"kind": kind, "fmt": fmt}, urlconf=TENANT)
    _check(_client("nurse").get(url), kantang_words, kantang_numbers)


def test_the_audit_log_export_reads_in_thai(kantang_words, kantang_numbers):
    with schema_context("kantang"):  # a big export and a wide search: numbers of 1,000 or more
        from smarthealth.models import AccessLog

        AccessLog.objects.create(username="nurse", role="nurse", action=AccessLog.Action.EXPORT,
                                 object_type="care_list", object_ref="elderly",
                                 detail={"count": 12345, "metres": 1500, "members": 1200})
    nurse = _client("nurse")
    # Reads whose details the log keeps as codes: filters by condition, ADL group, colour, user.
    nurse.get(reverse("smarthealth:care-list", kwargs={"kind": "uncontrolled"}, urlconf=TENANT),
              {"condition": "DM", "colour": "red"})
    nurse.get(reverse("smarthealth:care-list", kwargs={"kind": "elderly"}, urlconf=TENANT),
              {"adl_group": "bedbound"})
    nurse.get(reverse("smarthealth:care-export", kwargs={"kind": "disabled", "fmt": "csv"}, urlconf=TENANT))
    admin = _client("admin")
    admin.get(reverse("smarthealth:audit-log", urlconf=TENANT), {"username": "nurse", "outcome": "ok"})
    # The last two columns are how an investigation traces an entry (the record's reference, the
    # page read): recorded data, like a tracking code, not words of the interface.
    response = admin.get(reverse("smarthealth:audit-log-export", urlconf=TENANT))
    with schema_context("kantang"):  # after the export, whose own entry it lists
        from smarthealth.models import AccessLog

        traces = [str(value) for row in AccessLog.objects.values_list("object_ref", "path")
                  for value in row if value]
    _check(response, kantang_words | {word for word, _around in latin_words(traces)},
           kantang_numbers | {run for trace in traces for run in re.findall(r"\d+", trace)})
    text = "\n".join(_cells(response))
    assert "12,345" in text and "1,500" in text and "1,200" in text, "the big numbers are grouped"


@pytest.mark.parametrize("name", ["national:table-csv", "national:table-xlsx"])
def test_the_national_indicators_export_reads_in_thai(name, kantang):
    from national.services import national_snapshot_publish

    national_snapshot_publish(municipality=kantang)  # figures in the file, not only names
    client = login(host_client("localhost"), "public", "platform")
    response = client.get(reverse(name, urlconf=PUBLIC))
    _check(response, set())
    # The pilot's registers hold thousands (assets, persons): the sweep above saw them grouped.
    assert any(re.fullmatch(r"\d{1,3}(,\d{3})+", cell) for cell in _cells(response)) or name.endswith("xlsx")


def test_the_disaster_call_list_export_reads_in_thai(kantang_words, kantang_numbers):
    # At the widest distance, so that the file holds every kind of row (up to 1,000 m).
    url = reverse("dashboards:disaster", urlconf=TENANT)
    response = _client("nurse").get(url, {"format": "xlsx", "metres": 1000})
    _check(response, kantang_words, kantang_numbers)
