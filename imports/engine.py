"""The generic import engine: parse a chunk vectorised, COPY the valid rows into a temporary
staging table, reject rows whose references do not exist (in SQL), then upsert on the dataset key
so that unchanged rows are not rewritten. It knows no domain model: the Dataset says everything.

Call `run()` inside one transaction: a file either loads completely or not at all, and a re-run
(a redelivered Celery task) reaches exactly the same rows because the upsert is idempotent.

Duplicate keys inside one file: the LAST row wins (as if the rows were imported one after another);
the earlier rows with that key count as unchanged. The upload page says so to the user.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from . import reading
from .parsing import normalise_text, parse_column, reason
from .reading import FileInfo, open_chunks
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


def _stage(cursor, dataset: Dataset, rows: pd.DataFrame) -> None:
    columns = ", ".join(f'"{c}" text' for c in dataset.stage_columns)
    # Dropped and created per chunk: another dataset may have staged in this transaction already.
    cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
    cursor.execute(f"CREATE TEMP TABLE {STAGE} (_row integer, {columns}) ON COMMIT DROP")
    buffer = io.StringIO()
    rows[list(dataset.stage_columns)].to_csv(buffer, header=False, index=True, na_rep="\\N")
    names = ", ".join(["_row", *(f'"{c}"' for c in dataset.stage_columns)])
    with cursor.cursor.copy(f"COPY {STAGE} ({names}) FROM STDIN (FORMAT csv, NULL '\\N')") as copy:
        copy.write(buffer.getvalue())


def _reject_references(cursor, dataset: Dataset, result: Result) -> None:
    for ref in dataset.references:
        cursor.execute(
            f'DELETE FROM {STAGE} s WHERE s."{ref.column}" <> \'\' AND NOT EXISTS '
            f'(SELECT 1 FROM {ref.table} t WHERE t."{ref.target}" = s."{ref.column}") '
            f'RETURNING s._row, s."{ref.column}"'
        )
        for row, value in cursor.fetchall():
            result.rejected += 1
            if len(result.errors) < MAX_KEPT_ERRORS:
                result.errors.append((row, ref.column, reason(ref.message, value=value)))


def _upsert(cursor, dataset: Dataset) -> tuple[int, int, int]:
    cursor.execute(f"SELECT count(*) FROM {STAGE}")
    staged = cursor.fetchone()[0]
    for statement in dataset.before_upsert:
        cursor.execute(statement)
    cursor.execute(
        f"WITH up AS ({dataset.upsert_sql}) "
        "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up"
    )
    created, updated = cursor.fetchone()
    for statement in dataset.after_upsert:
        cursor.execute(statement)
    return created, updated, staged - created - updated


def run(*, dataset: Dataset, path: Path, name: str, progress: Callable[[int], None] | None = None,
        chunk_rows: int | None = None) -> Result:
    """Import one file; ImportFileError when the file as a whole cannot be read."""
    info, chunks = open_chunks(path, name, dataset, chunk_rows or reading.CHUNK_ROWS)
    result = Result(info=info)
    with connection.cursor() as cursor:
        for chunk in chunks:
            result.rows += len(chunk)
            parsed, reject = validate(chunk, dataset)
            for index, column, reason_ in reject.items:
                room = MAX_KEPT_ERRORS - len(result.errors)
                result.errors.extend((int(row), column, reason_) for row in index[:max(room, 0)])
            result.rejected += int(reject.bad.sum())
            good = parsed[~reject.bad]
            # Duplicate keys in one file: the last row wins (as if the rows were imported in
            # order); ON CONFLICT cannot touch one row twice in a statement, so drop the earlier.
            good = good[~good.duplicated(list(dataset.key_columns), keep="last")]
            if len(good):
                _stage(cursor, dataset, good)
                _reject_references(cursor, dataset, result)
                created, updated, unchanged = _upsert(cursor, dataset)
                result.created += created
                result.updated += updated
                result.unchanged += unchanged
            if progress is not None:
                progress(min(99, int(100 * result.rows / info.approx_rows)))
    # Rows dropped as earlier duplicates count as unchanged: their key was loaded once.
    result.unchanged = result.rows - result.rejected - result.created - result.updated
    result.errors.sort(key=lambda e: (e[0], e[1]))
    return result

