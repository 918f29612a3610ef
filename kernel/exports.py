"""CSV and XLSX downloads of a list page, shared by the modules.

CSV carries a UTF-8 BOM because Excel, which most municipal staff open it with, otherwise reads
Thai text as cp874 mojibake. Both stream rows so a 100,000-row export stays in bounded memory.
"""

import csv
from collections.abc import Iterable, Iterator, Sequence
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse, StreamingHttpResponse

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A text cell starting with one of these is run as a formula by Excel/LibreOffice ("CSV injection",
# e.g. an imported name `=cmd|' /C calc'!A0`): such text is written with a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value for an exported cell: text that a spreadsheet would read as a formula is escaped;
    numbers, dates and other values pass unchanged (a negative number is not text)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def content_disposition(filename: str) -> str:
    # RFC 6266: an ASCII fallback plus the UTF-8 name, so Thai file names survive every browser.
    ascii_name = filename.encode("ascii", "ignore").decode() or "export"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def csv_response(*, filename: str, header: Sequence[Any],
                 rows: Iterable[Sequence[Any]]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.writerow([safe_cell(value) for value in header])
        for row in rows:
            yield writer.writerow(["" if value is None else safe_cell(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition(filename)
    return response


def xlsx_response(
    *, filename: str, header: Sequence[Any], rows: Iterable[Sequence[Any]], sheet_title: str = "data"
) -> HttpResponse:
    from io import BytesIO

    from openpyxl import Workbook

    # write_only mode keeps memory flat however many rows there are.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    sheet.append([safe_cell(value) for value in header])
    for row in rows:
        # openpyxl stores a string starting with "=" as a formula: escape like the CSV.
        sheet.append([safe_cell(value) for value in row])
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename)
    return response
