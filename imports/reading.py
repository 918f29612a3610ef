"""Reading an uploaded file into chunks of string cells, whatever Excel or a Thai office PC wrote.

Every cell is read as text (pandas `dtype=str`): the engine, not the reader, decides what a value
means, so leading zeros survive and `t`/`f` are never guessed into booleans. Before pandas or
calamine sees a file, imports.prechecks reads it in bounded memory and refuses one that is too
wide, has too long a line or spans too many cells.
"""

import codecs
import csv
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from python_calamine import CalamineWorkbook

from . import prechecks
from .errors import ImportFileError
from .geojson import geojson_frame
from .prechecks import MAX_UNZIPPED
from .registry import Dataset, spelling

__all__ = ["CHUNK_ROWS", "MAX_UNZIPPED", "FileInfo", "ImportFileError", "file_kind", "map_headers",
           "max_upload_bytes", "open_chunks", "open_chunks_with_originals"]

CHUNK_ROWS = 20_000


@dataclass
class FileInfo:
    kind: str  # csv / xlsx / geojson
    encoding: str = ""
    delimiter: str = ","
    approx_rows: int = 0  # data rows (records after the header), for the progress bar
    mapping: dict[str, str] = field(default_factory=dict)  # file header → column key
    ignored: list[str] = field(default_factory=list)  # headers no column knows
    headers: list[str] = field(default_factory=list)  # the header row as the file writes it
    skip: int = 0  # bytes before the text: a UTF-8 BOM in front of a TIS-620 body


def max_upload_bytes() -> int:
    return settings.IMPORT_MAX_UPLOAD_BYTES


def file_kind(name: str) -> str:
    suffix = Path(name).suffix.lower()
    return {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".geojson": "geojson",
            ".json": "geojson", ".zip": "zip"}.get(suffix, "")


def detect_encoding(path: Path) -> tuple[str, int]:
    """(encoding, bytes to skip): UTF-16 by its BOM; else strict UTF-8, then cp874 (TIS-620's
    superset, what Thai Windows writes). The whole file is checked in blocks, so a bad byte in row
    900,000 is found before any row is loaded. A UTF-8 BOM is no proof: some Thai tools put one in
    front of a TIS-620 body, which then reads as TIS-620 after the BOM."""
    with open(path, "rb") as handle:
        head = handle.read(4)

    def blocks(skip: int):
        with open(path, "rb") as handle:
            handle.seek(skip)
            while block := handle.read(1 << 20):
                yield block

    return _encoding(head, blocks)


def detect_encoding_of(data: bytes) -> tuple[str, int]:
    """detect_encoding of a file already in memory."""
    return _encoding(data[:4], lambda skip: (data[start:start + (1 << 20)]
                                             for start in range(skip, len(data), 1 << 20)))


def _encoding(head: bytes, blocks) -> tuple[str, int]:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", 0
    skip = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
    for encoding in ("utf-8", "cp874"):
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        try:
            for block in blocks(skip):
                if b"\x00" in block:
                    raise ImportFileError(_("The file contains NUL bytes: it is not a text file."))
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8" and skip:
            return "utf-8-sig", 0  # the codec drops the BOM itself
        return encoding, skip
    raise ImportFileError(_("The file's text encoding is not UTF-8, UTF-16 or TIS-620 (cp874). Save it "
                            "again as “CSV UTF-8” from Excel."))


def _sniff_delimiter(path: Path, encoding: str, skip: int) -> str:
    if encoding == "utf-16":
        return "\t"
    first = prechecks.first_line(path, encoding=encoding, skip=skip)
    counts = {sep: first.count(sep) for sep in (",", "\t", ";", "|")}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else ","


def map_headers(headers: list[str], dataset: Dataset, info: FileInfo) -> list[str]:
    """Column keys for the file's headers ("" for unknown ones); file error when a required column
    is missing or two headers name the same column (the same header twice included: the readers
    hand over the headers as the file writes them, never renamed)."""
    known = {s: column.key for column in dataset.columns for s in column.spellings()}
    keys = []
    for header in headers:
        key = known.get(spelling(header), "")
        if key and key in keys:
            first = next(h for h, k in zip(headers, keys, strict=False) if k == key)
            raise ImportFileError(_("The headers “%(first)s” and “%(second)s” both name the column "
                                    "“%(column)s”: keep one of them."),
                                  {"first": first, "second": header, "column": key})
        if key:
            info.mapping[str(header)] = key
        elif str(header).strip():
            info.ignored.append(str(header))
        keys.append(key)
    missing = [c for c in dataset.columns if c.required and c.key not in keys]
    if missing:
        raise ImportFileError(
            _("Required columns are missing: %(columns)s."),
            {"columns": ", ".join(f"{c.key} ({c.label_th})" for c in missing)},
        )
    return keys


def _frames_with_keys(frames: Iterator[pd.DataFrame], dataset: Dataset, info: FileInfo,
                      ) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
    """(chunk by column key, the same rows as the file has them): the second is the reader's own
    frame, every column under its header, so an error report can give rejected rows back as
    they were written. It costs nothing unless it is kept."""
    keys = None
    first_row = 2  # row 1 is the header, as the spreadsheet numbers them
    for original in frames:
        if keys is None:
            info.headers = [str(h) for h in original.columns]
            keys = map_headers(info.headers, dataset, info)
        original.index = pd.RangeIndex(first_row, first_row + len(original))
        first_row += len(original)
        frame = original.set_axis([k or f"_ignored{i}" for i, k in enumerate(keys)], axis=1)
        frame = frame[[k for k in keys if k]]
        for column in dataset.columns:
            if column.key not in frame.columns:
                frame[column.key] = ""
        yield frame.fillna("").astype(str), original


