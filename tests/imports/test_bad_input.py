"""Bad input, each from a real file: every case gets a clear file- or row-level message."""

import pytest
from django_tenants.utils import schema_context

from infrastructure.models import Asset

from .conftest import error_report, error_rows, run, write_csv

pytestmark = pytest.mark.django_db
HEADER = ["code", "asset_type", "name", "lat", "lon"]


def test_a_file_mixing_utf8_and_cp874_fails_as_a_whole(kantang, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(",".join(HEADER).encode() + b"\n"
                     + "M-1,cctv,กล้องหนึ่ง,7.41,99.52\n".encode()
                     + "M-2,cctv,กล้องสอง,7.41,99.52\n".encode("cp874"))
    job = run("kantang", "assets", path)
    assert job.status == "failed" and "encoding" in job.failure_reason
    with schema_context("kantang"):
        assert not Asset.objects.filter(code__in=["M-1", "M-2"]).exists()


def test_duplicate_keys_in_one_file_the_last_row_wins(kantang, tmp_path):
    path = write_csv(tmp_path / "dup.csv", [HEADER, ["D-1", "cctv", "first", "7.41", "99.52"],
                                            ["D-1", "cctv", "second", "7.41", "99.52"]])
    job = run("kantang", "assets", path)
    assert (job.rows, job.created, job.unchanged, job.rejected) == (2, 1, 1, 0)
    with schema_context("kantang"):
        assert Asset.objects.get(code="D-1").name == "second"


def test_formula_text_is_kept_as_text_and_escaped_in_the_error_report(kantang, tmp_path):
    path = write_csv(tmp_path / "f.csv", [
        ["house_id", "house_no", "volunteer"],
        ["99999000077", "1", "=cmd|' /C calc'!A0"],
    ])
    job = run("kantang", "households", path)
    assert job.rejected == 1
    report = error_report("kantang", job)
    assert ",=cmd" not in report and '"=cmd' not in report
    # The file's cell comes back as text a spreadsheet will not run (and so does the problem
    # that quotes it).
    (row,) = error_rows("kantang", job)
    assert row["volunteer"] == "'=cmd|' /C calc'!A0" and not row["Problem"].startswith("=")


def test_thousands_separators_and_thai_digits_in_numbers(kantang, tmp_path):
    path = write_csv(tmp_path / "n.csv", [["house_id", "house_no", "moo"], ["99999000088", "๑", "๑๒"],
                                          ["99999000089", "2", "1,000"]])
    job = run("kantang", "households", path)
    assert (job.created, job.rejected) == (1, 1)  # moo 1,000 is read as 1000, outside 0–99
    assert [(row["แถว"], row["moo"], row["Problem"].split(":")[0]) for row in error_rows("kantang", job)] == [
        ("3", "1,000", "moo")]


def test_an_unknown_column_is_reported_and_ignored(kantang, tmp_path):
    path = write_csv(tmp_path / "u.csv", [["house_id", "house_no", "colour"], ["99999000090", "1", "red"]])
    job = run("kantang", "households", path)
    assert job.created == 1 and job.header_mapping["ignored"] == ["colour"]


def test_a_workbook_that_expands_too_far_is_refused(kantang, tmp_path, monkeypatch):
    from openpyxl import Workbook

    from imports import prechecks

    workbook = Workbook()
    workbook.active.append(HEADER)
    workbook.active.append(["Z-1", "cctv", "x" * 1000, 7.41, 99.52])
    workbook.save(tmp_path / "bomb.xlsx")
    monkeypatch.setattr(prechecks, "MAX_UNZIPPED", 1000)
    job = run("kantang", "assets", tmp_path / "bomb.xlsx")
    assert job.status == "failed" and "expands" in job.failure_reason


def test_a_malformed_line_deep_in_the_file_fails_the_whole_file(kantang, tmp_path, monkeypatch):
    from imports import reading

    monkeypatch.setattr(reading, "CHUNK_ROWS", 10)  # rows 2–11 load before the bad line is met
    rows = [HEADER] + [[f"R-{n}", "cctv", "x", "7.41", "99.52"] for n in range(30)]
    rows.append(["R-99", "cctv", "x", "7.41", "99.52", "extra", "fields"])
    path = write_csv(tmp_path / "ragged.csv", rows)
    job = run("kantang", "assets", path)
    assert job.status == "failed" and "cannot be read as CSV" in job.failure_reason
    with schema_context("kantang"):
        assert not Asset.objects.filter(code__startswith="R-").exists()


def test_whole_numbers_written_as_decimals_are_accepted(kantang, tmp_path):
    path = write_csv(tmp_path / "d.csv", [["house_id", "house_no", "moo"], ["99999000091", "1", "4.0"]])
    job = run("kantang", "households", path)
    assert (job.created, job.rejected) == (1, 0), job.failure_reason
