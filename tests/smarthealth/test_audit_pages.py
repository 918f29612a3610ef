"""The personal-data audit-log page: the municipality admin reads, filters and exports the log."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from smarthealth.audit import audit_log
from smarthealth.models import AccessLog
from tests.helpers import host_client, login

pytestmark = pytest.mark.django_db


def client_for(username):
    client = host_client("kantang.localhost")
    return login(client, "kantang", username) if username else client


@pytest.fixture
def log_rows(nurse, volunteer, own_person):
    audit_log(user=nurse, action=AccessLog.Action.VIEW, object_type="person",
              object_ref=str(own_person.public_id))
    audit_log(user=nurse, action=AccessLog.Action.REVEAL_CID, object_type="person",
              object_ref=str(own_person.public_id))
    audit_log(user=volunteer, action=AccessLog.Action.LIST, object_type="person_list",
              object_ref="registry", detail={"count": 3})
    return own_person


def _refs(response) -> list[tuple[str, str]]:
    return [(row.username, row.action) for row, _detail in response.context["rows"]]


@pytest.mark.parametrize(("username", "status"), [
    ("admin", 200), ("nurse", 403), ("volunteer", 403), ("executive", 403), ("engineer", 403),
])
def test_only_the_municipal_admin_opens_the_audit_log(username, status, in_kantang):
    for name in ("smarthealth:audit-log", "smarthealth:audit-log-export"):
        assert client_for(username).get(reverse(name)).status_code == status, name


def test_anonymous_visitors_go_to_the_login_page(in_kantang):
    response = client_for(None).get(reverse("smarthealth:audit-log"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_filters_by_user_action_and_object(log_rows):
    client = client_for("admin")
    url = reverse("smarthealth:audit-log")
    assert set(_refs(client.get(url, {"username": "nurse"}))) == {("nurse", "view"), ("nurse", "reveal_cid")}
    assert _refs(client.get(url, {"action": "reveal_cid"})) == [("nurse", "reveal_cid")]
    by_object = _refs(client.get(url, {"object_ref": str(log_rows.public_id)}))
    assert sorted(by_object) == [("nurse", "reveal_cid"), ("nurse", "view")]
    assert _refs(client.get(url, {"object_type": "person_list"})) == [("volunteer", "list")]


def test_it_filters_by_a_buddhist_era_date_range(log_rows):
    client = client_for("admin")
    url = reverse("smarthealth:audit-log")
    today = timezone.localdate()
    be_today = f"{today:%d/%m/}{today.year + 543}"
    assert len(_refs(client.get(url, {"date_from": be_today, "date_to": be_today}))) == 3
    yesterday = today - dt.timedelta(days=1)
    be_yesterday = f"{yesterday:%d/%m/}{yesterday.year + 543}"
    assert _refs(client.get(url, {"date_to": be_yesterday})) == []
    response = client.get(url, {"date_from": be_today, "date_to": be_yesterday})
    assert response.context["form"].errors["date_to"]


def test_it_shows_buddhist_era_times(log_rows):
    page = client_for("admin").get(reverse("smarthealth:audit-log")).content.decode()
    assert str(timezone.localdate().year + 543) in page
    assert "no-store" in client_for("admin").get(reverse("smarthealth:audit-log"))["Cache-Control"]


def test_it_paginates(in_kantang, nurse):
    for i in range(55):
        audit_log(user=nurse, action=AccessLog.Action.VIEW, object_type="person", object_ref=f"ref-{i}")
    client = client_for("admin")
    first = client.get(reverse("smarthealth:audit-log"), {"username": "nurse"})
    assert len(first.context["rows"]) == 50
    second = client.get(reverse("smarthealth:audit-log"), {"username": "nurse", "page": 2})
    assert len(second.context["rows"]) == 5
    assert "username=nurse&amp;page=2" in first.content.decode()


def test_the_csv_export_is_filtered_and_recorded(log_rows):
    response = client_for("admin").get(reverse("smarthealth:audit-log-export"), {"username": "nurse"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    lines = body.strip().splitlines()
    assert len(lines) == 3  # header + the nurse's two rows
    assert all(",nurse," in line for line in lines[1:])
    export = AccessLog.objects.filter(action="export", object_type="access_log").get()
    assert export.username == "admin"
    assert export.detail == {"filters": {"username": "nurse"}, "count": 2}
