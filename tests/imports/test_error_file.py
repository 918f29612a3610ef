"""The error file a clerk can use: the rejected rows as the file has them, with แถว, ปัญหา and
Problem, in the same kind of file as the upload; fixed and uploaded again, every row goes in."""

import csv
import datetime as dt
import io
import json

import pytest
from django_tenants.utils import schema_context
from openpyxl import Workbook, load_workbook

from accounts.models import User
from accounts.tokens import api_token_create
from imports.models import ImportJob
from infrastructure.models import Asset
from smarthealth import crypto
from smarthealth.models import Person

from ..api.conftest import call
from ..helpers import login
from .conftest import HOUSE_PREFIX, bad_checksum, error_report, error_rows, make_cid, run, write_csv

pytestmark = pytest.mark.django_db

HEADER = ["เลขประจำตัวประชาชน", "ชื่อ", "นามสกุล", "เพศ", "วันเกิด", "รหัสบ้าน", "โทรศัพท์", "หมายเหตุ"]
HOUSE = f"{HOUSE_PREFIX}000001"


def _persons(cids: dict[str, str]) -> list[list[str]]:
    """Two good rows and four bad ones (one with two problems, one found bad only in SQL)."""
    return [
        HEADER,
        [cids["a"], "สมศรี", "ใจดี", "หญิง", "05/01/2510", HOUSE, "0812345678", "ดี"],          # 2
        [cids["b"], "สมชาย", "ใจดี", "X", "05/01/2510", HOUSE, "-", "เพศผิด"],                   # 3
        [cids["c"], "สมหญิง, จ.", "ใจงาม", "F", "31/02/2510", HOUSE, "081", "=1+1"],             # 4
        [bad_checksum(cids["d"]), "มานี", "มีนา", "Q", "01/01/2500", HOUSE, "", ""],             # 5
        [cids["e"], "ชูใจ", "ใจดี", "M", "01/01/2500", "99999999999", "", "ไม่มีบ้านนี้"],        # 6
        [cids["f"], "ปิติ", "พร", "ชาย", "1/1/2500", HOUSE, "", ""],                            # 7
    ]


def _cids(start: int) -> dict[str, str]:
    return {key: make_cid(start + n) for n, key in enumerate("abcdef")}


def _fix(row: dict[str, str], cids: dict[str, str]) -> None:
    """What the clerk corrects, guided by the ปัญหา column."""
    problem = row["ปัญหา"]
    if "เพศ:" in problem:
        row["เพศ"] = "ชาย"
    if "วันเกิด:" in problem:
        row["วันเกิด"] = "28/02/2510"
    if "เลขประจำตัวประชาชน:" in problem:
        row["เลขประจำตัวประชาชน"] = cids["d"]
    if "รหัสบ้าน:" in problem:
        row["รหัสบ้าน"] = HOUSE


def _check_report(rows: list[dict[str, str]], file_rows: list[list[str]]) -> None:
    assert [row["แถว"] for row in rows] == ["3", "4", "5", "6"]
    assert list(rows[0]) == ["แถว", "ปัญหา", "Problem", *HEADER]
    # Every cell as the file has it (the formula made harmless, and nothing else touched).
    for row, original in zip(rows, (file_rows[2], file_rows[3], file_rows[4], file_rows[5]), strict=True):
        cells = [row[header] for header in HEADER]
        expected = ["'=1+1" if cell == "=1+1" else cell for cell in original]
        assert cells == expected
    assert rows[0]["ปัญหา"].startswith("เพศ: ") and rows[0]["Problem"].startswith("sex: ")
    assert rows[1]["ปัญหา"].startswith("วันเกิด: ") and "does not exist" in rows[1]["Problem"]
    # Two problems of one row: one line, both named.
    thai, english = rows[2]["ปัญหา"], rows[2]["Problem"]
    assert thai.startswith("เลขประจำตัวประชาชน: ") and "; เพศ: " in thai
    assert english.startswith("cid: ") and "check digit" in english and "; sex: " in english
    assert rows[3]["ปัญหา"].startswith("รหัสบ้าน: ") and "99999999999" in rows[3]["Problem"]


