"""CSV and XLSX downloads of a list page, shared by the modules.

CSV carries a UTF-8 BOM because Excel, which most municipal staff open it with, otherwise reads
Thai text as cp874 mojibake. Both stream rows so a 100,000-row export stays in bounded memory.

A list export comes in two variants, offered side by side on the list:
- READABLE (the default): the list as the reader sees it — headings, labels and people's names in
  the reader's language, dates day/month/year (Buddhist Era in Thai: kernel.thaidate.export_date).
- FOR_IMPORT: the file the list's import reads (CONTRACT §5): English keys, stored codes, ISO
  dates, so exporting and importing again changes nothing. Only lists that have an import offer it.
"""

import csv
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import quote, urlencode

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

READABLE, FOR_IMPORT = "readable", "import"
VARIANTS = (READABLE, FOR_IMPORT)
# The links a list offers, in this order: as the list reads (CSV, Excel), then for re-import.
_LINK_LABELS = {
    ("csv", READABLE): _("CSV"),
    ("xlsx", READABLE): _("Excel"),
    ("csv", FOR_IMPORT): _("CSV for re-import"),
}

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


def _places(value: Decimal | float) -> int:
    exponent = (value if isinstance(value, Decimal) else Decimal(str(value))).as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _is_amount(value: Any) -> bool:
    """A number of 1,000 or more (a count, baht, metres): read with its thousands separator."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return False
    return abs(float(value)) >= 1000


def grouped_text(value: Any) -> Any:
    """A number of 1,000 or more as text with its thousands separator (1,234; 1,234.50), as a
    list shows it; anything else as it is. Thai and English group alike."""
    if not _is_amount(value):
        return value
    if isinstance(value, int):
        return f"{value:,}"
    return f"{(value if isinstance(value, Decimal) else Decimal(str(value))):,.{_places(value)}f}"


def csv_response(*, filename: str, header: Sequence[Any],
                 rows: Iterable[Sequence[Any]], grouped: bool = False) -> StreamingHttpResponse:
    """`grouped`: numbers of 1,000 or more written with their thousands separator, as the list
    reads (a file to read, not to re-import: Excel still reads "1,234" as a number)."""
    writer = csv.writer(_Echo())
    shown = grouped_text if grouped else (lambda value: value)

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.writerow([safe_cell(value) for value in header])
        for row in rows:
            yield writer.writerow(["" if value is None else safe_cell(shown(value)) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition(filename)
    return response


def xlsx_response(
    *, filename: str, header: Sequence[Any], rows: Iterable[Sequence[Any]], sheet_title: str = "data",
    grouped: bool = False,
) -> HttpResponse:
    """`grouped`: numbers of 1,000 or more shown with their thousands separator (a number format:
    the cell stays a number to sum and sort)."""
    from io import BytesIO

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    # write_only mode keeps memory flat however many rows there are.
    workbook = Workbook(write_only=True)
    # Excel refuses a sheet name over 31 characters or with any of []:*?/\ in it.
    sheet = workbook.create_sheet(title=re.sub(r"[\[\]:*?/\\]", " ", sheet_title)[:31].strip() or "data")
    sheet.append([safe_cell(value) for value in header])
    def cell(value: Any) -> Any:
        if not (grouped and _is_amount(value)):
            return safe_cell(value)
        number = WriteOnlyCell(sheet, value)
        places = 0 if isinstance(value, int) else _places(value)
        number.number_format = "#,##0" + ("." + "0" * places if places else "")
        return number

    for row in rows:
        # openpyxl stores a string starting with "=" as a formula: escape like the CSV.
        sheet.append([cell(value) for value in row])
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(filename)
    return response


def export_variant(value: str | None, *, importable: bool = True) -> str:
    """The variant a request asked for (READABLE when none); 404 for anything else, and for
    FOR_IMPORT on a list that has no import."""
    variant = value or READABLE
    if variant not in VARIANTS or (variant == FOR_IMPORT and not importable):
        raise Http404("unknown export variant")
    return variant


def export_links(query: Mapping[str, Any], *, importable: bool) -> list[dict[str, str]]:
    """The export links of a list filtered by `query`: CSV and Excel as the list reads, and the
    CSV for re-import when the list has an import. Each: format, variant, label, query."""
    links = []
    for (fmt, variant), label in _LINK_LABELS.items():
        if variant == FOR_IMPORT and not importable:
            continue
        params = {**{k: v for k, v in query.items() if v not in ("", None)}, "format": fmt,
                  **({"variant": variant} if variant != READABLE else {})}
        links.append({"format": fmt, "variant": variant, "label": str(label), "query": urlencode(params)})
    return links


def in_language(rows: Iterable[Sequence[Any]], language: str | None = None) -> Iterator[Sequence[Any]]:
    """`rows` made in the reader's language. A streamed export is read after the view returned:
    pass rows that are not made yet (a generator) and they are made under the language active
    now (or `language`)."""
    language = language or translation.get_language() or "th"

    def pinned() -> Iterator[Sequence[Any]]:
        with translation.override(language):
            yield from rows

    return pinned()


def spreadsheet_response(*, fmt: str, stem: str, header: Sequence[Any], rows: Iterable[Sequence[Any]],
                         sheet_title: str, variant: str = READABLE) -> HttpResponse | StreamingHttpResponse:
    """`stem`.csv or `stem`.xlsx (`fmt`) of `header` and `rows`; a file for re-import is named
    `stem-import` so that the two never overwrite each other in a downloads folder."""
    if variant == FOR_IMPORT:
        stem = f"{stem}-import"
    # A file to read groups its thousands as the list does; a file for re-import keeps plain numbers.
    grouped = variant == READABLE
    if fmt == "xlsx":
        return xlsx_response(filename=f"{stem}.xlsx", header=header, rows=rows, sheet_title=sheet_title,
                             grouped=grouped)
    if fmt == "csv":
        return csv_response(filename=f"{stem}.csv", header=header, rows=rows, grouped=grouped)
    raise Http404("unknown export format")
