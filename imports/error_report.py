"""The error report a clerk can use: the rejected rows exactly as the file has them (its headers,
its cells), each with its row number in the file and its problems in Thai and English, saved as
the same kind of file as the upload (CSV in, CSV out; Excel in, Excel out; GeoJSON in, CSV out).
The clerk fixes the cells and uploads the report again: its three extra columns are headers no
dataset knows, so the reader ignores them (imports.reading.map_headers), and a report of a report
replaces them instead of adding a second set.
"""

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.db.models.fields.files import FieldFile
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook

from kernel.exports import XLSX_CONTENT_TYPE, safe_cell
from kernel.text import spelling_key

from . import engine
from .labels import column_label
from .reading import _cell_text as cell_text
from .registry import Dataset

ROW, PROBLEM, PROBLEM_EN = "แถว", "ปัญหา", "Problem"
EXTRA_HEADERS = (ROW, PROBLEM, PROBLEM_EN)
_EXTRA_SPELLINGS = {spelling_key(header) for header in EXTRA_HEADERS}
FILE_PREFIX = "ข้อผิดพลาด-"
# A plain number or a lone sign: no spreadsheet runs it as a formula, and escaping it would change
# a value the clerk uploads again (a `-` for "none" would come back as `'-`).
_HARMLESS = re.compile(r"[+-]?[\d.,]*")
# How the reader gives an Excel date or number cell as text (reading._cell_text), turned back into
# the cell it was, so the clerk sees a date and not "2024-01-05 00:00:00".
_XLSX_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?")
_XLSX_INT = re.compile(r"-?(0|[1-9]\d{0,8})")  # longer digit runs (IDs, phones) stay text
_XLSX_DECIMAL = re.compile(r"-?(0|[1-9]\d{0,8})\.\d{1,9}")
_PROBLEM_FILL = PatternFill("solid", fgColor="FFF2CC")


def error_report_build(*, result: engine.Result, dataset: Dataset, name: str) -> tuple[bytes, str]:
    """(content, file suffix) of the report of a run with rejected rows; `name` is the uploaded
    file's name (a .tsv or .txt report keeps its suffix, and its delimiter)."""
    info = result.info
    if info is None:
        raise ValueError("a run without the file's facts has no error report")
    keep = [i for i, header in enumerate(info.headers) if spelling_key(header) not in _EXTRA_SPELLINGS]
    header = [*EXTRA_HEADERS, *(info.headers[i] for i in keep)]
    rows = _rows(result, dataset, keep)
    if info.kind == "xlsx":
        return _xlsx(header, rows), ".xlsx"
    if info.kind == "csv":
        suffix = Path(name).suffix.lower()
        return _csv(header, rows, delimiter=info.delimiter), suffix if suffix in (".txt", ".tsv") else ".csv"
    return _csv(header, rows, delimiter=","), ".csv"  # GeoJSON: its properties and geometry as columns


def _problems(result: engine.Result, dataset: Dataset) -> dict[int, tuple[str, str]]:
    """Row → (Thai problems, English problems), several joined by "; ", in row order."""
    texts: dict[tuple, tuple[str, str]] = {}
    by_row: dict[int, list[tuple[str, str]]] = {}
    for row, column, reason in result.errors:
        try:
            text = texts.get((column, reason))
        except TypeError:  # a reason whose params cannot be hashed: rendered every time
            text = None
        if text is None:
            text = tuple(f"{column_label(dataset, column, language)}: {engine.render(reason, language)}"
                         for language in ("th", "en"))
            try:
                texts[(column, reason)] = text
            except TypeError:
                pass
        found = by_row.setdefault(row, [])
        if text not in found:
            found.append(text)
    return {row: ("; ".join(th for th, _en in found), "; ".join(en for _th, en in found))
            for row, found in sorted(by_row.items())}


Line = tuple[int, str, str, list[str]]  # row number, Thai problems, English problems, the file's cells


def _rows(result: engine.Result, dataset: Dataset, keep: list[int]) -> Iterator[Line]:
    for row, (thai, english) in _problems(result, dataset).items():
        kept = result.originals.get(row)
        cells = json.loads(kept) if kept is not None else []
        yield row, thai, english, [cells[i] if i < len(cells) else "" for i in keep]


