"""The generic import engine: parse a chunk vectorised, COPY the valid rows into a temporary
staging table, reject rows whose references do not exist (in SQL), then upsert on the dataset key
so that unchanged rows are not rewritten. It knows no domain model: the Dataset says everything.

Call `run()` inside one transaction: a file either loads completely or not at all, and a re-run
(a redelivered Celery task) reaches exactly the same rows because the upsert is idempotent.

Duplicate keys inside one file: the LAST row wins (as if the rows were imported one after another);
the earlier rows with that key count as unchanged. The upload page says so to the user.
"""

import json
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from tenants import citus

from . import reading
from .parsing import normalise_text, parse_column, reason
from .reading import FileInfo, open_chunks_with_originals
from .registry import Dataset

STAGE = "_import_stage"
MAX_KEPT_ERRORS = 100_000  # the error report keeps this many rows; the count stays exact


@dataclass
class Result:
    info: FileInfo | None = None
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    # (row number, column, reason (message, params)) — rendered in Thai and English on demand
    errors: list[tuple[int, str, tuple]] = field(default_factory=list)
    # Row number → that row's cells as the file has them (under info.headers), JSON-encoded: the
    # rows of the error report, kept for the rows whose errors are kept. One string a row keeps
    # memory near the size of the text itself (a tuple of cells costs ~50 bytes more per cell).
    originals: dict[int, str] = field(default_factory=dict)

    def keep_originals(self, original: pd.DataFrame, rows: Iterable[int]) -> None:
        """Keep the file's cells of `rows` (of this chunk) whose errors were kept."""
        wanted = sorted({row for row in rows if row not in self.originals})
        if not wanted:
            return
        block = original.loc[wanted]
        cells = block.astype(object).where(block.notna(), "")
        for row, values in zip(wanted, cells.to_numpy().tolist(), strict=True):
            self.originals[row] = json.dumps([str(value) for value in values], ensure_ascii=False)

    def summary(self) -> str:
        return (f"rows={self.rows} created={self.created} updated={self.updated} "
                f"unchanged={self.unchanged} rejected={self.rejected}")


def render(reason_: tuple, language: str) -> str:
    message, params = reason_
    with translation.override(language):
        text = str(message)
        return text % dict(params) if params else text


class Rejections:
    """Collects bad rows of one chunk: `reject(mask, column, message, **params)`."""

    def __init__(self, index: pd.Index):
        self.bad = pd.Series(False, index=index)
        self.items: list[tuple[pd.Index, str, tuple]] = []

    def __call__(self, mask: pd.Series, column: str, message, **params) -> None:
        self.add(mask, column, reason(message, **params))

    def add(self, mask: pd.Series, column: str, reason_: tuple) -> None:
        mask = mask.fillna(False).astype(bool)
        if mask.any():
            self.items.append((mask.index[mask], column, reason_))
            self.bad |= mask


def validate(frame: pd.DataFrame, dataset: Dataset) -> tuple[pd.DataFrame, Rejections]:
    """Normalised and parsed columns (text, "" when empty) plus the rejected rows."""
    reject = Rejections(frame.index)
    parsed = pd.DataFrame(index=frame.index)
    for column in dataset.columns:
        text = normalise_text(frame[column.key])
        values, bad = parse_column(text, column)
        for reason_, mask in bad.items():
            reject.add(mask, column.key, reason_)
        if column.required:
            reject(text == "", column.key, _("This column is required."))
        parsed[column.key] = values
    if dataset.prepare is not None:
        parsed = dataset.prepare(parsed, reject)
    return parsed, reject


_COPY_SPECIALS = ("\\", "\t", "\n", "\r")
_SEPARATOR = "\x00"  # cells hold none: the reader refuses NUL bytes in text files


def copy_text(frame: pd.DataFrame, columns: tuple[str, ...]) -> str:
    """The rows in COPY's text format (row number first), built a column at a time: each column
    is joined into one string, escaped by a few C-speed scans, and split again; pandas' to_csv
    takes about five times as long."""
    parts = [[str(i) for i in frame.index]]
    for name in columns:
        series = frame[name]
        missing = series.isna()
        values = series.where(~missing, "").astype(str).tolist()
        text = _SEPARATOR.join(values)
        if text.count(_SEPARATOR) != len(values) - 1:  # a NUL after all: drop it, as the reader does
            values = [value.replace(_SEPARATOR, "") for value in values]
            text = _SEPARATOR.join(values)
        if any(special in text for special in _COPY_SPECIALS):
            text = (text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                    .replace("\r", "\\r"))
            values = text.split(_SEPARATOR)
        if missing.any():
            for position in missing.to_numpy().nonzero()[0]:
                values[position] = "\\N"
        parts.append(values)
    return "\n".join(map("\t".join, zip(*parts, strict=True))) + "\n"


@dataclass
class _Loaded:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str, tuple]] = field(default_factory=list)


