"""Issue 22, finding 1: one upload must not exhaust the server's memory. A file is checked in bounded
memory before pandas or calamine reads it, and refused as a whole, naming the limit, when it is
too wide, has too long a line or spans too many cells; no web request reads a file at all."""

import random
import zipfile

import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django_tenants.utils import schema_context

from accounts.models import User
from accounts.tokens import api_token_create
from cityplatform.celery import app as celery_app
from imports import prechecks, reading
from imports.errors import ImportFileError
from imports.models import ImportJob
from infrastructure.models import Asset

from ..api.conftest import call
from ..helpers import login
from .conftest import run, write_csv

pytestmark = pytest.mark.django_db
HEADER = ["code", "asset_type", "name", "lat", "lon"]


@pytest.fixture
def eager():
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


def _wide_header(path, columns: int):
    """What the review uploaded: a header line of `columns` names (the required ones first)."""
    names = ",".join(f"c{n}" for n in range(columns - len(HEADER)))
    path.write_bytes((",".join(HEADER) + "," + names + "\nW-1,cctv,x,7.41,99.52\n").encode())
    return path


def _refused(job, *words):
    assert job.status == "failed", job.status
    for word in words:
        assert word in job.failure_reason, job.failure_reason
    assert "unexpected" not in job.failure_reason


# --- CSV ----------------------------------------------------------------------------------------

def test_a_header_of_a_million_column_names_is_refused_naming_the_limit(kantang, tmp_path):
    job = run("kantang", "assets", _wide_header(tmp_path / "wide.csv", 1_000_000))
    _refused(job, "IMPORT_MAX_COLUMNS", "200")
    assert "มากกว่า" in job.failure_reason  # Thai first, English beside


def test_a_header_just_over_the_column_limit_is_refused_and_one_at_it_loads(kantang, tmp_path, settings):
    settings.IMPORT_MAX_COLUMNS = 40
    _refused(run("kantang", "assets", _wide_header(tmp_path / "w41.csv", 41)), "IMPORT_MAX_COLUMNS", "40")
    job = run("kantang", "assets", _wide_header(tmp_path / "w40.csv", 40))
    assert job.status == "done" and job.created == 1


def test_a_data_row_with_too_many_cells_is_refused_with_its_row_number(kantang, tmp_path):
    path = tmp_path / "cells.csv"
    path.write_bytes((",".join(HEADER) + "\nC-1,cctv,x,7.41,99.52\nC-2,cctv" + ",y" * 400 + "\n").encode())
    _refused(run("kantang", "assets", path), "3", "IMPORT_MAX_COLUMNS")


def test_a_line_over_the_length_limit_is_refused_with_its_row_number(kantang, tmp_path, settings):
    settings.IMPORT_MAX_LINE_BYTES = 1024
    path = write_csv(tmp_path / "long.csv", [HEADER, ["L-1", "cctv", "x", "7.41", "99.52"],
                                             ["L-2", "cctv", "ก" * 400, "7.41", "99.52"]])
    _refused(run("kantang", "assets", path), "3", "IMPORT_MAX_LINE_BYTES", "1 KiB")
    with schema_context("kantang"):
        assert not Asset.objects.filter(code="L-1").exists()  # the file as a whole, not from row 3 on


def test_an_unclosed_quote_is_named_not_read_to_the_end_of_the_file(kantang, tmp_path):
    path = tmp_path / "quote.csv"
    path.write_bytes(b'code,asset_type,name,lat,lon\nQ-1,cctv,"no end,7.41,99.52\nQ-2,cctv,x,7.41,99.52\n')
    _refused(run("kantang", "assets", path), "2", "never closed")


