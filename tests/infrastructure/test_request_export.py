"""CSV / Excel export of the service-request queue: as the queue reads (Thai headings, words, names,
Buddhist-Era dates and times), and for re-import (the request import's columns, codes, ISO times),
offered side by side; both go back through the `service_requests` import without a change."""

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from infrastructure.models import ServiceRequest, ServiceRequestEvent
from infrastructure.services import service_request_assign, service_request_create, service_request_transition
from tests.imports.conftest import run

from ..helpers import host_client, login
from .helpers import offset

URLCONF = "cityplatform.urls_tenant"
MARK = "ทดสอบส่งออกคำร้อง"  # in every description: the search that picks this test's requests
IMPORT_HEADER = ["tracking_code", "category", "description", "priority", "status", "channel", "received_at",
                 "resolved_at", "address_text", "lat", "lon"]
THAI_HEADER = ["รหัสติดตาม", "ประเภทเรื่อง", "รายละเอียด", "ความเร่งด่วน", "สถานะ", "ผู้รับผิดชอบ",
               "วันที่รับเรื่อง", "กำหนดเสร็จ", "แก้ไขเมื่อ", "ช่องทาง", "ที่อยู่หรือจุดสังเกต", "ชุมชน",
               "ละติจูด", "ลองจิจูด"]


def export(client, **params):
    return client.get(reverse("infrastructure:request-export", urlconf=URLCONF),
                      {"queue": "all", "q": MARK, **params})


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(response) -> list[dict]:
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def client_for(username):
    return login(host_client("kantang.localhost"), "kantang", username)