def test_a_csv_error_file_is_fixed_and_uploaded_again(kantang, households_file, tmp_path):
    run("kantang", "households", households_file)
    cids = _cids(800)
    file_rows = _persons(cids)
    job = run("kantang", "persons", write_csv(tmp_path / "persons.csv", file_rows, encoding="utf-8-sig"))
    assert (job.rows, job.created, job.rejected) == (6, 2, 4)
    assert job.error_report.name.endswith(".csv")
    with schema_context("kantang"):
        with job.error_report.open("rb") as handle:
            assert handle.read(3) == b"\xef\xbb\xbf"  # UTF-8 with BOM, for Excel
    rows = error_rows("kantang", job)
    _check_report(rows, file_rows)

    for row in rows:
        _fix(row, cids)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    fixed = tmp_path / "ข้อผิดพลาด-persons.csv"
    fixed.write_bytes(("\ufeff" + buffer.getvalue()).encode("utf-8"))  # as Excel saves "CSV UTF-8"
    again = run("kantang", "persons", fixed)
    assert (again.status, again.rows, again.created, again.rejected) == ("done", 4, 4, 0), error_report(
        "kantang", again) if again.error_report else again.failure_reason
    assert set(again.header_mapping["ignored"]) == {"แถว", "ปัญหา", "Problem", "หมายเหตุ"}
    with schema_context("kantang"):
        for key in "abcdef":
            assert Person.objects.filter(cid_hash=crypto.cid_hash(cids[key])).exists(), key
        # Exactly the file's values: a "-" is not turned into "'-".
        assert Person.objects.get(cid_hash=crypto.cid_hash(cids["b"])).phone == "-"
        assert Person.objects.get(cid_hash=crypto.cid_hash(cids["c"])).first_name == "สมหญิง, จ."


def test_an_error_file_of_an_error_file_has_its_columns_once(kantang, households_file, tmp_path):
    run("kantang", "households", households_file)
    first = run("kantang", "persons", write_csv(tmp_path / "persons.csv", _persons(_cids(820))))
    report = tmp_path / "report.csv"
    with schema_context("kantang"):
        with first.error_report.open("rb") as handle:
            report.write_bytes(handle.read())
    second = run("kantang", "persons", report)  # uploaded again without a fix
    assert (second.created, second.rejected) == (0, 4)
    rows = error_rows("kantang", second)
    assert list(rows[0]) == ["แถว", "ปัญหา", "Problem", *HEADER]
    assert [row["แถว"] for row in rows] == ["2", "3", "4", "5"]  # rows of the file uploaded now


def test_an_excel_error_file_is_excel_fixed_and_uploaded_again(kantang, households_file, tmp_path):
    run("kantang", "households", households_file)
    cids = _cids(840)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append([cids["a"], "สมศรี", "ใจดี", "หญิง", dt.datetime(1967, 1, 5), HOUSE, "0812345678", None])
    sheet.append([cids["b"], "สมชาย", "ใจดี", "X", dt.datetime(1967, 1, 5), HOUSE, "-", "เพศผิด"])
    sheet.append([cids["c"], "สมหญิง", "ใจงาม", "F", "31/02/2510", HOUSE, None, None])
    sheet.append([cids["e"], "ชูใจ", "ใจดี", "M", dt.datetime(1957, 1, 1), "99999999999", None, 12])
    path = tmp_path / "persons.xlsx"
    workbook.save(path)
    job = run("kantang", "persons", path)
    assert (job.created, job.rejected) == (1, 3)
    assert job.error_report.name.endswith(".xlsx")
    with schema_context("kantang"):
        with job.error_report.open("rb") as handle:
            report = load_workbook(io.BytesIO(handle.read()))
    sheet = report.active
    header = [cell.value for cell in sheet[1]]
    assert header == ["แถว", "ปัญหา", "Problem", *HEADER]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet["B1"].fill.fgColor.rgb.endswith("FFF2CC") and sheet["B2"].fill.fgColor.rgb.endswith("FFF2CC")
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert [row[0] for row in values] == [3, 4, 5]
    # The file's cells as Excel had them: a date cell is a date again, a number a number.
    assert values[0][3:] == [cids["b"], "สมชาย", "ใจดี", "X", dt.datetime(1967, 1, 5), HOUSE, "-", "เพศผิด"]
    assert values[1][3:8] == [cids["c"], "สมหญิง", "ใจงาม", "F", "31/02/2510"]
    assert values[2][-1] == 12 and values[2][7] == dt.datetime(1957, 1, 1)
    assert values[0][1].startswith("เพศ: ") and values[0][2].startswith("sex: ")

    for row in sheet.iter_rows(min_row=2):
        problem = row[1].value
        if "เพศ:" in problem:
            row[6].value = "ชาย"
        if "วันเกิด:" in problem:
            row[7].value = dt.datetime(1967, 2, 28)
        if "รหัสบ้าน:" in problem:
            row[8].value = HOUSE
    fixed = tmp_path / "ข้อผิดพลาด-persons.xlsx"
    report.save(fixed)
    again = run("kantang", "persons", fixed)
    assert (again.status, again.created, again.rejected) == ("done", 3, 0), again.failure_reason
    with schema_context("kantang"):
        assert Person.objects.get(cid_hash=crypto.cid_hash(cids["c"])).birth_date == dt.date(1967, 2, 28)
        assert Person.objects.get(cid_hash=crypto.cid_hash(cids["b"])).phone == "-"


