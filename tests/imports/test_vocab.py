"""Forgiving vocabularies (issue 15): a choice is matched by its code, its English or Thai label, its
national code and the Thai forms staff write; what is still unknown is listed in the preview with
its count, mapped once by the user, remembered per municipality and dataset, and applied to later
files, by the page and by import_data alike."""

import io
import json

import pandas as pd
import pytest
from django.core.files import File
from django.core.management import call_command
from django_tenants.utils import schema_context

from imports import registry, vocab_preview
from imports.models import ImportJob, ValueMapping
from imports.parsing import parse_column_cells
from imports.services import import_job_preview_prepare, import_job_start
from kernel.vocab import Vocabulary
from smarthealth import crypto
from smarthealth.imports import name_prefixes
from smarthealth.models import Person

from ..helpers import login
from .conftest import make_cid, run, write_csv

pytestmark = pytest.mark.django_db
HEADER = ["เลขประจำตัวประชาชน", "คำนำหน้า", "ชื่อ", "นามสกุล", "เพศ", "วันเกิด", "โรคประจำตัว", "ความพิการ"]
BASE = 7_150_000  # national IDs of this file's persons: make_cid(BASE + n)


def _vocabulary(dataset: str, column: str) -> Vocabulary:
    return Vocabulary(registry.get(dataset).column(column).choices)


DISABILITY_FORMS = [
    ("physical", ["physical", "การเคลื่อนไหวหรือร่างกาย", "การเคลื่อนไหว", "ทางการเคลื่อนไหวหรือทางร่างกาย",
                  "พิการทางการเคลื่อนไหว", "ความพิการทางการเคลื่อนไหว", "ผู้พิการทางการเคลื่อนไหว",
                  "การเคลื่อนไหว หรือ ร่างกาย", "ร่างกาย", "ทางร่างกาย", "3", "๓", "03", "Movement",
                  "PHYSICAL"]),
    ("visual", ["visual", "การเห็น", "ทางการเห็น", "พิการทางการเห็น", "ตาบอด", "1"]),
    ("hearing", ["การได้ยิน", "การได้ยินหรือสื่อความหมาย", "ทางการได้ยินหรือสื่อความหมาย", "หูหนวก",
                 "พิการทางการได้ยิน", "2"]),
    ("mental", ["จิตใจหรือพฤติกรรม", "ทางจิตใจหรือพฤติกรรม", "ทางจิต", "4"]),
    ("intellectual", ["สติปัญญา", "ทางสติปัญญา", "พิการทางสติปัญญา", "5"]),
    ("learning", ["การเรียนรู้", "ทางการเรียนรู้", "6"]),
    ("autism", ["ออทิสติก", "ความพิการทางออทิสติก", "7"]),
    ("none", ["ไม่มี", "none", "-", "ไม่พิการ"]),
]


@pytest.mark.parametrize(("value", "spellings"), DISABILITY_FORMS)
def test_every_way_staff_write_a_disability_type_matches_it(value, spellings):
    vocabulary = _vocabulary("persons", "disability")
    assert {spelling: vocabulary.match(spelling) for spelling in spellings} == dict.fromkeys(spellings, value)


@pytest.mark.parametrize(("value", "spellings"), [
    ("M", ["M", "m", "ชาย", "ช", "ช.", "male", "Male", "1", "๑", "ผู้ชาย"]),
    ("F", ["F", "หญิง", "ญ", "female", "2", "๒", "ผู้หญิง"]),
])
def test_every_way_staff_write_a_sex_matches_it(value, spellings):
    vocabulary = _vocabulary("persons", "sex")
    assert {spelling: vocabulary.match(spelling) for spelling in spellings} == dict.fromkeys(spellings, value)


@pytest.mark.parametrize("text", ["นาย", "นาง", "น.ส.", "ด.ช.", "ด.ญ.", "เด็กชาย", "3", "พิการ", "การ", ""])
def test_a_name_prefix_or_a_stray_word_is_not_taken_for_a_sex_or_a_disability(text):
    assert _vocabulary("persons", "sex").match(text) is None
    if not text.isdigit():
        assert _vocabulary("persons", "disability").match(text) is None