@pytest.fixture
def requests(kantang, engineer, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    centre = (kantang.centre.x, kantang.centre.y)  # inside the municipality: the import checks it
    engineer.first_name, engineer.last_name = "สมชาย", "ช่างดี"
    engineer.save(update_fields=["first_name", "last_name"])
    received = timezone.make_aware(datetime(2026, 3, 1, 9, 5))
    drain = service_request_create(user=engineer, channel="phone", data={
        "category": "drain", "description": f"ท่อระบายน้ำอุดตัน {MARK}", "priority": "high",
        "location": Point(*offset(40, 40, origin=centre), srid=4326), "address_text": "หน้าตลาดสด",
        "received_at": received})
    service_request_assign(service_request=drain, user=engineer, assignee=engineer)
    light = service_request_create(user=engineer, channel="line", data={
        "category": "lighting", "description": f"ไฟดับทั้งซอย {MARK}",
        "location": Point(*offset(-30, 10, origin=centre), srid=4326),
        "received_at": received + timedelta(days=2)})
    for status in ("in_progress", "resolved"):
        service_request_transition(service_request=light, user=engineer, to_status=status,
                                   comment="เปลี่ยนหลอดแล้ว" if status == "resolved" else "")
    return drain, light


def test_the_queue_offers_both_variants_beside_each_other(requests):
    page = client_for("engineer").get(reverse("infrastructure:request-list", urlconf=URLCONF)).text
    assert "/infrastructure/requests/export/?" in page
    assert "format=xlsx" in page and "variant=import" in page
    assert "CSV สำหรับนำเข้าใหม่" in page


def test_the_csv_reads_like_the_queue_in_thai(requests):
    drain, light = requests
    rows = csv_rows(export(client_for("engineer"), format="csv"))

    assert list(rows[0]) == THAI_HEADER
    by_code = {row["รหัสติดตาม"]: row for row in rows}
    assert set(by_code) == {drain.tracking_code, light.tracking_code}
    first = by_code[drain.tracking_code]
    assert (first["ประเภทเรื่อง"], first["ความเร่งด่วน"], first["สถานะ"], first["ช่องทาง"]) == (
        "ท่อระบายน้ำ", "สูง", "มอบหมายแล้ว", "โทรศัพท์")
    assert first["ผู้รับผิดชอบ"] == "สมชาย ช่างดี"  # the person's name, not the username
    assert first["วันที่รับเรื่อง"] == "01/03/2569 09:05"  # day/month/Buddhist year
    assert first["แก้ไขเมื่อ"] == ""
    second = by_code[light.tracking_code]
    assert (second["สถานะ"], second["ช่องทาง"], second["ผู้รับผิดชอบ"]) == ("แก้ไขแล้ว", "ไลน์", "ยังไม่มอบหมาย")
    resolved = timezone.localtime(_reload(light).resolved_at)
    assert second["แก้ไขเมื่อ"] == f"{resolved:%d/%m}/{resolved.year + 543} {resolved:%H:%M}"
    text = body(export(client_for("engineer"), format="csv")).decode("utf-8")
    for code in ("drain", "in_progress", "resolved", "phone", "engineer", "2026-03-01"):
        assert code not in text, code


def _reload(obj):
    with schema_context("kantang"):
        return ServiceRequest.objects.get(pk=obj.pk)


def test_the_excel_file_reads_like_the_queue_too(requests):
    response = export(client_for("executive"), format="xlsx", category="drain")
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(load_workbook(io.BytesIO(body(response)), read_only=True).active.iter_rows(values_only=True))
    assert list(rows[0]) == THAI_HEADER
    assert rows[1][:5] == (requests[0].tracking_code, "ท่อระบายน้ำ", f"ท่อระบายน้ำอุดตัน {MARK}", "สูง",
                           "มอบหมายแล้ว")


def test_an_english_reader_gets_english_words_and_day_first_dates(requests):
    client = client_for("engineer")
    client.cookies["django_language"] = "en"
    rows = csv_rows(export(client, format="csv", category="drain"))
    assert list(rows[0])[:5] == ["Tracking code", "Category", "Description", "Priority", "Status"]
    assert (rows[0]["Category"], rows[0]["Status"], rows[0]["Channel"]) == ("Drain", "Assigned", "Phone")
    assert rows[0]["Received on"] == "01/03/2026 09:05"


def test_the_csv_for_re_import_is_the_import_format(requests):
    drain, _light = requests
    response = export(client_for("engineer"), format="csv", variant="import", category="drain")
    assert "-import.csv" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert list(rows[0]) == IMPORT_HEADER
    row = rows[0]
    assert (row["tracking_code"], row["category"], row["priority"], row["status"], row["channel"]) == (
        drain.tracking_code, "drain", "high", "assigned", "phone")
    assert row["received_at"] == "2026-03-01T09:05"
    assert abs(float(row["lat"]) - drain.location.y) < 1e-6 and row["address_text"] == "หน้าตลาดสด"


def test_only_staff_who_may_import_requests_get_the_file_for_re_import(requests):
    executive = client_for("executive")
    page = executive.get(reverse("infrastructure:request-list", urlconf=URLCONF)).content.decode()
    assert "/infrastructure/requests/export/?" in page and "variant=import" not in page
    assert export(executive, format="csv", variant="import").status_code == 404
    assert export(executive, format="csv", variant="nonsense").status_code == 404
    assert export(executive, format="pdf").status_code == 404
    assert export(client_for("nurse"), format="csv").status_code == 403


def _workflow(requests) -> dict:
    with schema_context("kantang"):
        return {r.tracking_code: (r.category, r.description, r.priority, r.status, r.channel, r.received_at,
                                  r.resolved_at, r.due_at, r.address_text, r.location.wkt, r.assignee_id)
                for r in ServiceRequest.objects.filter(pk__in=[obj.pk for obj in requests])}


@pytest.mark.parametrize("variant", ["import", "readable"])
def test_an_export_imports_again_without_a_change(requests, engineer, tmp_path, variant):
    before = _workflow(requests)
    with schema_context("kantang"):
        events = ServiceRequestEvent.objects.count()
    path = tmp_path / f"requests-{variant}.csv"
    path.write_bytes(body(export(client_for("engineer"), format="csv", variant=variant)))

    job = run("kantang", "service_requests", path, user=engineer)

    assert (job.rows, job.rejected, job.created, job.updated, job.unchanged) == (2, 0, 0, 0, 2)
    if variant == "import":
        assert job.header_mapping["ignored"] == []  # every column is one the import reads
    assert _workflow(requests) == before
    with schema_context("kantang"):
        assert ServiceRequestEvent.objects.count() == events


def test_a_row_with_an_unknown_tracking_code_registers_a_request(kantang, engineer, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    lat, lon = kantang.centre.y + 0.001, kantang.centre.x
    path = tmp_path / "book.csv"
    path.write_text(
        "รหัสติดตาม,ประเภทเรื่อง,รายละเอียด,ความเร่งด่วน,สถานะ,วันที่รับเรื่อง,แก้ไขเมื่อ,ละติจูด,ลองจิจูด\n"
        f"BCDE-2345,ถนน,ถนนเป็นหลุม {MARK},เร่งด่วน,แก้ไขแล้ว,5 ม.ค. 2569 08:30 น.,06/01/2569 17:00,{lat},{lon}\n"
        f"CDEF-3456,น้ำท่วม,น้ำท่วมขัง {MARK},,,,,,\n",
        encoding="utf-8")

    job = run("kantang", "service_requests", path, user=engineer)

    assert (job.rows, job.created, job.rejected) == (2, 1, 1)
    with schema_context("kantang"):
        new = ServiceRequest.objects.get(tracking_code="BCDE-2345")
        received = timezone.make_aware(datetime(2026, 1, 5, 8, 30))
        assert (new.category, new.priority, new.status) == ("road", "urgent", "resolved")
        assert new.channel == "staff"
        assert new.received_at == received
        assert new.due_at == received + timedelta(hours=12)  # the SLA for an urgent road problem
        assert new.resolved_at == timezone.make_aware(datetime(2026, 1, 6, 17, 0))
        assert list(new.events.values_list("kind", "to_value")) == [("created", "resolved")]
        assert not ServiceRequest.objects.filter(tracking_code="CDEF-3456").exists()  # no place at all


def test_a_row_that_changes_the_workflow_is_rejected_with_the_reason(requests, engineer, tmp_path):
    drain, _light = requests
    path = tmp_path / "changed.csv"
    path.write_text(
        "tracking_code,category,description,status,address_text\n"
        f"{drain.tracking_code.lower().replace('-', '')},drain,ท่อระบายน้ำอุดตันมาก {MARK},closed,หน้าตลาดสด\n"
        f"{drain.tracking_code},drain,ท่อระบายน้ำอุดตันมาก {MARK},,ข้างตลาดสด\n"
        "NOT-A-CODE,drain,x,,หน้าตลาด\n",
        encoding="utf-8")

    job = run("kantang", "service_requests", path, user=engineer)

    assert (job.rows, job.rejected, job.updated) == (3, 2, 1)
    from tests.imports.conftest import error_rows

    problems = {row["แถว"]: row["ปัญหา"] for row in error_rows("kantang", job)}
    assert "หน้าคำร้อง" in problems["2"]  # change the status where the change is recorded
    assert "รหัสติดตาม" in problems["4"]
    with schema_context("kantang"):
        stored = ServiceRequest.objects.get(pk=drain.pk)
    assert stored.status == "assigned"  # the rejected row changed nothing
    assert (stored.description, stored.address_text) == (f"ท่อระบายน้ำอุดตันมาก {MARK}", "ข้างตลาดสด")
