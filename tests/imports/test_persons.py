import datetime as dt

import pytest
from django_tenants.utils import schema_context

from smarthealth import crypto
from smarthealth.models import AccessLog, Person

from .conftest import HOUSE_PREFIX, bad_checksum, error_report, error_rows, make_cid, run, write_csv

pytestmark = pytest.mark.django_db
HEADER = ["เลขประจำตัวประชาชน", "คำนำหน้า", "ชื่อ", "นามสกุล", "เพศ", "วันเกิด", "รหัสบ้าน", "โรคประจำตัว",
          "ความพิการ"]


def person(cid, birth="05/01/2510", house=f"{HOUSE_PREFIX}000001", sex="หญิง", chronic="", name="สมศรี"):
    return [cid, "นาง", name, "ใจดี", sex, birth, house, chronic, "ไม่มี"]


def _get(cid):
    return Person.objects.get(cid_hash=crypto.cid_hash(cid))


def test_it_reads_cp874_with_buddhist_era_dates_and_thai_month_names(kantang, households_file, tmp_path):
    run("kantang", "households", households_file)
    a, b, c = make_cid(1), make_cid(2), make_cid(3)
    path = write_csv(tmp_path / "persons.csv", [
        HEADER,
        person(a, birth="05/01/2510", chronic="DM, ความดันโลหิตสูง"),
        person(b, birth="๕ ม.ค. ๒๕๑๐", sex="ชาย"),
        person(f"{c[0]}-{c[1:5]}-{c[5:10]}-{c[10:12]}-{c[12]}", birth="1967-01-05", sex="2"),
    ], encoding="cp874")
    job = run("kantang", "persons", path)
    assert job.status == "done", job.failure_reason
    assert job.encoding == "cp874"
    if job.rejected:
        print(error_report("kantang", job))
    assert (job.rows, job.created, job.rejected) == (3, 3, 0)
    with schema_context("kantang"):
        first, second, third = _get(a), _get(b), _get(c)
        assert first.birth_date == second.birth_date == third.birth_date == dt.date(1967, 1, 5)
        assert first.first_name == "สมศรี" and first.sex == "F" and second.sex == "M"
        assert first.chronic_conditions == ["DM", "HT"]
        assert first.household.house_id == f"{HOUSE_PREFIX}000001"
        assert first.cid == a and first.cid_last3 == a[-3:]
        # Personal data imported: one audit row with counts only.
        log = AccessLog.objects.filter(action="import", object_type="persons").latest("at")
        assert log.detail["created"] == 3


def test_a_mixed_file_keeps_valid_rows_and_reports_every_bad_one(kantang, households_file, tmp_path):
    run("kantang", "households", households_file)
    good = make_cid(10)
    path = write_csv(tmp_path / "mixed.csv", [
        HEADER,
        person(good),                                   # row 2: fine
        person("1.23457E+12"),                          # row 3: Excel scientific notation
        person(bad_checksum(make_cid(11))),             # row 4: wrong check digit
        person(make_cid(12), house="99999999999"),      # row 5: unknown household
        person(make_cid(13), birth="31/02/2567"),       # row 6: impossible date
        person(make_cid(14), sex="X"),                  # row 7: unknown sex
    ], encoding="utf-8")
    job = run("kantang", "persons", path)
    assert (job.rows, job.created, job.rejected) == (6, 1, 5)
    rows = error_rows("kantang", job)
    assert list(rows[0])[:3] == ["แถว", "ปัญหา", "Problem"] and list(rows[0])[3:] == HEADER
    assert [row["แถว"] for row in rows] == ["3", "4", "5", "6", "7"]
    # Each rejected row as the file has it, its problem naming the column in Thai and in English.
    assert rows[0]["เลขประจำตัวประชาชน"] == "1.23457E+12" and "1.23457E+12" in rows[0]["Problem"]
    assert rows[0]["ปัญหา"].startswith("เลขประจำตัวประชาชน: ") and rows[0]["Problem"].startswith("cid: ")
    assert rows[1]["Problem"].startswith("cid: ") and "check digit" in rows[1]["Problem"]
    assert rows[2]["รหัสบ้าน"] == "99999999999" and rows[2]["ปัญหา"].startswith("รหัสบ้าน: ")
    assert rows[3]["วันเกิด"] == "31/02/2567" and "does not exist" in rows[3]["Problem"]
    assert rows[4]["เพศ"] == "X" and rows[4]["ปัญหา"].startswith("เพศ: ")
    with schema_context("kantang"):
        assert _get(good).first_name == "สมศรี"
        assert not Person.objects.filter(cid_hash=crypto.cid_hash(make_cid(12))).exists()


