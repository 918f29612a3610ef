"""CSV and XLSX downloads of a list page, shared by the modules.

CSV carries a UTF-8 BOM because Excel, which most municipal staff open it with, otherwise reads
Thai text as cp874 mojibake. Both stream rows so a 100,000-row export stays in bounded memory.
"""

import csv
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from django.http import HttpResponse, StreamingHttpResponse

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Echo:
    def write(self, value):
        return value


def content_disposition(filename: str) -> str:
    # RFC 6266: an ASCII fallback plus the UTF-8 name, so Thai file names survive every browser.
    ascii_name = filename.encode("ascii", "ignore").decode() or "export"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def csv_response(*, filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff" + writer.writerow(header)
        for row in rows:
            yield writer.writerow(["" if value is None else value for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition(filename)
    return response


def xlsx_response(
    *, filename: str, header: Sequence[str], rows: Iterable[Sequence], sheet_title: str = "data"
) -> HttpResponse:
    from io import BytesIO

    from openpyxl import Workbook

    # write_only mode keeps memory flat however many rows there are.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename)
    return response
