"""One used file of the upload as the import reads it: held as its lines of bytes, each with its
line number and its fingerprint, and parsed only where asked (`Source.parse`).

The checks are reader.py's (§1, §5), on the lines in memory rather than by another pass over the
file: the encoding (imports.reading's strict UTF-8, else cp874; a BOM dropped; NUL refused), every
row against IMPORT_MAX_LINE_BYTES and IMPORT_MAX_COLUMNS, the header or the layout by position,
a header glued to the first row. Lines end as pandas ends them (CRLF, LF or a lone CR) and are
numbered as lines of the file, so the numbers are the report's rows.

A line's fingerprint is a 64-bit hash of its bytes and of how they are read (the encoding and
the position of every used column): the same bytes under another header mean another row.
"""

import codecs
import csv
import hashlib
import io
from dataclasses import dataclass
from itertools import repeat

import numpy as np
import pandas as pd
from django.conf import settings

from imports.errors import ImportFileError
from imports.reading import detect_encoding_of

from .bundle import Member
from .layouts import FileSpec
from .reader import UTF16, FileFacts, _layout, _refusal, _select, _unreadable
from .values import _SPACES, strip

PIPE, LF = 124, 10
_SINGLE_SPACES = (32, 9)  # what values.strip removes, as single bytes of either encoding
FEW_LINES = 5000


@dataclass
class Source:
    spec: FileSpec
    facts: FileFacts
    positions: dict[str, int]
    lines: list[bytes]  # the data lines (not blank, not the header), in file order
    numbers: np.ndarray  # their line numbers
    prints: np.ndarray  # their fingerprints (uint64)

    @property
    def codec(self) -> str:
        return "utf-8" if self.facts.encoding == "utf-8-sig" else self.facts.encoding

    def originals(self, numbers) -> dict[int, str]:
        """The text of the lines `numbers`, as the file writes them (the error report's rows)."""
        at = np.searchsorted(self.numbers, np.asarray(sorted(numbers), dtype=np.int64))
        return {int(self.numbers[i]): self.lines[i].decode(self.codec, errors="replace")
                for i in at.tolist() if i < len(self.numbers)}

    def parse(self, which: np.ndarray) -> pd.DataFrame:
        """The used columns of the lines at positions `which`, indexed by line number, every cell
        without its surrounding spaces, blank rows left out (as reader.read_file gives them)."""
        if not len(which):
            return _empty(self.spec)
        # Only the used columns are made into Python strings (usecols). A last line of empty
        # cells as wide as the widest row lets pandas accept a chunk of only shorter rows; it is
        # blank, so left out with the blank rows.
        pad = b"|" * (self.facts.fields - 1)
        text = b"\n".join([*(self.lines[i] for i in which.tolist()), pad])
        try:
            frame = pd.read_csv(io.BytesIO(text), sep="|", header=None, names=range(self.facts.fields),
                                usecols=sorted(set(self.positions.values())), dtype=str, encoding=self.codec,
                                keep_default_na=False, na_filter=False, quoting=csv.QUOTE_NONE, engine="c",
                                skip_blank_lines=False)
        except (pd.errors.ParserError, ValueError, UnicodeError) as error:
            raise _unreadable(self.spec, error) from None
        frame.index = pd.Index(np.append(self.numbers[which], 0))
        out = next(_select(frame, self.positions, self.spec, offset=0), None)
        if out is None:
            return _empty(self.spec)
        if _padded(text, self.codec):
            out = pd.DataFrame({column: strip(out[column]) for column in out.columns}, index=out.index)
        return out

    def parse_few(self, which: np.ndarray) -> pd.DataFrame:
        """parse for a few lines (next month's changed ones): the same cells and rows, split in
        Python, since pandas' reader costs milliseconds a call whatever its rows."""
        if len(which) > FEW_LINES:
            return self.parse(which)
        at = [self.positions.get(name) for name in self.spec.used]
        rows, numbers = [], []
        try:
            for index in which.tolist():
                cells = self.lines[index].decode(self.codec).split("|")
                row = [cells[position] if position is not None and position < len(cells) else ""
                       for position in at]
                if any(row):  # a blank line (nothing in a used column) is left out, as parse does
                    rows.append([cell.strip(_SPACES) for cell in row])  # values.strip, cell by cell
                    numbers.append(int(self.numbers[index]))
        except UnicodeError:
            return self.parse(which)  # pandas' reader says what it cannot read
        if not rows:
            return _empty(self.spec)
        return pd.DataFrame(rows, index=pd.Index(numbers, dtype=np.int64), columns=list(self.spec.used),
                            dtype=object)