def test_dopa_name_prefix_codes_and_forms_become_the_thai_prefix_and_others_stay_as_written():
    written = pd.Series(["001", "ด.ช.", "เด็กชาย", "002", "เด็กหญิง", "003", "3", "Mr.", "นาย", "004", "นางสาว",
                         "น.ส.", "นส", "Miss", "005", "Mrs.", "นาง", "ร.ต.อ.", "พระ", ""])
    assert name_prefixes(written).tolist() == [
        "ด.ช.", "ด.ช.", "ด.ช.", "ด.ญ.", "ด.ญ.", "นาย", "นาย", "นาย", "นาย",
        "นางสาว", "นางสาว", "นางสาว", "นางสาว", "นางสาว", "นาง", "นาง", "นาง", "ร.ต.อ.", "พระ", ""]


@pytest.mark.parametrize(("code", "spellings"), [
    ("DM", ["DM", "dm", "เบาหวาน", "โรคเบาหวาน", "Diabetes mellitus"]),
    ("HT", ["HT", "ความดัน", "ความดันโลหิตสูง", "ความดันสูง", "โรคความดันโลหิตสูง", "Hypertension"]),
    ("CKD", ["CKD", "ไตวาย", "ไตเรื้อรัง", "โรคไตเรื้อรัง"]),
    ("STROKE", ["STROKE", "อัมพฤกษ์", "อัมพาต", "อัมพฤกษ์อัมพาต", "หลอดเลือดสมอง", "โรคหลอดเลือดสมอง"]),
    ("CANCER", ["CANCER", "มะเร็ง", "โรคมะเร็ง"]),
    ("COPD", ["COPD", "ถุงลมโป่งพอง", "ปอดอุดกั้นเรื้อรัง", "โรคปอดอุดกั้นเรื้อรัง"]),
])
def test_every_way_staff_write_a_chronic_condition_matches_its_code(code, spellings, in_kantang):
    from smarthealth.imports import CHRONIC, chronic_choices

    for choices in (CHRONIC, chronic_choices()):  # the code's table and the municipality's own
        vocabulary = Vocabulary(choices)
        assert {s: vocabulary.match(s) for s in spellings} == dict.fromkeys(spellings, code)


def test_a_codes_cell_mixes_codes_and_thai_words():
    column = registry.get("persons").column("chronic")
    cells = pd.Series(["เบาหวาน, ความดัน", "โรคเบาหวาน/HT", "อัมพาต; มะเร็ง", "ไขมันสูง, DM", ""])
    values, bad = parse_column_cells(cells, column)
    assert values.tolist() == ["{DM,HT}", "{DM,HT}", "{CANCER,STROKE}", "", "{}"]
    assert [mask.tolist() for mask in bad.values()] == [[False, False, False, True, False]]


@pytest.mark.parametrize(("column", "value", "spellings"), [
    ("condition", "poor", ["ชำรุด", "poor", "Poor", "ชำรุดบางส่วน", "ทรุดโทรม"]),
    ("condition", "out_of_service", ["ใช้งานไม่ได้", "ใช้การไม่ได้", "เสีย", "Out of service"]),
    ("condition", "good", ["ดี", "ปกติ", "good"]),
    ("asset_type", "streetlight", ["ไฟฟ้าส่องสว่าง", "ไฟฟ้า ส่องสว่าง", "ไฟส่องสว่าง", "เสาไฟ", "ไฟถนน",
                                   "Street light", "streetlight"]),
    ("asset_type", "drain", ["ท่อระบายน้ำ", "รางระบายน้ำ", "คูระบายน้ำ", "Drain"]),
])
def test_asset_types_and_conditions_as_registers_write_them(column, value, spellings):
    vocabulary = _vocabulary("assets", column)
    assert {s: vocabulary.match(s) for s in spellings} == dict.fromkeys(spellings, value)


def test_a_form_two_values_share_is_never_guessed():
    vocabulary = Vocabulary({"ทางเดิน": "walk", "ทางน้ำ": "water", "เดิน": "walk2"})
    assert vocabulary.match("ทางเดิน") == "walk" and vocabulary.match("เดิน") == "walk2"
    both = Vocabulary({"ก หรือ ข": "a", "ข หรือ ค": "b"})
    assert both.match("ก") == "a" and both.match("ค") == "b" and both.match("ข") is None


