"""More bad input from real files (issue 5's list): each case gets a clear file- or row-level message,
and a file that fails as a whole leaves no rows behind."""

import csv
import datetime as dt
import io
import json
import zipfile

import pytest
from django_tenants.utils import schema_context
from openpyxl import Workbook, load_workbook

from infrastructure.models import Asset
from kernel.exports import csv_response, xlsx_response

from ..helpers import login
from .conftest import HOUSE_PREFIX, error_rows, run, write_csv

pytestmark = pytest.mark.django_db
HEADER = ["code", "asset_type", "name", "lat", "lon"]
FORMULA = "=cmd|' /C calc'!A0"


def _assets(prefix: str) -> list[str]:
    with schema_context("kantang"):
        return list(Asset.objects.filter(code__startswith=prefix).values_list("code", flat=True))


def _failed_leaving_nothing(job, prefix: str, words: str) -> None:
    assert job.status == "failed", job.status
    assert words in job.failure_reason, job.failure_reason
    assert (job.rows, job.created, job.updated, job.rejected) == (0, 0, 0, 0)
    assert _assets(prefix) == []


def _xlsx(path, rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def _report_lines(job) -> list[tuple[str, str, str]]:
    """(row number, the column the first problem names, the English problems) a rejected row."""
    return [(row["แถว"], row["Problem"].split(":")[0], row["Problem"]) for row in error_rows("kantang", job)]


# --- the file as a whole -------------------------------------------------------------------------

def test_bytes_that_are_neither_utf8_nor_cp874_fail_the_file(kantang, tmp_path):
    path = tmp_path / "enc.csv"
    # 0xFF is invalid UTF-8 and unassigned in cp874 (TIS-620).
    path.write_bytes(b"code,asset_type,name,lat,lon\nXE-1,cctv,ok,7.41,99.52\nXE-2,cctv,\xff\xfb,7.41,99.52\n")
    job = run("kantang", "assets", path)
    _failed_leaving_nothing(job, "XE-", "encoding")
    assert any("\u0e00" <= c <= "\u0e7f" for c in job.failure_reason)  # Thai first, English beside


def test_an_empty_file_fails_clearly(kantang, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    _failed_leaving_nothing(run("kantang", "assets", path), "XZ-", "empty")


def test_a_file_of_blank_lines_has_no_data_rows(kantang, tmp_path):
    path = tmp_path / "blank.csv"
    path.write_bytes(b"\r\n\r\n")
    _failed_leaving_nothing(run("kantang", "assets", path), "XZ-", "no data rows")


def test_a_header_only_xlsx_fails_clearly(kantang, tmp_path):
    path = _xlsx(tmp_path / "header.xlsx", [HEADER])
    _failed_leaving_nothing(run("kantang", "assets", path), "XH-", "no data rows")


def test_a_header_only_file_missing_a_required_column_names_the_column(kantang, tmp_path):
    path = write_csv(tmp_path / "h.csv", [["code", "name", "lat", "lon"]])
    job = run("kantang", "assets", path)
    assert job.status == "failed" and "Required columns are missing: asset_type" in job.failure_reason


def test_a_workbook_missing_a_required_column_loads_none_of_its_rows(kantang, tmp_path):
    path = _xlsx(tmp_path / "miss.xlsx", [["code", "name", "lat", "lon"],
                                         ["XM-1", "a", 7.41, 99.52], ["XM-2", "b", 7.41, 99.52]])
    _failed_leaving_nothing(run("kantang", "assets", path), "XM-", "asset_type")


def test_two_headers_naming_the_same_column_fail_the_file(kantang, tmp_path):
    # "name" and its Thai header "ชื่อ" are the same column: which one to load would be a guess.
    path = write_csv(tmp_path / "twice.csv", [[*HEADER, "ชื่อ"], ["XT-1", "cctv", "a", "7.41", "99.52", "b"]])
    job = run("kantang", "assets", path)
    _failed_leaving_nothing(job, "XT-", "both name the column")
    assert "“name”" in job.failure_reason and "“ชื่อ”" in job.failure_reason


def test_a_file_over_the_size_limit_loads_nothing(kantang, tmp_path, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024
    rows = [HEADER] + [[f"XS-{n}", "cctv", "x" * 20, "7.41", "99.52"] for n in range(100)]
    path = write_csv(tmp_path / "big.csv", rows)
    assert path.stat().st_size > 1024
    _failed_leaving_nothing(run("kantang", "assets", path), "XS-", "larger than")


def test_a_real_zip_bomb_xlsx_is_refused_before_it_is_inflated(kantang, tmp_path):
    from imports import prechecks

    path = tmp_path / "bomb.xlsx"
    block = b"\0" * (1 << 20)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as entry:
            for _ in range(prechecks.MAX_UNZIPPED // len(block) + 1):
                entry.write(block)
    assert path.stat().st_size < 2 * 1024 * 1024  # small on disk, > 200 MB inflated
    _failed_leaving_nothing(run("kantang", "assets", path), "XB-", "expands to more than")


def test_a_zip_that_is_not_a_workbook_fails_clearly(kantang, tmp_path):
    path = tmp_path / "other.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a spreadsheet")
    _failed_leaving_nothing(run("kantang", "assets", path), "XW-", "workbook cannot be read")


def test_a_truncated_workbook_fails_clearly(kantang, tmp_path):
    whole = _xlsx(tmp_path / "whole.xlsx", [HEADER, ["XC-1", "cctv", "a", 7.41, 99.52]]).read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    _failed_leaving_nothing(run("kantang", "assets", path), "XC-", "not an Excel workbook")


def test_a_nul_byte_deep_in_a_csv_fails_the_file_and_loads_nothing(kantang, tmp_path):
    rows = [HEADER] + [[f"XN-{n}", "cctv", "x", "7.41", "99.52"] for n in range(50)]
    path = write_csv(tmp_path / "nul.csv", rows)
    path.write_bytes(path.read_bytes() + b"XN-99,cctv,a\x00b,7.41,99.52\r\n")
    _failed_leaving_nothing(run("kantang", "assets", path), "XN-", "NUL")


def test_a_nul_inside_a_workbook_cell_fails_the_file(kantang, tmp_path):
    path = tmp_path / "nul.xlsx"
    _xlsx(path, [HEADER, ["XK-1", "cctv", "ab", 7.41, 99.52]])
    # openpyxl refuses to write a NUL, so put one into the stored cell text directly.
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    for name, data in parts.items():
        if b">ab<" in data:
            parts[name] = data.replace(b">ab<", b">a&#0;b<")
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    # XML forbids the character: the reader refuses the sheet, and the whole file fails clearly.
    _failed_leaving_nothing(run("kantang", "assets", path), "XK-", "workbook cannot be read")


# --- rows ----------------------------------------------------------------------------------------

def test_duplicate_keys_across_chunks_the_last_row_still_wins(kantang, tmp_path, monkeypatch):
    from imports import reading

    monkeypatch.setattr(reading, "CHUNK_ROWS", 2)
    path = write_csv(tmp_path / "dup.csv", [HEADER, ["XD-1", "cctv", "first", "7.41", "99.52"],
                                            ["XD-2", "cctv", "other", "7.41", "99.52"],
                                            ["XD-1", "cctv", "second", "7.41", "99.52"],
                                            ["XD-1", "cctv", "third", "7.41", "99.52"]])
    job = run("kantang", "assets", path)
    assert job.status == "done" and (job.rows, job.rejected) == (4, 0)
    assert job.created == 2 and job.created + job.updated + job.unchanged == 4
    with schema_context("kantang"):
        assert Asset.objects.get(code="XD-1").name == "third"


def test_the_upload_page_says_that_the_last_duplicate_row_wins(kantang_client):
    login(kantang_client, "kantang", "admin")
    response = kantang_client.get("/imports/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert b"imp-help-duplicates" in response.content


def test_invalid_ids_are_row_errors(kantang, tmp_path):
    path = write_csv(tmp_path / "ids.csv", [
        ["house_id", "house_no"],
        [f"{HOUSE_PREFIX}000101", "1"],   # row 2: fine
        ["12345", "2"],                   # row 3: too short
        ["9999900010A", "3"],             # row 4: a letter
        ["999990001011", "4"],            # row 5: 12 digits
    ])
    job = run("kantang", "households", path)
    assert (job.rows, job.created, job.rejected) == (4, 1, 3)
    lines = _report_lines(job)
    assert [line[:2] for line in lines] == [(row, "house_id") for row in ("3", "4", "5")]
    assert all("exactly 11 digits" in line[2] for line in lines)


def test_ids_in_scientific_notation_are_named_as_such(kantang, tmp_path):
    path = write_csv(tmp_path / "sci.csv", [["house_id", "house_no"], ["9.99990E+10", "1"],
                                            ["9,99990E+10", "2"]])
    job = run("kantang", "households", path)
    assert (job.created, job.rejected) == (0, 2)
    assert all("Excel turned this value into a number" in line[2] for line in _report_lines(job))


def test_buddhist_and_christian_era_dates_and_thai_digits_reach_the_same_day(kantang, tmp_path):
    rows = [["code", "asset_type", "name", "installed_on", "lat", "lon"]]
    for n, text in enumerate(["01/06/2565", "01/06/2022", "2022-06-01", "๐๑/๐๖/๒๕๖๕", "1 มิ.ย. 2565",
                              "44713"]):
        rows.append([f"XY-{n}", "cctv", "x", text, "๗.๔๑", "๙๙.๕๒"])
    job = run("kantang", "assets", write_csv(tmp_path / "dates.csv", rows, encoding="utf-8-sig"))
    assert (job.created, job.rejected) == (6, 0), job.failure_reason
    with schema_context("kantang"):
        assets = Asset.objects.filter(code__startswith="XY-")
        assert {a.installed_on for a in assets} == {dt.date(2022, 6, 1)}
        assert {round(a.geometry.y, 2) for a in assets} == {7.41}


def test_impossible_dates_are_row_errors_and_leap_days_are_checked(kantang, tmp_path):
    rows = [["code", "asset_type", "name", "installed_on", "lat", "lon"],
            ["XI-1", "cctv", "x", "31/02/2567", "7.41", "99.52"],   # row 2: never exists
            ["XI-2", "cctv", "x", "29/02/2567", "7.41", "99.52"],   # row 3: 2024 is a leap year
            ["XI-3", "cctv", "x", "29/02/2566", "7.41", "99.52"],   # row 4: 2023 is not
            ["XI-4", "cctv", "x", "13/13/2565", "7.41", "99.52"],   # row 5: month 13
            ["XI-5", "cctv", "x", "yesterday", "7.41", "99.52"]]    # row 6: not a date
    job = run("kantang", "assets", _xlsx(tmp_path / "dates.xlsx", rows))
    assert (job.created, job.rejected) == (1, 4)
    lines = _report_lines(job)
    assert [line[:2] for line in lines] == [("2", "installed_on"), ("4", "installed_on"),
                                            ("5", "installed_on"), ("6", "installed_on")]
    assert "does not exist" in lines[0][2] and "does not exist" in lines[1][2]
    assert "Unknown date format" in lines[3][2]
    with schema_context("kantang"):
        assert Asset.objects.get(code="XI-2").installed_on == dt.date(2024, 2, 29)


def test_thousands_separators_in_numbers(kantang, tmp_path):
    path = write_csv(tmp_path / "th.csv", [["house_id", "house_no", "moo"],
                                           [f"{HOUSE_PREFIX}000111", "1", "1,0"],
                                           [f"{HOUSE_PREFIX}000112", "2", "๑,๐๐๐"]])
    job = run("kantang", "households", path)
    # "1,0" is no thousands separator (not a number); ๑,๐๐๐ is 1000, outside 0–99.
    assert (job.created, job.rejected) == (0, 2)
    lines = _report_lines(job)
    assert "Not a number" in lines[0][2] and "between 0 and 99" in lines[1][2]


# --- formulas: kept as text, escaped on every export ----------------------------------------------

def test_a_formula_cell_is_stored_as_text_and_escaped_in_the_asset_exports(kantang, kantang_client, tmp_path):
    path = write_csv(tmp_path / "formula.csv", [HEADER, ["XF-1", "cctv", FORMULA, "7.41", "99.52"],
                                                ["XF-2", "cctv", "+SUM(A1)", "7.41", "99.52"]])
    job = run("kantang", "assets", path)
    assert (job.created, job.rejected) == (2, 0)
    with schema_context("kantang"):
        assert Asset.objects.get(code="XF-1").name == FORMULA  # the data itself is unchanged
    login(kantang_client, "kantang", "engineer")
    for variant, code, name in (("import", "code", "name"), ("readable", "รหัสทรัพย์สิน", "ชื่อ")):
        response = kantang_client.get("/infrastructure/assets/export/",
                                      {"format": "csv", "q": "XF-", "variant": variant})
        assert response.status_code == 200
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        names = {row[code]: row[name] for row in csv.DictReader(io.StringIO(text))}
        assert names.get("XF-1") == "'" + FORMULA and names.get("XF-2") == "'+SUM(A1)"


def test_csv_exports_escape_cells_a_spreadsheet_would_run():
    response = csv_response(filename="x.csv", header=["a", "b", "c", "d", "e", "f"],
                            rows=[[FORMULA, "+1", "-1+A1", "@SUM(A1)", -5, "normal"],
                                  ["\tx", "a=b", None, 1.5, dt.date(2024, 1, 2), "ข้อความ"]])
    text = b"".join(response.streaming_content).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[1] == ["'" + FORMULA, "'+1", "'-1+A1", "'@SUM(A1)", "-5", "normal"]
    assert rows[2] == ["'\tx", "a=b", "", "1.5", "2024-01-02", "ข้อความ"]


def test_xlsx_exports_write_formula_text_as_text():
    response = xlsx_response(filename="x.xlsx", header=["a", "b", "c"],
                             rows=[[FORMULA, -5, "@x"], ["=1+1", 2.5, "ok"]])
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert values == [["'" + FORMULA, -5, "'@x"], ["'=1+1", 2.5, "ok"]]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


# --- geometry ------------------------------------------------------------------------------------

def _geojson(path, features):
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": geometry,
         "properties": {"code": code, "asset_type": kind, "name": "x"}}
        for code, kind, geometry in features
    ]}), encoding="utf-8")
    return path


