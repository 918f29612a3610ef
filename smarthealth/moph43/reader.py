"""One 43-file (PERSON.txt …) as chunks of text columns, whatever exporter wrote it (§1, §5).

- Encoding: strict UTF-8, else cp874 (TIS-620), a UTF-8 BOM dropped (imports.reading's check,
  which reads the whole file once and refuses NUL bytes).
- Before pandas sees it, the file is read once more in fixed blocks (numpy) to find its widest
  row and to refuse a row past IMPORT_MAX_COLUMNS cells or IMPORT_MAX_LINE_BYTES, as every other
  upload is; `|` never occurs inside a UTF-8 or cp874 character, so bytes can be counted.
- Cells are split on `|` only (no quoting: QUOTE_NONE) and kept as text: leading zeros stay.
- A header is there when the first cell is HOSPCODE (any case, a BOM stripped); its names then
  say which column is which, in any order. Without one, columns are taken by position
  (layouts: every version only appended columns). A header glued to the first row, as one
  exporter writes it (`…|D_UPDATE07547|1|…`), is split again.
- Ragged rows are padded with empty cells or cut; blank lines are skipped; CRLF, LF and CR end a
  line. Rows are numbered as lines of the file (1 = the first line, the header's if any).
"""

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from imports.errors import ImportFileError
from imports.prechecks import BLOCK
from imports.reading import detect_encoding

from .layouts import FileSpec

CHUNK_ROWS = 16_000
UTF16 = _("The file is UTF-16: a 43-file export is UTF-8 or TIS-620 (cp874).")
PIPE, CR, LF = ord("|"), 13, 10


@dataclass
class FileFacts:
    encoding: str = ""
    skip: int = 0
    header: bool = False
    header_text: str = ""  # the header as the file writes it ("" without one)
    glued_row: str = ""  # the first data row when it was glued to the header
    fields: int = 0  # cells of the widest row
    records: int = 0  # lines with something on them
    ignored: list[str] = field(default_factory=list)  # header names no column knows


def _normal_name(name: str) -> str:
    return name.replace("\ufeff", "").replace("\u200b", "").strip().upper()


def scan(path: Path, skip: int) -> tuple[int, int]:
    """(lines with something, cells of the widest row), each row checked against the limits."""
    max_bytes, max_columns = settings.IMPORT_MAX_LINE_BYTES, settings.IMPORT_MAX_COLUMNS
    length, fields, widest, records = 0, 1, 0, 0
    with open(path, "rb") as handle:
        handle.seek(skip)
        while block := handle.read(BLOCK):
            units = np.frombuffer(block, dtype=np.uint8)
            ends = np.flatnonzero((units == LF) | (units == CR))
            pipes = np.flatnonzero(units == PIPE)
            if len(ends):
                before = np.searchsorted(pipes, ends)
                lengths = np.diff(ends, prepend=-1) - 1
                lengths[0] += length
                counts = np.diff(before, prepend=0) + 1
                counts[0] += fields - 1
                filled = lengths > 0
                bad = filled & ((lengths > max_bytes) | (counts > max_columns))
                if bad.any():
                    first = int(np.argmax(bad))
                    raise _refusal(records + int(filled[:first + 1].sum()), int(counts[first]) > max_columns)
                if filled.any():
                    widest = max(widest, int(counts[filled].max()))
                records += int(filled.sum())
                length = len(units) - int(ends[-1]) - 1
                fields = len(pipes) - int(before[-1]) + 1
            else:
                length += len(units)
                fields += len(pipes)
            if length > max_bytes or fields > max_columns:
                raise _refusal(records + 1, fields > max_columns)
    if length:
        records += 1
        widest = max(widest, fields)
    return records, widest


