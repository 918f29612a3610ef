"""Checks on an uploaded file before anything parses it, in bounded memory.

pandas and calamine build something per column and per cell: a CSV whose only line held millions
of column names took the web process to 18 GB (issue 22), and an .xlsx holding two cells far apart
makes calamine allocate the whole rectangle between them (a 1.5 KB file asked for 52 GB and
aborted the process). So a file is first read here in fixed blocks, counting what the parser
would build, and refused as a whole when it passes a limit. No line, row or sheet is ever held
whole: memory stays at a few blocks whatever the file holds, and a hostile file is refused
within its first block.
"""

import codecs
import posixpath
import re
import zipfile
import zlib
from pathlib import Path

import numpy as np
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .errors import ImportFileError

BLOCK = 1 << 20  # even, so a UTF-16 block never ends inside a code unit
QUOTE, CR, LF = ord('"'), 13, 10
MAX_UNZIPPED = 200 * 1024 * 1024  # an .xlsx that inflates past this is treated as a zip bomb
# calamine holds the first sheet as one dense rectangle of 32-byte cells (from the first to the
# last non-empty row and column): 20 million cells is 640 MB, a million rows of 20 columns.
MAX_SHEET_CELLS = 20_000_000
MAX_TAG_BYTES = 4 * 1024 * 1024  # a sheet's XML tag or text run (Excel's cell text: ≤ 32,767 characters)


def max_columns() -> int:
    return settings.IMPORT_MAX_COLUMNS


# --- CSV --------------------------------------------------------------------------------------

def csv_records(path: Path, *, encoding: str, skip: int, delimiter: str) -> int:
    """The file's records (logical lines, header included, blank lines not), each checked to be
    at most IMPORT_MAX_LINE_BYTES long and to have at most IMPORT_MAX_COLUMNS fields. Quotes are
    followed as pandas' tokenizer follows them, so a quoted cell may hold delimiters and line
    breaks. Text from byte `skip` on (past a BOM the codec does not strip)."""
    unit, dtype = 1, np.dtype(np.uint8)
    if encoding == "utf-16":
        # The delimiter, quote and line breaks are ASCII: one 16-bit code unit each.
        with open(path, "rb") as handle:
            little = handle.read(2) == codecs.BOM_UTF16_LE
        unit, dtype = 2, np.dtype("<u2" if little else ">u2")
    scan = _CsvScan(delimiter=ord(delimiter), max_units=settings.IMPORT_MAX_LINE_BYTES // unit,
                    unit=unit)
    with open(path, "rb") as handle:
        handle.seek(skip)
        while block := handle.read(BLOCK):
            usable = len(block) - len(block) % unit
            if usable:
                scan.feed(np.frombuffer(block[:usable], dtype=dtype))
    return scan.finish()


