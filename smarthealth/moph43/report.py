"""What went wrong with which row, and the error report a clerk can use.

A rejected row is not loaded; a warning leaves the row loaded (a placeholder national ID read
as none, a point outside Thailand dropped, a Buddhist-Era year read as such) and only says so.

The report is a zip: per file with problems, the ORIGINAL rows as the file wrote them (read again
from the kept copy, so nothing is lost to parsing), its original header when it had one, and
three more columns: แถว (the row's line in the file), ปัญหา (Thai) and Problem (English). A
header-less file's rows are padded to the standard's full width first, so the added columns
never land in a column of the standard when the fixed file is uploaded again. Beside them,
errors.csv: one line per problem (file, row, column, ปัญหา, problem), what the API serves.
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from imports.engine import MAX_KEPT_ERRORS, render
from imports.parsing import reason

from .layouts import FileSpec

WARNING = _("Warning: %(problem)s")
REPORT_COLUMNS = ("แถว", "ปัญหา", "Problem")


class Checks:
    """The problems of one chunk: `reject(mask, column, message, **params)` and `warn(...)`."""

    def __init__(self, index: pd.Index):
        self.bad = pd.Series(False, index=index)
        self.warned = pd.Series(False, index=index)
        self.items: list[tuple[pd.Index, str, tuple, bool]] = []

    def reject(self, mask: pd.Series, column: str, message, **params) -> None:
        self._add(mask, column, reason(message, **params), warning=False)

    def warn(self, mask: pd.Series, column: str, message, **params) -> None:
        self._add(mask, column, reason(message, **params), warning=True)

    def _add(self, mask: pd.Series, column: str, reason_: tuple, *, warning: bool) -> None:
        # Every reason of a row is kept (the clerk fixes them all at once).
        mask = mask.reindex(self.bad.index, fill_value=False).fillna(False).astype(bool)
        if mask.any():
            self.items.append((mask.index[mask], column, reason_, warning))
            if warning:
                self.warned |= mask
            else:
                self.bad |= mask

    @property
    def good(self) -> pd.Series:
        return ~self.bad


@dataclass
class Problem:
    line: int
    column: str
    reason: tuple
    warning: bool


@dataclass
class FileProblems:
    spec: FileSpec
    name: str  # the entry's name in the upload
    path: Path | None  # a copy to read the problem rows from, unless `originals` holds them
    encoding: str
    skip: int
    header_text: str
    glued_row: str
    problems: list[Problem] = field(default_factory=list)
    dropped: int = 0  # problems past MAX_KEPT_ERRORS: counted, not listed
    originals: dict[int, str] | None = None  # line → its text as the file writes it

    def add(self, checks: Checks, room: int) -> int:
        """Keep the chunk's problems (at most `room` more); returns how many were kept."""
        kept = 0
        for index, column, reason_, warning in checks.items:
            for line in index:
                if kept < room:
                    self.problems.append(Problem(int(line), column, reason_, warning))
                    kept += 1
                else:
                    self.dropped += 1
        return kept

    def add_lines(self, lines, column: str, reason_: tuple, *, warning: bool, room: int) -> int:
        kept = 0
        for line in lines:
            if kept < room:
                self.problems.append(Problem(int(line), column, reason_, warning))
                kept += 1
            else:
                self.dropped += 1
        return kept


def _reason_text(problem: Problem, language: str) -> str:
    text = render(problem.reason, language)
    return render(reason(WARNING, problem=text), language) if problem.warning else text


def _text(problem: Problem, language: str) -> str:
    text = _reason_text(problem, language)
    column = f"{problem.column}: " if problem.column else ""
    # The report is pipe-separated: a reason quoting a value must not add a column or a line.
    return (column + text).replace("|", "/").replace("\r", " ").replace("\n", " ")


def _original_lines(item: FileProblems, wanted: set[int]) -> dict[int, str]:
    """The lines `wanted` of the kept copy, as decoded text (universal newlines, as pandas counts
    them)."""
    found: dict[int, str] = {}
    if not wanted:
        return found
    if item.originals is not None:
        return {line: item.originals[line] for line in wanted if line in item.originals}
    assert item.path is not None
    last = max(wanted)
    with open(item.path, "rb") as raw:
        raw.seek(item.skip)
        with io.TextIOWrapper(raw, encoding=item.encoding, newline=None) as text:
            for number, line in enumerate(text, start=1):
                if number in wanted:
                    found[number] = line.rstrip("\n")
                if number >= last:
                    break
    if item.glued_row and 1 in wanted:
        found[1] = item.glued_row
    return found


def _pipe_file(item: FileProblems) -> bytes:
    by_line: dict[int, list[Problem]] = {}
    for problem in item.problems:
        by_line.setdefault(problem.line, []).append(problem)
    originals = _original_lines(item, set(by_line))
    lines = []
    if item.header_text:
        width = item.header_text.count("|") + 1
        lines.append(item.header_text + "|" + "|".join(REPORT_COLUMNS))
    else:
        width = len(item.spec.columns)
    for number in sorted(by_line):
        original = originals.get(number, "")
        cells = original.count("|") + 1
        padded = original + "|" * max(width - cells, 0)
        th = " ; ".join(_text(p, "th") for p in by_line[number])
        en = " ; ".join(_text(p, "en") for p in by_line[number])
        lines.append(f"{padded}|{number}|{th}|{en}")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _errors_csv(items: list[FileProblems]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["file", "row", "column", "ปัญหา", "problem"])
    for item in items:
        for problem in sorted(item.problems, key=lambda p: p.line):
            th, en = (_reason_text(problem, language) for language in ("th", "en"))
            writer.writerow([item.spec.name, problem.line, problem.column, _cell(th), _cell(en)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _cell(text: str) -> str:
    # A reason may quote a value from the file: never let a spreadsheet read it as a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def report_zip(items: list[FileProblems], *, stem: str) -> tuple[str, ContentFile] | None:
    """(file name, content) of the error report, or None when no file had a problem."""
    items = [item for item in items if item.problems]
    if not items:
        return None
    buffer = io.BytesIO()
    used: set[str] = set()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for item in items:
            name = f"{item.spec.name}.txt"
            if name in used:  # the same file twice in one upload (two folders)
                name = f"{item.spec.name}-{len(used)}.txt"
            used.add(name)
            archive.writestr(name, _pipe_file(item))
        archive.writestr("errors.csv", _errors_csv(items))
    return f"errors-{stem}.zip", ContentFile(buffer.getvalue())


def kept_room(items: list[FileProblems]) -> int:
    return max(MAX_KEPT_ERRORS - sum(len(item.problems) for item in items), 0)