def _load(raw, dataset: Dataset, text: str) -> _Loaded:
    """Stage one chunk, reject rows whose references do not exist, upsert the rest."""
    loaded = _Loaded()
    columns = ", ".join(f'"{c}" text' for c in dataset.stage_columns)
    names = ", ".join(["_row", *(f'"{c}"' for c in dataset.stage_columns)])
    with raw.cursor() as cursor:
        # Dropped and created per chunk: another dataset may have staged in this transaction.
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
        cursor.execute(citus.scratch_table_sql(STAGE, f"_row integer, {columns}"))
        with cursor.copy(f"COPY {STAGE} ({names}) FROM STDIN") as copy:
            copy.write(text)
        for ref in dataset.references:
            cursor.execute(
                f'DELETE FROM {STAGE} s WHERE s."{ref.column}" <> \'\' AND NOT EXISTS '
                f'(SELECT 1 FROM {ref.table} t WHERE t."{ref.target}" = s."{ref.column}") '
                f'RETURNING s._row, s."{ref.column}"'
            )
            loaded.rejected.extend((row, ref.column, reason(ref.message, value=value))
                                   for row, value in cursor.fetchall())
        cursor.execute(f"SELECT count(*) FROM {STAGE}")
        staged = cursor.fetchone()[0]
        for statement in dataset.before_upsert:
            cursor.execute(statement)
        cursor.execute(
            f"WITH up AS ({dataset.upsert_sql}) "
            "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up"
        )
        loaded.created, loaded.updated = cursor.fetchone()
        for statement in dataset.after_upsert:
            cursor.execute(statement)
    loaded.unchanged = staged - loaded.created - loaded.updated
    return loaded


class _Loader:
    """Runs each chunk's SQL on a second thread while the main thread parses the next chunk: the
    server works on one core while Python works on the other. One chunk at a time, in file order,
    on the caller's connection, inside the caller's transaction (psycopg serialises the use)."""

    def __init__(self, raw, dataset: Dataset, result: Result):
        self.raw, self.dataset, self.result = raw, dataset, result
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-load")
        self.pending: Future | None = None
        # The chunk in flight as the file has it, when SQL may reject some of its rows (a dataset
        # with references): their cells go to the error report.
        self.original: pd.DataFrame | None = None

    def submit(self, text: str, original: pd.DataFrame | None) -> None:
        self.wait()
        self.pending = self.pool.submit(_load, self.raw, self.dataset, text)
        self.original = original

    def wait(self) -> None:
        if self.pending is None:
            return
        pending, self.pending = self.pending, None
        original, self.original = self.original, None
        loaded = pending.result()
        result = self.result
        result.created += loaded.created
        result.updated += loaded.updated
        result.rejected += len(loaded.rejected)
        room = max(MAX_KEPT_ERRORS - len(result.errors), 0)
        kept = loaded.rejected[:room]
        result.errors.extend(kept)
        if original is not None:
            result.keep_originals(original, (row for row, _column, _reason in kept))

    def close(self) -> None:
        """After an error elsewhere: let the chunk in flight end (its error, if any, is moot)."""
        if self.pending is not None:
            self.pending.exception()
            self.pending = None
        self.pool.shutdown(wait=True)


def run(*, dataset: Dataset, path: Path, name: str, progress: Callable[[int], None] | None = None,
        chunk_rows: int | None = None) -> Result:
    """Import one file; ImportFileError when the file as a whole cannot be read."""
    info, chunks = open_chunks_with_originals(path, name, dataset, chunk_rows or reading.CHUNK_ROWS)
    dataset = dataset.resolved()
    result = Result(info=info)
    with connection.cursor() as cursor:  # sets the municipality's search_path on the session
        raw = cursor.cursor.connection
    loader = _Loader(raw, dataset, result)
    try:
        for chunk, original in chunks:
            result.rows += len(chunk)
            parsed, reject = validate(chunk, dataset)
            kept_rows: set[int] = set()
            for index, column, reason_ in reject.items:
                room = MAX_KEPT_ERRORS - len(result.errors)
                rows = [int(row) for row in index[:max(room, 0)]]
                result.errors.extend((row, column, reason_) for row in rows)
                kept_rows.update(rows)
            result.keep_originals(original, kept_rows)
            result.rejected += int(reject.bad.sum())
            good = parsed[~reject.bad]
            # Duplicate keys in one file: the last row wins (as if the rows were imported in
            # order); ON CONFLICT cannot touch one row twice in a statement, so drop the earlier.
            good = good[~good.duplicated(list(dataset.key_columns), keep="last")]
            if len(good):
                loader.submit(copy_text(good, dataset.stage_columns),
                              original if dataset.references else None)
            if progress is not None:
                progress(min(99, int(100 * result.rows / info.approx_rows)))
        loader.wait()
        with raw.cursor() as cursor:  # on a Citus cluster the stage is no temporary table
            for statement in citus.scratch_table_cleanup(STAGE):
                cursor.execute(statement)
    finally:
        loader.close()
    # Rows dropped as earlier duplicates count as unchanged: their key was loaded once.
    result.unchanged = result.rows - result.rejected - result.created - result.updated
    result.errors.sort(key=lambda e: (e[0], e[1]))
    return result