def source_read(member: Member, data: bytes) -> Source:
    """The member's file (`data`, its bytes: Member.read) checked and split into lines;
    ImportFileError when it cannot be read at all."""
    spec = member.spec
    encoding, skip = detect_encoding_of(data)
    if encoding == "utf-16":
        raise ImportFileError(UTF16)
    facts = FileFacts(encoding=encoding, skip=skip)
    body = data[len(codecs.BOM_UTF8):] if encoding == "utf-8-sig" else data[skip:]
    lines = body.splitlines()
    # What _layout reads (the first line) is kept; the rest of the bytes go now.
    data = data[:len(data) - len(body) + (len(lines[0]) + 2 if lines else 0)]
    del body
    lengths = np.fromiter(map(len, lines), dtype=np.int64, count=len(lines))
    cells = np.fromiter(map(bytes.count, lines, repeat(b"|")), dtype=np.int64, count=len(lines)) + 1
    filled = lengths > 0
    bad = filled & ((lengths > settings.IMPORT_MAX_LINE_BYTES) | (cells > settings.IMPORT_MAX_COLUMNS))
    if bad.any():
        first = int(np.argmax(bad))
        raise _refusal(int(filled[:first + 1].sum()), bool(cells[first] > settings.IMPORT_MAX_COLUMNS))
    facts.records = int(filled.sum())
    if facts.records == 0:
        return Source(spec=spec, facts=facts, positions={}, lines=[], numbers=np.empty(0, np.int64),
                      prints=np.empty(0, np.uint64))
    facts.fields = int(cells[filled].max())
    try:
        positions, _glued = _layout(io.BytesIO(data), spec, facts)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, UnicodeError) as error:
        raise _unreadable(spec, error) from None
    kept = np.flatnonzero(filled)
    if facts.header:
        kept = kept[kept > 0]
    numbers = kept + 1
    if len(kept) and kept[-1] - kept[0] + 1 == len(kept):  # no blank line: a slice, not a copy by index
        chosen = lines[kept[0]:kept[-1] + 1]
    else:
        chosen = [lines[i] for i in kept.tolist()]
    del lines
    if facts.glued_row:
        codec = "utf-8" if encoding == "utf-8-sig" else encoding
        chosen.insert(0, facts.glued_row.encode(codec))
        numbers = np.concatenate([[1], numbers])
    return Source(spec=spec, facts=facts, positions=positions, lines=chosen, numbers=numbers,
                  prints=line_prints(chosen, layout_signature(facts.encoding, positions)))


def layout_signature(encoding: str, positions: dict[str, int]) -> int:
    """How a file's bytes are read, as 64 bits: its encoding and where each used column is."""
    text = encoding + ";" + ",".join(f"{name}={position}" for name, position in sorted(positions.items()))
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")


def line_prints(lines: list[bytes], signature: int) -> np.ndarray:
    """Each line's fingerprint: its bytes hashed (pandas' keyed SipHash, in C), mixed with the
    layout's signature."""
    if not lines:
        return np.empty(0, np.uint64)
    hashed = pd.util.hash_array(np.array(lines, dtype=object), categorize=False)
    return pd.util.hash_array(hashed ^ np.uint64(signature), categorize=False)


def _padded(text: bytes, codec: str) -> bool:
    """Whether some cell may start or end with a space (a plain or no-break space, a tab, a BOM):
    only then are the cells stripped. Looked at around the separators, in numpy."""
    units = np.frombuffer(text, dtype=np.uint8)
    if not len(units):
        return False
    edges = np.flatnonzero((units == PIPE) | (units == LF))
    after = np.concatenate([[0], edges + 1])
    after = after[after < len(units)]
    before = np.concatenate([edges - 1, [len(units) - 1]])
    before = before[before >= 0]
    first, last = units[after], units[before]
    if np.isin(first, _SINGLE_SPACES).any() or np.isin(last, _SINGLE_SPACES).any():
        return True
    if codec == "utf-8":  # U+00A0 = C2 A0, U+FEFF = EF BB BF: a lead byte after, a tail byte before
        return bool(np.isin(first, (0xC2, 0xEF)).any() or _tail(units, before, b"\xc2\xa0")
                    or _tail(units, before, b"\xef\xbb\xbf"))
    return bool((first == 0xA0).any() or (last == 0xA0).any())  # cp874's no-break space


def _tail(units: np.ndarray, ends: np.ndarray, sequence: bytes) -> bool:
    """Whether `sequence` ends at one of the positions `ends`."""
    ends = ends[ends >= len(sequence) - 1]
    match = np.ones(len(ends), dtype=bool)
    for back, byte in enumerate(reversed(sequence)):
        match &= units[ends - back] == byte
    return bool(match.any())


def _empty(spec: FileSpec) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=object) for name in spec.used})