def test_quoted_cells_may_hold_delimiters_line_breaks_and_inch_marks(kantang, tmp_path, settings):
    settings.IMPORT_MAX_COLUMNS = 8
    settings.IMPORT_MAX_LINE_BYTES = 4096
    path = tmp_path / "quoted.csv"
    name = '"ท่อ 4"" ยาว\n' + "," * 150 + '"'  # 150 commas inside one quoted cell
    path.write_bytes(("code,asset_type,name,lat,lon\n"
                      f'Q-3,cctv,{name},7.41,99.52\nQ-4,cctv,ท่อ 4" pipe,7.41,99.52\n').encode())
    job = run("kantang", "assets", path)
    assert (job.status, job.rows, job.created) == ("done", 2, 2), job.failure_reason
    with schema_context("kantang"):
        assert Asset.objects.get(code="Q-4").name == 'ท่อ 4" pipe'
        assert Asset.objects.get(code="Q-3").name.startswith('ท่อ 4" ยาว')


@pytest.mark.parametrize("seed", range(4))
def test_the_check_sees_the_records_pandas_reads(tmp_path, seed, monkeypatch):
    """Random files of quotes, delimiters and line breaks, read in blocks of a few bytes (so every
    kind of carry between blocks happens): the check counts exactly the rows pandas reads, and
    finds an unclosed quote exactly when pandas does."""
    rng = random.Random(seed)
    path = tmp_path / "f.csv"
    for _ in range(150):
        pieces = ["a", "b", ",", ",", '"', '"', "\n", "\r\n"]
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 40)))
        path.write_bytes(text.encode())
        try:
            expected = len(pd.read_csv(path, header=None, dtype=str, keep_default_na=False))
        except pd.errors.EmptyDataError:
            expected = 0
        except pd.errors.ParserError as error:
            expected = "unclosed" if "EOF inside string" in str(error) else "other"
        monkeypatch.setattr(prechecks, "BLOCK", rng.choice([1, 2, 3, 7, 64]))
        try:
            counted = prechecks.csv_records(path, encoding="utf-8", skip=0, delimiter=",")
        except ImportFileError as error:
            with translation.override("en"):
                counted = "unclosed" if "never closed" in str(error.message) else str(error.message)
        if expected != "other":  # pandas' own complaint (a row wider than the header): no limit of ours
            assert counted == expected, repr(text)


# --- XLSX ---------------------------------------------------------------------------------------

def _workbook(path, cells, *, references=True):
    """A minimal .xlsx holding `cells` [(column number, row number, text)], written by hand so that
    cells may lie anywhere (as a hostile file puts them)."""
    def letters(number):
        text = ""
        while number:
            number, rest = divmod(number - 1, 26)
            text = chr(65 + rest) + text
        return text

    rows: dict[int, list[str]] = {}
    for column, row, value in cells:
        where = f' r="{letters(column)}{row}"' if references else ""
        rows.setdefault(row, []).append(f'<c{where} t="inlineStr"><is><t>{value}</t></is></c>')
    data = "".join(f'<row r="{r}">{"".join(c)}</row>' for r, c in sorted(rows.items()))
    main = "http://schemas.openxmlformats.org"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", (
            f'<Types xmlns="{main}/package/2006/content-types"><Default Extension="rels" ContentType='
            '"application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/'
            'worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.worksheet+xml"/></Types>'))
        archive.writestr("_rels/.rels", (
            f'<Relationships xmlns="{main}/package/2006/relationships"><Relationship Id="rId1" Type="'
            f'{main}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>'))
        archive.writestr("xl/workbook.xml", (
            f'<workbook xmlns="{main}/spreadsheetml/2006/main" xmlns:r="{main}/officeDocument/2006/'
            'relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        archive.writestr("xl/_rels/workbook.xml.rels", (
            f'<Relationships xmlns="{main}/package/2006/relationships"><Relationship Id="rId1" Type="'
            f'{main}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            '</Relationships>'))
        archive.writestr("xl/worksheets/sheet1.xml", (
            f'<worksheet xmlns="{main}/spreadsheetml/2006/main"><sheetData>{data}</sheetData></worksheet>'))
    return path


def _header_cells(extra: int = 0):
    names = HEADER + [f"c{n}" for n in range(extra)]
    return [(i + 1, 1, name) for i, name in enumerate(names)]


def test_a_workbook_of_two_cells_far_apart_is_refused_before_calamine_reads_it(tmp_path):
    # calamine would allocate the 16,384 × 1,048,576 rectangle between them: 550 GB (the process
    # aborts). The check refuses it from the cell references.
    path = _workbook(tmp_path / "far.xlsx", [(1, 1, "code"), (16384, 1048576, "x")])
    assert path.stat().st_size < 2000
    with pytest.raises(ImportFileError) as refused:
        prechecks.xlsx_check(path)
    assert "IMPORT_MAX_COLUMNS" in str(refused.value)


def _sheet_xml(path, sheet_data: str):
    """_workbook's file with its sheet's <sheetData> written by hand."""
    _workbook(path, [(1, 1, "code")])
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["xl/worksheets/sheet1.xml"] = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{sheet_data}</worksheet>').encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize("far_cell", [
    '<c r="XFD7" t="inlineStr"><is><t>x</t></is></c>',  # as Excel writes it
    "<c t='inlineStr' r = 'XFD7'><is><t>x</t></is></c>",  # other quotes, spaces, attribute order
    '<c\n\tr="XFD7"\tt="inlineStr"><is><t>x</t></is></c>',  # other whitespace
    '<x:c r="XFD7" t="inlineStr"><x:is><x:t>x</x:t></x:is></x:c>',  # a namespace prefix
])
def test_every_way_xml_allows_to_write_a_reference_is_read(tmp_path, far_cell):
    path = _sheet_xml(tmp_path / "far.xlsx", f'<sheetData><row r="7">{far_cell}</row></sheetData>')
    with pytest.raises(ImportFileError, match="IMPORT_MAX_COLUMNS"):
        prechecks.xlsx_check(path)


