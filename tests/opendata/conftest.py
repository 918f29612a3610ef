"""Open data: a kantang admin who publishes, anonymous visitors who read."""

import csv
import io

import pytest

from ..helpers import host_client, login


@pytest.fixture
def admin_client(kantang):
    return login(host_client("kantang.localhost"), "kantang", "admin")


@pytest.fixture
def visitor(kantang):
    """Anyone on the internet: no session."""
    return host_client("kantang.localhost")


def publish(client, kind: str):
    response = client.post(f"/settings/open-data/{kind}/publish/")
    assert response.status_code == 302, response
    assert response["Location"] == "/settings/open-data/"
    return response


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(b"\xef\xbb\xbf"), "a UTF-8 byte-order mark first (Excel reads Thai right)"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
