"""The personal-data audit-log page: the municipality admin reads, filters and exports the log."""

import datetime as dt
import re

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
    return [(line.row.username, line.row.action) for line in response.context["lines"]]


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
    assert len(first.context["lines"]) == 50
    second = client.get(reverse("smarthealth:audit-log"), {"username": "nurse", "page": 2})
    assert len(second.context["lines"]) == 5
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


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_it_reads_in_plain_thai_who_did_what_to_whose_record(log_rows, nurse):
    nurse.first_name, nurse.last_name = "พรทิพย์", "ใจดี"
    nurse.save(update_fields=["first_name", "last_name"])
    audit_log(user=nurse, action=AccessLog.Action.UPDATE, object_type="person",
              object_ref=str(log_rows.public_id), detail={"fields": ["phone", "first_name"]})
    audit_log(user=nurse, action=AccessLog.Action.LIST, object_type="care_list", object_ref="bedridden",
              detail={"filters": {"adl_group": "bedbound", "community": "ชุมชนท่าเรือ"}, "count": 13})

    page = _text(client_for("admin").get(reverse("smarthealth:audit-log")).content.decode())

    assert "พรทิพย์ ใจดี" in page and "พยาบาล" in page
    assert f"เปิดดูข้อมูลบุคคล {log_rows.full_name}" in page
    assert "เปิดดูเลขประจำตัวประชาชน" in page
    assert "แก้ไขข้อมูลบุคคล" in page and "แก้ไข: โทรศัพท์, ชื่อ" in page
    assert "เปิดรายชื่อกลุ่มเป้าหมายการดูแล" in page and "ติดเตียง" in page and "พบ 13 รายการ" in page
    assert "ตัวกรอง: กลุ่ม ADL:" in page and "ชุมชนท่าเรือ" in page
    assert "เปิดรายชื่อบุคคล" in page and "พบ 3 รายการ" in page
    # No action codes, record codes or JSON left for the data-protection officer to decode.
    for code in ("reveal_cid", "person_list", "care_list", "bedridden", "bedbound", '"count"', "{"):
        assert code not in page, code


def test_the_names_it_shows_are_themselves_a_logged_read(log_rows):
    client_for("admin").get(reverse("smarthealth:audit-log"))

    read = AccessLog.objects.filter(username="admin", object_type="access_log", action="list").get()
    assert read.detail["persons"] == [str(log_rows.public_id)]


def test_everything_about_one_person_includes_the_lists_that_showed_them(log_rows, nurse, other_person):
    audit_log(user=nurse, action=AccessLog.Action.LIST, object_type="household", object_ref="1",
              detail={"members": 2, "persons": [str(log_rows.public_id), str(other_person.public_id)]})
    audit_log(user=nurse, action=AccessLog.Action.VIEW, object_type="person",
              object_ref=str(other_person.public_id))

    response = client_for("admin").get(reverse("smarthealth:audit-log"), {"person": str(log_rows.public_id)})

    assert sorted(_refs(response)) == [("nurse", "list"), ("nurse", "reveal_cid"), ("nurse", "view")]
    assert "แสดงทุกรายการที่เกี่ยวกับบุคคลนี้" in response.content.decode()


def test_a_refused_read_says_so(in_kantang, volunteer, other_person):
    audit_log(user=volunteer, action=AccessLog.Action.VIEW, object_type="person",
              object_ref=str(other_person.public_id), outcome=AccessLog.Outcome.DENIED,
              detail={"reason": "out_of_scope"})

    page = _text(client_for("admin").get(reverse("smarthealth:audit-log")).content.decode())

    assert "พยายามเปิดดูข้อมูลบุคคล (ถูกปฏิเสธ)" in page
    assert "ข้อมูลอยู่นอกครัวเรือนที่ผู้ใช้ดูแล" in page


def test_the_export_reads_like_the_page(log_rows):
    response = client_for("admin").get(reverse("smarthealth:audit-log-export"))
    body = b"".join(response.streaming_content).decode("utf-8")
    header = body.lstrip("\ufeff").splitlines()[0]
    assert header.startswith("เวลา,ผู้ใช้,บทบาท,ทำอะไร,")
    assert "เปิดดูเลขประจำตัวประชาชน" in body and log_rows.full_name in body