def test_cells_without_references_are_counted_across_blocks(tmp_path, monkeypatch):
    monkeypatch.setattr(prechecks, "BLOCK", 64)  # the row spans many blocks
    row = "<row>" + '<c t="inlineStr"><is><t>x</t></is></c>' * 201 + "</row>"
    with pytest.raises(ImportFileError, match="IMPORT_MAX_COLUMNS"):
        prechecks.xlsx_check(_sheet_xml(tmp_path / "counted.xlsx", f"<sheetData>{row}</sheetData>"))
    narrow = "<row>" + '<c t="inlineStr"><is><t>x</t></is></c>' * 200 + "</row>"
    prechecks.xlsx_check(_sheet_xml(tmp_path / "narrow.xlsx", f"<sheetData>{narrow * 3}</sheetData>"))


def test_a_workbook_wider_than_the_column_limit_is_refused(kantang, tmp_path, settings):
    settings.IMPORT_MAX_COLUMNS = 30
    cells = _header_cells(30) + [(i + 1, 2, v) for i, v in enumerate(["X-1", "cctv", "x", "7.41", "99.52"])]
    _refused(run("kantang", "assets", _workbook(tmp_path / "wide.xlsx", cells)), "IMPORT_MAX_COLUMNS", "30")


def test_a_workbook_without_cell_references_is_measured_by_counting(kantang, tmp_path, settings):
    settings.IMPORT_MAX_COLUMNS = 30
    path = _workbook(tmp_path / "noref.xlsx", _header_cells(30), references=False)
    _refused(run("kantang", "assets", path), "IMPORT_MAX_COLUMNS")


def test_a_workbook_spanning_too_many_cells_is_refused(kantang, tmp_path, monkeypatch):
    monkeypatch.setattr(prechecks, "MAX_SHEET_CELLS", 10_000)
    cells = _header_cells() + [(1, 2, "X-2"), (2, 2, "cctv"), (3, 2, "x"), (5, 5000, "99.52")]
    _refused(run("kantang", "assets", _workbook(tmp_path / "tall.xlsx", cells)), "5,000", "10,000")


