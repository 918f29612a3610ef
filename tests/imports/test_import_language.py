"""The preview and the result read in the user's language: Thai headers, Thai values and
Buddhist-Era dates (English only for a user who chose English), the import's own result words
(never a service request's), and a link to what was imported."""

import re
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tenants.utils import schema_context

from cityplatform.celery import app as celery_app
from imports.models import ImportJob
from smarthealth.models import AccessLog

from ..helpers import host_client, login
from .conftest import HOUSE_PREFIX, make_cid, run, write_csv

pytestmark = pytest.mark.django_db

HEADER = ["เลขประจำตัวประชาชน", "คำนำหน้า", "ชื่อ", "นามสกุล", "เพศ", "วันเกิด", "รหัสบ้าน", "โรคประจำตัว",
          "ความพิการ"]


class _Text(HTMLParser):
    """What a person reads on a page: its text, without tags, attributes, scripts or styles; and
    the cells of its first table."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.cells: list[str] = []
        self._skip = 0
        self._tables = 0
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head"):
            self._skip += 1
        elif tag == "table":
            self._tables += 1
        elif tag == "td" and self._tables == 1:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head"):
            self._skip -= 1
        elif tag == "td" and self._cell is not None:
            self.cells.append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)
            if self._cell is not None:
                self._cell.append(data)


def _read(response) -> _Text:
    reader = _Text()
    reader.feed(response.content.decode())
    return reader


@pytest.fixture
def eager():
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


@pytest.fixture
def persons_csv(kantang, households_file, tmp_path):
    run("kantang", "households", households_file)
    house = f"{HOUSE_PREFIX}000001"
    return write_csv(tmp_path / "persons.csv", [
        HEADER,
        [make_cid(701), "นาย", "สมชาย", "ใจดี", "M", "1967-01-05", house, "HT", "physical"],
        [make_cid(702), "นาง", "สมศรี", "ใจดี", "F", "05/01/2510", house, "DM, HT", "ไม่มี"],
        [make_cid(703), "นาง", "สมหญิง", "ใจงาม", "2", "31/02/2510", house, "", ""],  # no such day
    ], encoding="utf-8-sig")


def _preview(client, path, capture):
    with capture(execute=True):
        response = client.post("/imports/", {"dataset": "persons",
                                             "file": SimpleUploadedFile(path.name, path.read_bytes())})
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def test_the_preview_reads_in_thai(kantang_client, persons_csv, eager, django_capture_on_commit_callbacks):
    login(kantang_client, "kantang", "nurse")
    location = _preview(kantang_client, persons_csv, django_capture_on_commit_callbacks)
    page = _read(kantang_client.get(location))
    text = " ".join(page.parts)
    for header in HEADER:
        assert f"{header}" in text
    cells = page.cells
    # Values as the municipality's paper forms say them, dates in the Buddhist Era.
    assert "ชาย" in cells and "หญิง" in cells
    assert "5 ม.ค. 2510" in cells and cells.count("5 ม.ค. 2510") == 2
    assert "ความดันโลหิตสูง" in cells and "เบาหวาน, ความดันโลหิตสูง" in cells
    assert "ทางการเคลื่อนไหวหรือทางร่างกาย" in cells and "ไม่มี" in cells
    # The bad date is shown as the file has it, its problem named by the Thai header.
    assert "31/02/2510" in cells
    assert re.search(r"วันเกิด: \S", text)
    # No internal key, code or ISO date anywhere a person reads.
    for internal in ("cid", "first_name", "birth_date", "{HT}", "{DM,HT}", "physical"):
        assert internal not in text, internal
    assert not {"M", "F", "HT", "DM"} & set(cells)
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text)
    # The national ID is masked, as everywhere.
    cid = make_cid(701)
    assert cid not in text and f"x-xxxx-xxxxx-{cid[-3:-1]}-{cid[-1]}" in cells


def test_the_preview_reads_in_english_for_a_user_who_chose_english(kantang_client, persons_csv, eager,
                                                                   django_capture_on_commit_callbacks):
    login(kantang_client, "kantang", "nurse")
    kantang_client.cookies["django_language"] = "en"
    location = _preview(kantang_client, persons_csv, django_capture_on_commit_callbacks)
    page = _read(kantang_client.get(location))
    text = " ".join(page.parts)
    assert "first_name" in text and "birth_date" in text
    assert "Male" in page.cells and "Female" in page.cells  # English only (locale/en)
    assert "Hypertension" in page.cells and "Diabetes mellitus, Hypertension" in page.cells
    assert "5 January 1967" in page.cells  # day first, never US order
    assert re.search(r"birth_date: This date does not exist", text)


def test_the_result_says_new_updated_unchanged_rejected_and_links_to_the_list(
        kantang_client, persons_csv, eager, django_capture_on_commit_callbacks):
    login(kantang_client, "kantang", "nurse")
    location = _preview(kantang_client, persons_csv, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        kantang_client.post(location)
    with schema_context("kantang"):
        job = ImportJob.objects.latest("created_at")
    assert (job.status, job.created, job.rejected) == ("done", 2, 1)
    response = kantang_client.get(location)
    page = _read(response)
    text = " ".join(page.parts)
    for word in ("นำเข้าใหม่", "ปรับปรุง", "ไม่เปลี่ยนแปลง", "ปฏิเสธ"):
        assert word in text, word
    assert "สร้างคำร้อง" not in text and "ไม่รับเรื่อง" not in text
    assert page.cells[:5] == ["3", "2", "0", "0", "1"]  # rows, new, updated, unchanged, rejected
    assert f'href="{reverse("smarthealth:person-list")}"' in response.content.decode()
    # The history says it in the same words.
    history = " ".join(_read(kantang_client.get("/imports/history/")).parts)
    assert "นำเข้าใหม่ 2 · ปรับปรุง 0 · ไม่เปลี่ยนแปลง 0 · ปฏิเสธ 1" in history
    assert "rows=" not in history and "created=" not in history
    # And so does the personal-data audit log, for the administrator.
    admin = login(host_client("kantang.localhost"), "kantang", "admin")
    audit = " ".join(_read(admin.get(reverse("smarthealth:audit-log"), {"action": "import"})).parts)
    with schema_context("kantang"):
        assert AccessLog.objects.filter(action="import", object_ref=str(job.public_id)).exists()
    assert "นำเข้าใหม่ 2" in audit and "ปฏิเสธ 1" in audit
    assert "สร้างคำร้อง" not in audit and "ไม่รับเรื่อง" not in audit and '"created"' not in audit


def test_the_result_in_english(kantang_client, persons_csv, eager, django_capture_on_commit_callbacks):
    login(kantang_client, "kantang", "nurse")
    kantang_client.cookies["django_language"] = "en"
    location = _preview(kantang_client, persons_csv, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        kantang_client.post(location)
    text = " ".join(_read(kantang_client.get(location)).parts)
    assert "Created" in text and "Rejected" in text and "นำเข้าใหม่" not in text