def test_it_reads_utf16_tab_separated_text_as_excel_saves_it(kantang, households_file, tmp_path):
    run("kantang", "households", households_file)
    path = write_csv(tmp_path / "unicode.txt", [HEADER, person(make_cid(20), name="ส\u0e4d\u0e32ลี\u200b")],
                     encoding="utf-16", sep="\t")
    job = run("kantang", "persons", path)
    assert (job.encoding, job.created, job.rejected) == ("utf-16", 1, 0)
    with schema_context("kantang"):
        assert _get(make_cid(20)).first_name == "สำลี"  # สระอำ recomposed, zero-width space gone


def test_reimporting_persons_changes_nothing(kantang, households_file, tmp_path):
    run("kantang", "households", households_file)
    path = write_csv(tmp_path / "p.csv", [HEADER, person(make_cid(30)), person(make_cid(31))])
    run("kantang", "persons", path)
    again = run("kantang", "persons", path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_it_reads_xlsx_keeping_leading_zeros_and_excel_dates(kantang, households_file, tmp_path):
    from openpyxl import Workbook

    run("kantang", "households", households_file)
    cid = make_cid(40)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["cid", "first_name", "last_name", "sex", "birth_date", "house_id", "phone"])
    sheet.append([cid, "มานี", "มีนา", "F", dt.datetime(1970, 3, 1), f"{HOUSE_PREFIX}000002", "0812345678"])
    sheet.append([make_cid(41), "ชูใจ", "ใจดี", "F", "01/03/2513", f"{HOUSE_PREFIX}000002", "0891112222"])
    workbook.save(tmp_path / "persons.xlsx")
    job = run("kantang", "persons", tmp_path / "persons.xlsx")
    assert (job.status, job.created, job.rejected) == ("done", 2, 0), job.failure_reason
    with schema_context("kantang"):
        assert _get(cid).birth_date == dt.date(1970, 3, 1)
        assert _get(cid).phone == "0812345678"
        assert _get(make_cid(41)).birth_date == dt.date(1970, 3, 1)


def test_a_file_missing_a_required_column_fails_as_a_whole(kantang, tmp_path):
    path = write_csv(tmp_path / "p.csv", [["cid", "first_name"], [make_cid(50), "x"]])
    job = run("kantang", "persons", path)
    assert job.status == "failed"
    assert "last_name" in job.failure_reason
    with schema_context("kantang"):
        assert not Person.objects.filter(cid_hash=crypto.cid_hash(make_cid(50))).exists()


def test_condition_codes_are_the_municipalitys_own(kantang, households_file, tmp_path):
    from smarthealth.models import ChronicCondition

    run("kantang", "households", households_file)
    with schema_context("kantang"):
        ChronicCondition.objects.create(code="GOUT", name_th="เกาต์", name_en="Gout")
        ChronicCondition.objects.filter(code="COPD").update(active=False)
    a, b = make_cid(40), make_cid(41)
    rows = [HEADER, person(a, chronic="เกาต์, DM"), person(b, chronic="COPD")]
    path = write_csv(tmp_path / "codes.csv", rows)
    job = run("kantang", "persons", path)
    assert (job.created, job.rejected) == (1, 1)
    (rejected,) = error_rows("kantang", job)
    accepted = rejected["Problem"].split("accepted", 1)[-1]
    assert rejected["โรคประจำตัว"] == "COPD" and "GOUT" in accepted and "COPD" not in accepted
    with schema_context("kantang"):
        assert _get(a).chronic_conditions == ["DM", "GOUT"]