def test_a_workbook_within_the_limits_loads(kantang, tmp_path):
    cells = _header_cells() + [(i + 1, 2, v) for i, v in enumerate(["X-3", "cctv", "x", "7.41", "99.52"])]
    job = run("kantang", "assets", _workbook(tmp_path / "ok.xlsx", cells))
    assert (job.status, job.created) == ("done", 1), job.failure_reason


# --- GeoJSON ------------------------------------------------------------------------------------

def test_a_geojson_over_its_size_limit_is_refused_before_it_is_parsed(kantang, tmp_path, settings):
    settings.IMPORT_MAX_GEOJSON_BYTES = 100
    path = tmp_path / "big.geojson"
    path.write_text('{"type": "FeatureCollection", "features": []}' + " " * 200)
    _refused(run("kantang", "assets", path), "IMPORT_MAX_GEOJSON_BYTES")


def test_geojson_features_with_too_many_properties_are_refused(kantang, tmp_path, settings):
    settings.IMPORT_MAX_COLUMNS = 10
    path = tmp_path / "props.geojson"
    properties = ", ".join(f'"p{n}": {n}' for n in range(20))
    path.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {'
                    + properties + '}, "geometry": null}]}')
    _refused(run("kantang", "assets", path), "IMPORT_MAX_COLUMNS")


# --- no request reads a file -------------------------------------------------------------------

def test_neither_the_upload_nor_the_job_page_reads_the_file(kantang_client, tmp_path, monkeypatch, eager,
                                                           django_capture_on_commit_callbacks):
    login(kantang_client, "kantang", "engineer")
    path = _wide_header(tmp_path / "wide.csv", 1_000_000)

    def no_reading(*args, **kwargs):
        raise AssertionError("a web request read the uploaded file")

    with monkeypatch.context() as patched:
        patched.setattr(reading, "open_chunks", no_reading)
        patched.setattr("imports.previews.open_chunks", no_reading)
        response = kantang_client.post("/imports/", {
            "dataset": "assets", "file": SimpleUploadedFile(path.name, path.read_bytes())})
        assert response.status_code == 302
        page = kantang_client.get(response["Location"]).content.decode()
        assert "Preparing the preview" in page or "กำลังเตรียม" in page
        with schema_context("kantang"):
            job = ImportJob.objects.latest("created_at")
        assert job.status == "preview" and job.preview == {}
        assert kantang_client.get(f"/imports/{job.public_id}/progress/", HTTP_HX_REQUEST="true").get(
            "HX-Refresh") is None  # still preparing: the page keeps polling
    # The worker's task prepares the preview: the file is refused there, as a whole.
    with django_capture_on_commit_callbacks(execute=True):
        kantang_client.post("/imports/", {"dataset": "assets",
                                          "file": SimpleUploadedFile(path.name, path.read_bytes())})
    with schema_context("kantang"):
        job = ImportJob.objects.latest("created_at")
    _refused(job, "IMPORT_MAX_COLUMNS")
    progress = kantang_client.get(f"/imports/{job.public_id}/progress/", HTTP_HX_REQUEST="true")
    assert progress["HX-Refresh"] == "true"
    assert "IMPORT_MAX_COLUMNS" in kantang_client.get(f"/imports/{job.public_id}/").content.decode()


def test_the_api_queues_the_hostile_file_and_the_worker_refuses_it(kantang, tmp_path, eager,
                                                                  django_capture_on_commit_callbacks):
    with schema_context("kantang"):
        token = api_token_create(user=User.objects.get(username="engineer"), name="test")[1]
    path = _wide_header(tmp_path / "wide.csv", 1_000_000)
    with django_capture_on_commit_callbacks(execute=True):
        response = call("kantang", "POST", "/api/v1/imports/", token,
                        data={"dataset": "assets", "file": SimpleUploadedFile(path.name, path.read_bytes())})
    assert response.status_code == 202 and response.json()["status"] == "queued"
    status = call("kantang", "GET", f"/api/v1/imports/{response.json()['id']}", token).json()
    assert status["status"] == "failed" and "IMPORT_MAX_COLUMNS" in status["failure_reason"]