# --- the file of issue 15: 14 of 407 persons written the way staff write them ------------------
MOVEMENT = ["การเคลื่อนไหว", "ทางการเคลื่อนไหวหรือทางร่างกาย", "พิการทางการเคลื่อนไหว", "3"]


def _person(n, *, disability="ไม่มี", sex="หญิง", prefix="นาง", chronic=""):
    return [make_cid(BASE + n), prefix, f"ทดสอบ{n}", "คำศัพท์", sex, "05/01/2510", chronic, disability]


def _get(n) -> Person:
    return Person.objects.get(cid_hash=crypto.cid_hash(make_cid(BASE + n)))


def test_the_407_persons_of_the_issue_all_import_with_their_disability(kantang, tmp_path):
    rows = [HEADER]
    for n in range(407):
        disability = MOVEMENT[n % 4] if n < 14 else "ไม่มี"
        prefix = ("003", "นาย", "Mr.")[n % 3] if n < 6 else "นาง"
        rows.append(_person(n, disability=disability, prefix=prefix, sex="ช" if n < 6 else "ญ"))
    job = run("kantang", "persons", write_csv(tmp_path / "persons.csv", rows))
    assert (job.status, job.rows, job.created, job.rejected) == ("done", 407, 407, 0)
    with schema_context("kantang"):
        assert {_get(n).disability for n in range(14)} == {"physical"}
        assert _get(14).disability == "none"
        assert {(_get(n).prefix, _get(n).sex) for n in range(6)} == {("นาย", "M")}


# --- unknown values in the preview ---------------------------------------------------------------
def _preview(schema: str, path, dataset="persons") -> ImportJob:
    with schema_context(schema):
        with open(path, "rb") as handle:
            job = import_job_start(dataset=dataset, upload=File(handle, name=path.name), preview=True,
                                   run_here=True)
        return import_job_preview_prepare(job_id=job.pk)


def _unknown_file(tmp_path, name="unknown.csv", *, first=0):
    """Three `พิการซ้ำซ้อน`, one `xyz`, one `นาย` as a sex, one national ID in the disability column,
    and one unknown chronic condition, on rows after the preview's first ten."""
    rows = [HEADER] + [_person(first + n) for n in range(12)]
    rows += [_person(first + 12 + n, disability="พิการซ้ำซ้อน") for n in range(3)]
    rows.append(_person(first + 15, disability="xyz"))
    rows.append(_person(first + 16, sex="นาย"))
    rows.append(_person(first + 17, disability=make_cid(99)))
    rows.append(_person(first + 18, chronic="เบาหวาน, ไขมันในเลือดสูง"))
    return write_csv(tmp_path / name, rows)


def _by_column(job) -> dict:
    return {group["column"]: group for group in job.preview["unknown_values"]}


def test_the_preview_lists_each_unknown_value_of_the_whole_file_with_its_count(kantang, tmp_path,
                                                                              monkeypatch):
    # Chunks of five rows: the values lie in later chunks than the first, which the preview reads.
    read = vocab_preview.open_chunks
    monkeypatch.setattr(vocab_preview, "open_chunks", lambda *a, **k: read(*a, chunk_rows=5))
    job = _preview("kantang", _unknown_file(tmp_path))
    groups = _by_column(job)
    assert set(groups) == {"disability", "sex", "chronic"}
    assert [(v["text"], v["count"]) for v in groups["disability"]["values"]] == [("พิการซ้ำซ้อน", 3), ("xyz", 1)]
    assert groups["disability"]["hidden_rows"] == 1  # an ID is counted, never shown
    assert [(v["text"], v["count"]) for v in groups["sex"]["values"]] == [("นาย", 1)]
    assert [(v["text"], v["count"]) for v in groups["chronic"]["values"]] == [("ไขมันในเลือดสูง", 1)]
    # Every accepted value is offered, by its Thai (and English) words and its code.
    targets = {t["value"]: t["label"] for t in groups["disability"]["targets"]}
    assert list(targets) == ["none", "visual", "hearing", "physical", "mental", "intellectual", "learning",
                             "autism"]
    assert "การเคลื่อนไหว" in targets["physical"]["th"] and targets["physical"]["th"].endswith(" (physical)")
    assert targets["physical"]["en"].endswith(" (physical)") and targets["physical"]["en"] != targets[
        "physical"]["th"]
    assert {t["label"]["th"] for t in groups["sex"]["targets"]} == {"ชาย (M)", "หญิง (F)"}
    # Personal data: no name, no national ID in the list.
    listed = json.dumps(job.preview["unknown_values"], ensure_ascii=False)
    assert "ทดสอบ" not in listed and "คำศัพท์" not in listed and make_cid(99) not in listed