def _refusal(row: int, wide: bool) -> ImportFileError:
    if wide:
        return ImportFileError(
            _("Row %(row)s has more than %(max)s cells (the limit IMPORT_MAX_COLUMNS): the file is refused."),
            {"row": row, "max": settings.IMPORT_MAX_COLUMNS})
    return ImportFileError(
        _("Row %(row)s is longer than %(kib)s KiB (the limit IMPORT_MAX_LINE_BYTES): the file is refused."),
        {"row": row, "kib": settings.IMPORT_MAX_LINE_BYTES // 1024})


def file_facts(path: Path) -> FileFacts:
    """Encoding and size of a file, without reading its rows (the preview)."""
    encoding, skip = detect_encoding(path)
    if encoding == "utf-16":
        raise ImportFileError(UTF16)
    facts = FileFacts(encoding=encoding, skip=skip)
    facts.records, facts.fields = scan(path, skip)
    return facts


def _positions(spec: FileSpec, cells: list[str], facts: FileFacts) -> tuple[dict[str, int], list[str]]:
    """Column → its position, from the header's names, and the header's names as written. A
    header glued to the first row has a name with the row's first cell (HOSPCODE, 5 digits)
    stuck to it: the rest of the line is that row, whose cells sit under the header's names."""
    known = {name: name for name in spec.columns} | spec.aliases
    positions: dict[str, int] = {}
    for i, raw in enumerate(cells):
        name = _normal_name(raw)
        if name in known:
            positions.setdefault(known[name], i)
            continue
        glued = max((k for k in known if name.startswith(k)), key=len, default="")
        rest = name[len(glued):]
        if glued and len(rest) == 5 and rest.isdigit():
            positions.setdefault(known[glued], i)
            text = raw.strip()
            facts.glued_row = "|".join([text[len(text) - 5:], *cells[i + 1:]])
            return positions, [*cells[:i], text[:len(text) - 5]]
        if name:
            facts.ignored.append(raw.strip())
    return positions, cells


def _reader(handle, facts: FileFacts, **options):
    return pd.read_csv(handle, sep="|", header=None, names=range(facts.fields), dtype=str,
                       encoding=facts.encoding, keep_default_na=False, na_filter=False,
                       quoting=csv.QUOTE_NONE, engine="c", skip_blank_lines=False, **options)


def _layout(handle, spec: FileSpec, facts: FileFacts) -> tuple[dict[str, int], pd.DataFrame | None]:
    """Column → position, from the first line (a header, or the standard's order), and the row
    glued to a header, if any, as a frame of cells."""
    handle.seek(facts.skip)  # past a UTF-8 BOM in front of a cp874 body (utf-8-sig drops its own)
    cells = [str(cell) for cell in _reader(handle, facts, nrows=1).iloc[0].tolist()]
    if _normal_name(cells[0]) != "HOSPCODE":
        return {name: i for i, name in enumerate(spec.columns) if i < facts.fields}, None
    facts.header = True
    positions, header = _positions(spec, cells, facts)
    facts.header_text = "|".join(header).rstrip("|")
    missing = [c for c in spec.required if c not in positions]
    if missing:
        raise ImportFileError(_("%(file)s: the header has no column %(columns)s."),
                              {"file": spec.name, "columns": ", ".join(missing)})
    glued = None
    if facts.glued_row:
        glued = pd.DataFrame([_pad(facts.glued_row.split("|"), facts.fields)], index=[0], dtype=object)
    return positions, glued


def read_file(path: Path, spec: FileSpec, *, chunk_rows: int = CHUNK_ROWS,
              facts: FileFacts | None = None) -> tuple[FileFacts, Iterator[pd.DataFrame]]:
    """The file's facts and its rows in chunks: one text column per `spec.used` column ("" where
    the file has none), indexed by line number. ImportFileError when it cannot be read at all."""
    facts = facts or file_facts(path)
    if facts.records == 0:
        return facts, iter(())
    handle = open(path, "rb")
    try:
        positions, start = _layout(handle, spec, facts)
        handle.seek(facts.skip)
        # Every column is parsed: pandas' usecols refuses a chunk whose rows are all shorter than
        # the widest row, which ragged files have.
        reader = _reader(handle, facts, chunksize=chunk_rows, skiprows=1 if facts.header else 0)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, UnicodeError) as error:
        handle.close()
        raise _unreadable(spec, error) from None
    except ImportFileError:
        handle.close()
        raise
    # A header takes the first line: the reader's row 0 is then line 2.
    return facts, _chunks(handle, reader, start, positions, spec, offset=2 if facts.header else 1)


def _empty(spec: FileSpec) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=object) for name in spec.used})


def _unreadable(spec: FileSpec, error: Exception) -> ImportFileError:
    return ImportFileError(_("%(file)s cannot be read: %(error)s"), {"file": spec.name, "error": error})


def _pad(cells: list[str], width: int) -> list[str]:
    return (cells + [""] * width)[:width]


def _chunks(handle, reader, start: pd.DataFrame | None, positions: dict[str, int], spec: FileSpec, *,
            offset: int) -> Iterator[pd.DataFrame]:
    try:
        if start is not None:  # the row glued to the header: line 1
            yield from _select(start, positions, spec, offset=1)
        for frame in reader:
            yield from _select(frame, positions, spec, offset=offset)
    except (pd.errors.ParserError, ValueError, UnicodeError) as error:
        raise _unreadable(spec, error) from None
    finally:
        reader.close()
        handle.close()


def _select(frame: pd.DataFrame, positions: dict[str, int], spec: FileSpec, *, offset: int
            ) -> Iterator[pd.DataFrame]:
    if frame.empty:
        return
    lines = frame.index + offset
    empty = pd.Series("", index=lines, dtype=object)
    columns = {}
    for name in spec.used:
        position = positions.get(name)
        columns[name] = (pd.Series(frame[position].to_numpy(), index=lines, dtype=object)
                         if position is not None else empty)
    out = pd.DataFrame(columns, index=lines)
    # A blank line (or one with nothing in any column the import reads) is skipped: looked at
    # in full only where the first used cell is empty.
    maybe = out[spec.used[0]] == ""
    if maybe.any():
        blank = maybe.copy()
        blank[maybe] = (out[maybe] == "").all(axis=1)
        out = out[~blank]
    if not out.empty:
        yield out