def open_chunks(path: Path, name: str, dataset: Dataset, chunk_rows: int = CHUNK_ROWS,
                ) -> tuple[FileInfo, Iterator[pd.DataFrame]]:
    """Check the file as a whole, then return its facts and an iterator of string frames indexed
    by spreadsheet row number, with one column per dataset column ("" where absent)."""
    info, pairs = open_chunks_with_originals(path, name, dataset, chunk_rows)
    return info, (frame for frame, _original in pairs)


def open_chunks_with_originals(path: Path, name: str, dataset: Dataset, chunk_rows: int = CHUNK_ROWS,
                               ) -> tuple[FileInfo, Iterator[tuple[pd.DataFrame, pd.DataFrame]]]:
    """open_chunks(), each chunk paired with its rows as the file has them (every column under
    its own header, `info.headers`, same row numbers)."""
    path = Path(path)
    kind = file_kind(name)
    if kind not in dataset.formats:
        raise ImportFileError(_("This dataset accepts %(formats)s files, not “%(name)s”."),
                              {"formats": ", ".join("." + f for f in dataset.formats), "name": name})
    size = path.stat().st_size
    if size == 0:
        raise ImportFileError(_("The file is empty."))
    if size > max_upload_bytes():
        raise ImportFileError(_("The file is larger than %(mb)s MB."), {"mb": max_upload_bytes() // 2**20})
    info = FileInfo(kind=kind)
    if kind == "csv":
        info.encoding, info.skip = detect_encoding(path)
        info.delimiter = _sniff_delimiter(path, info.encoding, info.skip)
        records = prechecks.csv_records(path, encoding=info.encoding, skip=info.skip,
                                        delimiter=info.delimiter)
        info.approx_rows = max(records - 1, 1)
        frames = _csv_frames(path, info, chunk_rows)
    elif kind == "xlsx":
        prechecks.xlsx_check(path)
        info.encoding = "xlsx"
        info.approx_rows, frames = _xlsx_frames(path, chunk_rows)
    else:
        info.encoding = "utf-8"
        whole = geojson_frame(path, dataset.key_columns[0])
        info.approx_rows = max(len(whole), 1)
        frames = iter([whole])
    chunks = _frames_with_keys(frames, dataset, info)
    try:
        first = next(chunks)
    except StopIteration:
        raise ImportFileError(_("The file has no data rows.")) from None
    if first[0].empty:
        # The header is checked first, so a header-only file names its missing columns if any.
        raise ImportFileError(_("The file has a header but no data rows."))
    return info, _chain(first, chunks)


def _cell_text(value) -> str:
    """A workbook cell as the text pandas' read_excel(dtype=str) would give: whole numbers without
    ".0" (an ID typed as a number keeps its digits), dates as "yyyy-mm-dd 00:00:00"."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return str(dt.datetime(value.year, value.month, value.day))
    return str(value)


def _xlsx_frames(path: Path, chunk_rows: int) -> tuple[int, Iterator[pd.DataFrame]]:
    """The first sheet, streamed row by row into chunks: the Python side holds one chunk, not the
    whole sheet (a pandas frame of a 100 MB workbook would take gigabytes)."""
    try:
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        rows = sheet.iter_rows()
        header = next(rows, None)
    except Exception as error:  # calamine raises its own types for every kind of damage
        raise ImportFileError(_("The workbook cannot be read: %(error)s"), {"error": error}) from None
    if header is None:
        raise ImportFileError(_("The file has no data rows."))
    headers = [_cell_text(value) for value in header]

    def frames():
        batch, sent = [], False
        try:
            for row in rows:
                batch.append([_cell_text(value) for value in row])
                if len(batch) == chunk_rows:
                    yield pd.DataFrame(batch, columns=headers, dtype=str)
                    batch, sent = [], True
        except Exception as error:
            raise ImportFileError(_("The workbook cannot be read: %(error)s"), {"error": error}) from None
        if batch or not sent:  # a header-only sheet still yields its (empty) frame
            yield pd.DataFrame(batch, columns=headers, dtype=str)

    return max(sheet.height - 1, 1), frames()


def _csv_frames(path: Path, info: FileInfo, chunk_rows: int) -> Iterator[pd.DataFrame]:
    """The CSV in chunks of `chunk_rows` data rows. The header is read as a row (header=None) and
    handed over as the file writes it: pandas would rename a repeated header (`house_id.1`) and
    so hide it from map_headers. A malformed line far down the file (too many fields, an unclosed
    quote) fails the whole file with its line number, like a malformed header would."""
    with open(path, "rb") as handle:
        handle.seek(info.skip)
        try:
            reader = pd.read_csv(handle, encoding=info.encoding, sep=info.delimiter, header=None, dtype=str,
                                 keep_default_na=False, chunksize=chunk_rows, skipinitialspace=False,
                                 quoting=csv.QUOTE_MINIMAL, engine="c")
            with reader:
                first = reader.get_chunk(chunk_rows + 1)
                headers = [str(h) for h in first.iloc[0]]
                yield first.iloc[1:].set_axis(headers, axis=1)
                for frame in reader:
                    yield frame.set_axis(headers, axis=1)
        except pd.errors.EmptyDataError:  # nothing but blank lines
            raise ImportFileError(_("The file has no data rows.")) from None
        except (pd.errors.ParserError, ValueError, UnicodeError) as error:
            raise ImportFileError(_("The file cannot be read as CSV: %(error)s"), {"error": error}) from None


def _chain(first, rest):
    yield first
    yield from rest