def _text_cell(value: str) -> str:
    return value if _HARMLESS.fullmatch(value) else safe_cell(value)


def _csv(header: list[str], rows: Iterable[Line], *, delimiter: str) -> bytes:
    buffer = io.StringIO()
    # UTF-8 with a BOM: Excel, which clerks open it with, reads Thai correctly only then.
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([_text_cell(value) for value in header])
    for row, thai, english, cells in rows:
        writer.writerow([row, safe_cell(thai), safe_cell(english), *(_text_cell(value) for value in cells)])
    return buffer.getvalue().encode("utf-8")


def _xlsx_cell(sheet, value: str) -> Cell | None:
    """An original cell back as Excel had it: empty, a date or a short number as such, anything
    else as text — never a formula (a string cell keeps `=…` as text, so no apostrophe is added
    and the value comes back unchanged when the clerk uploads the file again)."""
    if value == "":
        return None
    if _XLSX_DATETIME.fullmatch(value):
        cell = WriteOnlyCell(sheet, value=dt.datetime.fromisoformat(value))
        cell.number_format = "dd/mm/yyyy" if value.endswith("00:00:00") else "dd/mm/yyyy hh:mm"
        return cell
    if _XLSX_INT.fullmatch(value):
        return WriteOnlyCell(sheet, value=int(value))
    if _XLSX_DECIMAL.fullmatch(value):
        return WriteOnlyCell(sheet, value=float(value))
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"
    return cell


def _xlsx(header: list[str], rows: Iterable[Line]) -> bytes:
    workbook = Workbook(write_only=True)  # one row at a time: flat memory for 100,000 rows
    sheet = workbook.create_sheet(title=PROBLEM)
    sheet.freeze_panes = "A2"
    sheet.column_dimensions[get_column_letter(2)].width = 60
    sheet.column_dimensions[get_column_letter(3)].width = 40
    bold = Font(bold=True)
    cells = []
    for position, value in enumerate(header):
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.data_type, cell.font = "s", bold  # a header is text, whatever it looks like
        if position == 1:
            cell.fill = _PROBLEM_FILL
        cells.append(cell)
    sheet.append(cells)
    for row, thai, english, values in rows:
        problem = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", thai))
        problem.data_type, problem.fill = "s", _PROBLEM_FILL
        reason = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", english))
        reason.data_type = "s"
        sheet.append([row, problem, reason, *(_xlsx_cell(sheet, value) for value in values)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- serving ---------------------------------------------------------------------------------

def error_report_filename(*, original_name: str, report: FieldFile) -> str:
    """`ข้อผิดพลาด-<the uploaded file's name>`, with the report's own suffix (a GeoJSON's report
    is a CSV)."""
    return FILE_PREFIX + Path(original_name).stem + Path(report.name or "").suffix.lower()


def error_report_content_type(report: FieldFile) -> str:
    suffix = Path(report.name or "").suffix.lower()
    if suffix == ".xlsx":
        return XLSX_CONTENT_TYPE
    if suffix == ".tsv":
        return "text/tab-separated-values; charset=utf-8"
    if suffix == ".zip":  # a dataset of several files (moph43) reports each in one archive
        return "application/zip"
    return "text/csv; charset=utf-8"


def error_report_rows(report: FieldFile) -> Iterator[list[str]]:
    """The stored report as rows of text (header first), whatever kind it was saved as: what the
    API's `errors.csv` answers, always as CSV."""
    if Path(report.name or "").suffix.lower() == ".xlsx":
        sheet = CalamineWorkbook.from_path(report.path).get_sheet_by_index(0)
        for values in sheet.iter_rows():
            yield [cell_text(value) for value in values]
        return
    with report.open("rb") as handle:
        text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
        first = text.readline()
        counts = {sep: first.count(sep) for sep in (",", "\t", ";", "|")}
        delimiter = max(counts, key=counts.__getitem__)
        yield from csv.reader(io.StringIO(first), delimiter=delimiter)
        yield from csv.reader(text, delimiter=delimiter)
