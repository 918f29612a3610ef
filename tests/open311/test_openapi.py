"""GET /open311/v2/openapi.json: this API as an OpenAPI 3.1 document for integrators' tools (and
for schemathesis, tests/api/test_schemathesis.py), whose patterns say exactly what is accepted."""

import re

import pytest

from infrastructure.open311 import Open311Error
from infrastructure.open311.openapi import DATE_PATTERN
from infrastructure.open311.reading import parse_w3c

from .helpers import body


def test_the_document_is_served_to_any_origin(client):
    response = client.get("/open311/v2/openapi.json")

    document = body(response)
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"
    assert document["openapi"] == "3.1.0" and document["servers"] == [{"url": "/open311/v2"}]
    service_codes = {s["service_code"] for s in body(client.get("/open311/v2/services.json"))}
    post = document["paths"]["/requests.json"]["post"]["requestBody"]["content"]
    assert set(post["application/x-www-form-urlencoded"]["schema"]["properties"]["service_code"]["enum"]) \
        == service_codes


@pytest.mark.parametrize("text", [
    "2025", "2025-01", "2025-01-31", "2025-01-31T08:00", "2025-01-31T08:00:59", "2025-01-31T08:00:59.5Z",
    "2025-01-31T08:00:00+07:00", "2025-01-31T08:00:00 07:00", "2025-01-31T08:00:00-03:30",
    "2025-1-31", "2025-01-31 08:00", "2025-01-31T8:00", "2025-13-01", "1899-01-01", "3000-01-01",
    "2025-01-31T08:00:00+7", "yesterday", "", " 2025",
])
def test_the_date_pattern_is_what_the_parser_reads(text):
    published = re.fullmatch(DATE_PATTERN, text) is not None and text != ""
    try:
        parse_w3c("start_date", text)
        read = True
    except Open311Error:
        read = False

    assert published == read