def test_a_geojson_error_file_is_a_csv_that_imports_again(kantang, tmp_path):
    path = tmp_path / "assets.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [99.519, 7.41]},
         "properties": {"code": "GJ-1", "asset_type": "hydrant", "name": "หัวดับเพลิง"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [99.519, 7.41]},
         "properties": {"code": "GJ-2", "asset_type": "castle", "name": "ปราสาท"}},
    ]}), encoding="utf-8")
    job = run("kantang", "assets", path)
    assert (job.created, job.rejected) == (1, 1), job.failure_reason
    assert job.error_report.name.endswith(".csv")
    (row,) = error_rows("kantang", job)
    assert (row["แถว"], row["code"], row["asset_type"], row["name"]) == ("3", "GJ-2", "castle", "ปราสาท")
    assert json.loads(row["geojson"]) == {"type": "Point", "coordinates": [99.519, 7.41]}
    assert row["ปัญหา"].startswith("ประเภท: ")
    row["asset_type"] = "หัวดับเพลิง"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(row))
    writer.writeheader()
    writer.writerow(row)
    fixed = tmp_path / "fixed.csv"
    fixed.write_text(buffer.getvalue(), encoding="utf-8")
    again = run("kantang", "assets", fixed)
    assert (again.created, again.rejected) == (1, 0), again.failure_reason
    with schema_context("kantang"):
        assert Asset.objects.get(code="GJ-2").asset_type == "hydrant"


def test_the_page_serves_the_kind_uploaded_and_the_api_answers_csv(kantang, kantang_client, households_file,
                                                                   tmp_path):
    run("kantang", "households", households_file)
    workbook = Workbook()
    workbook.active.append(["house_id", "house_no"])
    workbook.active.append(["123", "=HYPERLINK(\"http://x\")"])
    workbook.active["B2"].data_type = "s"  # text that looks like a formula, as a cell typed '=…
    path = tmp_path / "บ้าน.xlsx"
    workbook.save(path)
    with schema_context("kantang"):
        nurse = User.objects.get(username="nurse")
        token = api_token_create(user=nurse, name="test")[1]
    job = run("kantang", "households", path, user=nurse)
    assert job.rejected == 1
    login(kantang_client, "kantang", "nurse")
    page = kantang_client.get(f"/imports/{job.public_id}/")
    assert f"/imports/{job.public_id}/errors/" in page.content.decode()
    download = kantang_client.get(f"/imports/{job.public_id}/errors/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "filename*=utf-8''" + "%E0%B8%82" in download["Content-Disposition"]  # ข้อผิดพลาด-บ้าน.xlsx
    assert download["Content-Disposition"].endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    formula = sheet["E2"]
    assert formula.value == "=HYPERLINK(\"http://x\")" and formula.data_type == "s"  # text, never run

    answer = call("kantang", "GET", f"/api/v1/imports/{job.public_id}/errors.csv", token)
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
    text = b"".join(answer.streaming_content).decode("utf-8-sig")
    header, line = csv.reader(io.StringIO(text))
    assert header == ["แถว", "ปัญหา", "Problem", "house_id", "house_no"]
    assert line[0] == "2" and line[1].startswith("รหัสบ้าน: ") and line[3:] == ["123", "'=HYPERLINK(\"http://x\")"]
    with schema_context("kantang"):
        assert ImportJob.objects.get(pk=job.pk).error_report.name.endswith(".xlsx")