def test_geometry_outside_thailand_and_swapped_coordinates_are_named(kantang, tmp_path):
    path = _geojson(tmp_path / "g.geojson", [
        ("XG-1", "cctv", {"type": "Point", "coordinates": [99.519, 7.41]}),        # row 2: fine
        ("XG-2", "cctv", {"type": "Point", "coordinates": [2.35, 48.85]}),          # row 3: Paris
        ("XG-3", "cctv", {"type": "Point", "coordinates": [7.41, 99.519]}),         # row 4: swapped
        ("XG-4", "road", {"type": "LineString", "coordinates": [[7.41, 99.51], [7.42, 99.52]]}),  # swapped
        ("XG-5", "road", {"type": "LineString", "coordinates": [[99.5, 7.4], [120.0, 7.4]]}),  # leaves
    ])
    job = run("kantang", "assets", path)
    assert (job.created, job.rejected) == (1, 4), job.failure_reason
    lines = _report_lines(job)
    assert [line[0] for line in lines] == ["3", "4", "5", "6"]
    assert "outside Thailand" in lines[0][2] and "outside Thailand" in lines[3][2]
    assert "look swapped" in lines[1][2] and "look swapped" in lines[2][2]
    assert _assets("XG-") == ["XG-1"]


def test_swapped_and_foreign_lat_lon_columns_are_row_errors(kantang, tmp_path):
    path = write_csv(tmp_path / "ll.csv", [HEADER, ["XL-1", "cctv", "x", "99.52", "7.41"],
                                           ["XL-2", "cctv", "x", "48.85", "2.35"],
                                           ["XL-3", "cctv", "x", "7.41", ""],
                                           ["XL-4", "cctv", "x", "7.41", "99.52"]])
    job = run("kantang", "assets", path)
    assert (job.created, job.rejected) == (1, 3)
    lines = _report_lines(job)
    assert "look swapped" in lines[0][2] and "outside Thailand" in lines[1][2] and "or neither" in lines[2][2]