class _CsvScan:
    """One pass over the file in blocks, each handled with numpy: where the quotes, record ends and
    delimiters are, and which of them lie inside a quoted field. Between blocks it keeps only the
    state of the record in progress."""

    def __init__(self, *, delimiter: int, max_units: int, unit: int):
        self.delimiter, self.max_units, self.unit = delimiter, max_units, unit
        self.quoted = False  # inside a quoted field after the last block
        self.prev = LF  # the last unit of the last block (a line break: a record starts here)
        self.closed = False  # that unit was a quote ending a quoted field
        self.length = 0  # units of the record in progress
        self.fields = 1  # fields of the record in progress
        self.records = 0  # non-empty records ended so far

    def feed(self, units: np.ndarray) -> None:
        end_at = np.flatnonzero((units == LF) | (units == CR))
        delimiter_at = np.flatnonzero(units == self.delimiter)
        quote_at = np.flatnonzero(units == QUOTE)
        if len(quote_at) or self.quoted:
            toggles = self._toggles(units, quote_at)
            # A unit is inside a quoted field when an odd number of toggles precede it.
            end_at = end_at[(np.searchsorted(toggles, end_at) + self.quoted) % 2 == 0]
            delimiter_at = delimiter_at[(np.searchsorted(toggles, delimiter_at) + self.quoted) % 2 == 0]
            self.quoted = (len(toggles) + self.quoted) % 2 == 1
        else:
            self.closed = False
        if len(end_at):
            before = np.searchsorted(delimiter_at, end_at)  # delimiters before each record end
            lengths = np.diff(end_at, prepend=-1) - 1
            lengths[0] += self.length
            fields = np.diff(before, prepend=0) + 1
            fields[0] += self.fields - 1
            numbers = self.records + np.cumsum(lengths > 0)  # \r\n leaves an empty record: not counted
            bad = (lengths > self.max_units) | (fields > max_columns())
            if bad.any():
                first = int(np.argmax(bad))
                raise self._refusal(int(numbers[first]), int(fields[first]) > max_columns())
            self.records = int(numbers[-1])
            self.length = len(units) - int(end_at[-1]) - 1
            self.fields = len(delimiter_at) - int(before[-1]) + 1
        else:
            self.length += len(units)
            self.fields += len(delimiter_at)
        # The record in progress is refused as soon as it passes a limit, not when it ends: a
        # 60 MB header line is refused after its first block.
        if self.length > self.max_units or self.fields > max_columns():
            raise self._refusal(self.records + 1, self.fields > max_columns())
        self.prev = int(units[-1])

    def finish(self) -> int:
        if self.quoted:
            raise ImportFileError(
                _("Row %(row)s opens a quote (\") that is never closed: the file is refused."),
                {"row": self.records + 1})
        return self.records + (1 if self.length else 0)

    def _toggles(self, units: np.ndarray, quote_at: np.ndarray) -> np.ndarray:
        """The quotes that open or close a quoted field. Usually every quote does, alternately;
        but a quote in the middle of an unquoted cell (`4" pipe`) is a plain character to pandas,
        and then the block's quotes are followed one by one."""
        if not len(quote_at):
            return quote_at
        prev = units[np.maximum(quote_at - 1, 0)]
        if quote_at[0] == 0:
            prev[0] = self.prev
        opening = (np.arange(len(quote_at)) + self.quoted) % 2 == 0
        at_field_start = (prev == self.delimiter) | (prev == CR) | (prev == LF)
        after_closing = prev == QUOTE  # "" inside a quoted field: the first one closed it
        if quote_at[0] == 0:
            after_closing[0] = self.closed
        if (opening & ~(at_field_start | after_closing)).any():
            return self._one_by_one(units, quote_at, prev)
        self.closed = bool(quote_at[-1] == len(units) - 1 and not opening[-1])
        return quote_at

    def _one_by_one(self, units: np.ndarray, quote_at: np.ndarray, prev: np.ndarray) -> np.ndarray:
        """pandas' rule: a quote opens a field only at the field's start (or right after the quote
        that closed it: an escaped ""), closes it when inside, and is a plain character
        elsewhere."""
        toggles = []
        quoted = self.quoted
        last_close = -1 if self.closed else -2
        for position, before in zip(quote_at.tolist(), prev.tolist(), strict=True):
            if quoted:
                quoted, last_close = False, position
                toggles.append(position)
            elif before in (self.delimiter, CR, LF) or (before == QUOTE and last_close == position - 1):
                quoted = True
                toggles.append(position)
        self.closed = last_close == len(units) - 1
        return np.array(toggles, dtype=np.int64)

    def _refusal(self, row: int, wide: bool) -> ImportFileError:
        if wide and row == 1:
            return ImportFileError(
                _("The file's header has more than %(max)s columns (the limit IMPORT_MAX_COLUMNS): the file "
                  "is refused."), {"max": max_columns()})
        if wide:
            return ImportFileError(
                _("Row %(row)s has more than %(max)s cells (the limit IMPORT_MAX_COLUMNS): the file is "
                  "refused."), {"row": row, "max": max_columns()})
        return ImportFileError(
            _("Row %(row)s is longer than %(kib)s KiB (the limit IMPORT_MAX_LINE_BYTES): the file is "
              "refused. A quote (\") that is never closed makes the rest of the file one row."),
            {"row": row, "kib": self.max_units * self.unit // 1024})


def first_line(path: Path, *, encoding: str, skip: int) -> str:
    """The start of the first line, at most IMPORT_MAX_LINE_BYTES of it (a longer one is
    refused by csv_records anyway): enough to tell the delimiter."""
    with open(path, "rb") as handle:
        handle.seek(skip)
        head = handle.read(settings.IMPORT_MAX_LINE_BYTES)
    text = head.decode(encoding, errors="ignore")
    return re.split(r"[\r\n]", text, maxsplit=1)[0]


# --- XLSX -------------------------------------------------------------------------------------

_PREFIX = rb"(?:[A-Za-z_][\w.-]*:)?"
# References of rows and cells (<row r="7">, <c r="AB7">): letters and digits apart, each found
# as one list of bytes at C speed. These read a chunk made canonical first (_canonical).
_REFERENCE_LETTERS = re.compile(rb' r="([A-Za-z]+)\d')
_REFERENCE_DIGITS = re.compile(rb' r="[A-Za-z]*(\d+)"')
_PREFIXED = (b":row", b":c ", b":c>", b":c/")  # a namespace prefix on the tags: the general path


def xlsx_check(path: Path) -> None:
    """Refuse a workbook that would inflate too far, or whose first sheet is too wide or spans
    too many cells, before calamine reads it. Every part is inflated once here, in blocks, so its
    checksum proves the sizes the archive declares (which the zip-bomb limit trusts)."""
    if not zipfile.is_zipfile(path):
        raise ImportFileError(_("This .xlsx file is damaged or not an Excel workbook."))
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if sum(info.file_size for info in members) > MAX_UNZIPPED:
                raise ImportFileError(_("This .xlsx file expands to more than %(mb)s MB: it is refused."),
                                      {"mb": MAX_UNZIPPED // (1024 * 1024)})
            sheets = _first_sheet(archive)
            for info in members:
                with archive.open(info) as member:
                    if info.filename in sheets:
                        _check_sheet(member)
                    else:
                        while member.read(BLOCK):
                            pass
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, NotImplementedError, EOFError, OSError,
            RuntimeError, ValueError) as error:  # damaged, encrypted, or a compression zipfile lacks
        raise ImportFileError(_("The workbook cannot be read: %(error)s"), {"error": error}) from None


def _first_sheet(archive: zipfile.ZipFile) -> set[str]:
    """The part calamine reads as the first sheet (the workbook's first <sheet>); every worksheet
    part when that cannot be told."""
    names = set(archive.namelist())
    every = {n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")}
    try:
        workbook = _small_part(archive, "xl/workbook.xml")
        relations = _small_part(archive, "xl/_rels/workbook.xml.rels")
    except KeyError:
        return every
    sheet = re.search(rb"<" + _PREFIX + rb"sheet\b[^>]*?\s[\w.-]+:id\s*=\s*[\"']([^\"']+)[\"']", workbook)
    if sheet is None:
        return every
    for tag in re.findall(rb"<" + _PREFIX + rb"Relationship\b[^>]*>", relations):
        attributes = dict(re.findall(rb"""([\w.:-]+)\s*=\s*["']([^"']*)["']""", tag))
        if attributes.get(b"Id") == sheet.group(1) and b"Target" in attributes:
            target = attributes[b"Target"].decode("utf-8", "replace")
            # A target is relative to the workbook's folder, or absolute in the package.
            target = target[1:] if target.startswith("/") else posixpath.normpath(f"xl/{target}")
            return {target} if target in names else every
    return every


def _small_part(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as part:
        return part.read(BLOCK)  # the workbook and its relations are a few KB; more is not looked at


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def _check_sheet(member) -> None:
    """The sheet's rectangle from its references (`r="AB7"`), and from counting cells and rows
    where a writer left the references out (calamine then places cells by counting), in bounded
    memory whatever the sheet holds."""
    width = height = rows = 0
    in_row = 0  # cells of the row in progress (a row may span blocks)
    carry = b""
    while block := member.read(BLOCK):
        data = carry + block
        cut = data.rfind(b">") + 1
        if not cut:
            carry = data
            if len(carry) > MAX_TAG_BYTES:
                raise ImportFileError(_("This .xlsx file is damaged or not an Excel workbook."))
            continue
        chunk, carry = data[:cut], data[cut:]
        text = _canonical(chunk)
        if any(prefix in text for prefix in _PREFIXED):
            found = _general_counts(chunk, in_row)
        else:
            found = _canonical_counts(text, in_row)
        letters, digits, row_tags, widest, in_row = found
        if letters:
            width = max(width, *map(_column_number, set(letters)))
        if digits:
            height = max(height, *map(int, digits))
        rows += row_tags
        width, height = max(width, widest), max(height, rows)
        _check_rectangle(width, height)
    if len(carry) > MAX_TAG_BYTES:
        raise ImportFileError(_("This .xlsx file is damaged or not an Excel workbook."))


def _canonical(chunk: bytes) -> bytes:
    """XML allows `r = 'AB7'` and any whitespace between attributes, as calamine's parser does:
    written here as ` r="AB7"`, so plain substring counts and literal-prefix patterns find every
    form (text content changes too, which only these counts see)."""
    text = b" ".join(chunk.split())
    return text.replace(b" =", b"=").replace(b"= ", b"=").replace(b"'", b'"')


def _canonical_counts(text: bytes, in_row: int):
    letters, digits = _REFERENCE_LETTERS.findall(text), _REFERENCE_DIGITS.findall(text)
    row_tags = text.count(b"<row ") + text.count(b"<row>") + text.count(b"<row/>")
    cells = text.count(b"<c ") + text.count(b"<c>") + text.count(b"<c/>")
    widest = 0
    if in_row or cells != text.count(b'<c r="'):
        # Some cell has no reference (or not first): count the cells of every row.
        counts = [piece.count(b"<c ") + piece.count(b"<c>") + piece.count(b"<c/>")
                  for piece in text.split(b"</row>")]
        counts[0] += in_row
        widest, in_row = max(counts), counts[-1]
    return letters, digits, row_tags, widest, in_row


_GENERAL_REFERENCE = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]*)(\d+)["']""")
_ROW_START = re.compile(rb"<" + _PREFIX + rb"row[\s/>]")
_ROW_END = re.compile(rb"</" + _PREFIX + rb"row\s*>")
_CELL = re.compile(rb"<" + _PREFIX + rb"c[\s/>]")


def _general_counts(chunk: bytes, in_row: int):
    """The same counts for tags with a namespace prefix (`<x:c r="A1">`): slower, never wrong."""
    references = _GENERAL_REFERENCE.findall(chunk)
    letters = [letter for letter, _digits in references if letter]
    digits = [number for _letters, number in references]
    counts = [len(_CELL.findall(piece)) for piece in _ROW_END.split(chunk)]
    counts[0] += in_row
    return letters, digits, len(_ROW_START.findall(chunk)), max(counts), counts[-1]


def _check_rectangle(width: int, height: int) -> None:
    if width > max_columns():
        raise ImportFileError(
            _("The workbook's first sheet has more than %(max)s columns (the limit IMPORT_MAX_COLUMNS): the "
              "file is refused."), {"max": max_columns()})
    if width * height > MAX_SHEET_CELLS:
        raise ImportFileError(
            _("The workbook's first sheet spans %(rows)s rows by %(columns)s columns, more than %(cells)s "
              "cells: the file is refused. Delete stray cells far below or to the right of the data."),
            {"rows": f"{height:,}", "columns": width, "cells": f"{MAX_SHEET_CELLS:,}"})