def _map_on_the_page(client, job, mapping: dict[str, str], capture):
    """The clerk's form: each listed value → a target ("" leaves it)."""
    data = {}
    for i, group in enumerate(job.preview["unknown_values"]):
        for j, value in enumerate(group["values"]):
            data[f"map_{i}_{j}"] = mapping.get(value["text"], "")
    with capture(execute=True):
        return client.post(f"/imports/{job.public_id}/value-mappings/", data)


@pytest.fixture
def eager():
    from cityplatform.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def test_a_mapping_is_remembered_and_applied_to_the_next_file_and_by_import_data(
        kantang, nueaklong, kantang_client, tmp_path, eager, django_capture_on_commit_callbacks):
    login(kantang_client, "kantang", "nurse")
    job = _preview("kantang", _unknown_file(tmp_path))
    page = kantang_client.get(f"/imports/{job.public_id}/").content.decode()
    assert 'id="value-mapping"' in page and "พิการซ้ำซ้อน" in page and 'class="imp-count">3<' in page

    response = _map_on_the_page(kantang_client, job, {"พิการซ้ำซ้อน": "physical"},
                                django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == f"/imports/{job.public_id}/"
    with schema_context("kantang"):
        mapping = ValueMapping.objects.get()
        assert (mapping.dataset, mapping.column, mapping.source, mapping.target) == (
            "persons", "disability", "พิการซ้ำซ้อน", "physical")
        assert mapping.created_by.username == "nurse"
        job.refresh_from_db()
    # The preview was prepared again (the task, eager here): the value is now a remembered one.
    groups = _by_column(job)
    assert [v["text"] for v in groups["disability"]["values"]] == ["xyz"]
    assert [(a["text"], a["target"], a["count"]) for a in groups["disability"]["applied"]] == [
        ("พิการซ้ำซ้อน", "physical", 3)]
    page = kantang_client.get(f"/imports/{job.public_id}/").content.decode()
    physical = next(t["label"]["th"] for t in groups["disability"]["targets"] if t["value"] == "physical")
    assert f"พิการซ้ำซ้อน → {physical}" in page

    with django_capture_on_commit_callbacks(execute=True):
        kantang_client.post(f"/imports/{job.public_id}/")  # confirm
    with schema_context("kantang"):
        job.refresh_from_db()
        # Rejected: xyz, นาย as a sex, the ID, the unknown chronic condition (all left alone).
        assert (job.status, job.rows, job.rejected) == ("done", 19, 4)
        assert {_get(n).disability for n in (12, 13, 14)} == {"physical"}

    # Next month's file, by the management command: the mapping applies there too.
    path = write_csv(tmp_path / "next.csv", [HEADER, _person(100, disability="พิการ ซ้ำซ้อน"),
                                             _person(101, disability="พิการซ้ำซ้อน")])
    out = io.StringIO()
    call_command("import_data", "--schema", "kantang", "--dataset", "persons", str(path), stdout=out)
    assert out.getvalue().strip() == "rows=2 created=2 updated=0 unchanged=0 rejected=0"
    with schema_context("kantang"):
        assert _get(100).disability == _get(101).disability == "physical"

    # Another municipality has its own mappings: there the value is still unknown.
    elsewhere = run("nueaklong", "persons", path)
    assert (elsewhere.rows, elsewhere.rejected) == (2, 2)


def test_a_mapping_is_edited_and_deleted_on_its_page(kantang, kantang_client, tmp_path):
    login(kantang_client, "kantang", "nurse")
    with schema_context("kantang"):
        mapping = ValueMapping.objects.create(dataset="persons", column="disability", source="พิการซ้ำซ้อน",
                                              source_text="พิการซ้ำซ้อน", target="physical")
    page = kantang_client.get("/imports/value-mappings/").content.decode()
    assert "พิการซ้ำซ้อน" in page and "ความพิการ" in page and 'value="physical" selected' in page
    assert "/imports/value-mappings/" in kantang_client.get("/imports/").content.decode()  # linked

    response = kantang_client.post(f"/imports/value-mappings/{mapping.pk}/", {"target": "mental"})
    assert response.status_code == 302
    path = write_csv(tmp_path / "p.csv", [HEADER, _person(200, disability="พิการซ้ำซ้อน")])
    run("kantang", "persons", path)
    with schema_context("kantang"):
        assert _get(200).disability == "mental"

    # A value the column does not accept is refused; the mapping stays as it was.
    kantang_client.post(f"/imports/value-mappings/{mapping.pk}/", {"target": "nonsense"})
    with schema_context("kantang"):
        mapping.refresh_from_db()
        assert mapping.target == "mental"

    kantang_client.post(f"/imports/value-mappings/{mapping.pk}/delete/")
    with schema_context("kantang"):
        assert not ValueMapping.objects.exists()
    path = write_csv(tmp_path / "q.csv", [HEADER, _person(201, disability="พิการซ้ำซ้อน")])
    job = run("kantang", "persons", path)
    assert job.rejected == 1


def test_only_who_may_import_the_dataset_sees_or_changes_its_mappings(kantang, kantang_client):
    with schema_context("kantang"):
        mapping = ValueMapping.objects.create(dataset="persons", column="disability", source="พิการซ้ำซ้อน",
                                              source_text="พิการซ้ำซ้อน", target="physical")
    login(kantang_client, "kantang", "engineer")  # imports assets, not health data
    assert "พิการซ้ำซ้อน" not in kantang_client.get("/imports/value-mappings/").content.decode()
    assert kantang_client.post(f"/imports/value-mappings/{mapping.pk}/delete/").status_code == 404
    edit = kantang_client.post(f"/imports/value-mappings/{mapping.pk}/", {"target": "none"})
    assert edit.status_code == 404
    login(kantang_client, "kantang", "executive")
    assert kantang_client.get("/imports/value-mappings/").status_code == 403
    with schema_context("kantang"):
        mapping.refresh_from_db()
        assert mapping.target == "physical"


def test_a_mapping_to_a_value_no_longer_accepted_is_not_applied(kantang, tmp_path):
    from smarthealth.models import ChronicCondition

    with schema_context("kantang"):
        ValueMapping.objects.create(dataset="persons", column="chronic", source="ไขมันสูง",
                                    source_text="ไขมันสูง", target="DM")
        ChronicCondition.objects.filter(code="DM").update(active=False)
    path = write_csv(tmp_path / "p.csv", [HEADER, _person(300, chronic="ไขมันสูง")])
    job = run("kantang", "persons", path)
    assert job.rejected == 1


def test_assets_written_as_registers_write_them_import(kantang, tmp_path):
    path = write_csv(tmp_path / "assets.csv", [
        ["รหัสทรัพย์สิน", "ประเภท", "ชื่อ", "สภาพ", "ละติจูด", "ลองจิจูด"],
        ["VOC-1", "เสาไฟ", "เสาไฟหน้าวัด", "ชำรุด", "7.41", "99.52"],
        ["VOC-2", "ไฟถนน", "ไฟถนนซอย 2", "เสีย", "7.41", "99.52"],
        ["VOC-3", "ไฟส่องสว่าง", "ไฟส่องสว่างตลาด", "ใช้การไม่ได้", "7.41", "99.52"],
        ["VOC-4", "กล้องวงจรปิด", "กล้องสี่แยก", "ปกติ", "7.41", "99.52"],
    ])
    job = run("kantang", "assets", path)
    assert (job.status, job.created, job.rejected) == ("done", 4, 0), job.failure_reason
    from infrastructure.models import Asset

    with schema_context("kantang"):
        found = dict(Asset.objects.filter(code__startswith="VOC-").values_list("code", "condition"))
        types = set(Asset.objects.filter(code__startswith="VOC-").values_list("asset_type", flat=True))
    assert found == {"VOC-1": "poor", "VOC-2": "out_of_service", "VOC-3": "out_of_service", "VOC-4": "good"}
    assert types == {"streetlight", "cctv"}
