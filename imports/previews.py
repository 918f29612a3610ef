"""The preview of an uploaded file: what a user checks before confirming (encoding, header mapping,
date format, the first rows as they will be stored, with their problems). Computed by a task from
the kept file and stored on the job as JSON; every text a person reads is kept in Thai and in
English (column headers, values, dates, problems), so the page shows it in the reader's language
(preview_in_language): Thai headers, ชาย not `M`, 5 ม.ค. 2510 not 1967-01-05."""

from pathlib import Path
from typing import Any

import pandas as pd
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from kernel.national_id import mask_national_id

from . import engine, registry
from .labels import column_label, value_labels, value_text
from .models import ImportJob
from .parsing import normalise_text
from .reading import ImportFileError, open_chunks
from .registry import CID, DATE
from .vocab_preview import unknown_values

PREVIEW_ROWS = 10
LANGUAGES = ("th", "en")


def preview_compute(job: ImportJob) -> dict[str, Any]:
    """ImportFileError when the file cannot be imported at all."""
    spec = registry.get(job.dataset)
    if spec is None:  # a dataset no app registers any more (e.g. its app was removed)
        raise ImportFileError(_("Unknown dataset."))
    if spec.preview is not None:  # a dataset of several files (moph43) previews them itself
        return spec.preview(job)
    info, chunks = open_chunks(Path(job.file.path), job.original_name, spec, chunk_rows=PREVIEW_ROWS)
    first = next(chunks)
    spec = spec.resolved()
    parsed, reject = engine.validate(first, spec)
    # What will be stored (Thai digits converted, dates read, choices recognised), in the reader's
    # words; a cell that is a row's problem shows what the file says, with the reasons beside it.
    problems: dict[int, list[dict[str, str]]] = {}
    bad_cells: set[tuple[int, str]] = set()
    for index, column, reason in reject.items:
        text = {language: f"{column_label(spec, column, language)}: {engine.render(reason, language)}"
                for language in LANGUAGES}
        for row in index:
            problems.setdefault(int(row), []).append(text)
            bad_cells.add((int(row), column))
    columns = [c for c in spec.columns if c.key in info.mapping.values()]
    cells = {language: _cells(first, parsed, columns, bad_cells, language) for language in LANGUAGES}
    return {
        "encoding": info.encoding, "delimiter": info.delimiter, "mapping": info.mapping,
        "ignored": info.ignored, "columns": [c.key for c in columns],
        "labels": {language: [column_label(spec, c.key, language) for c in columns]
                   for language in LANGUAGES},
        "date_format": _in_both(_date_format(first, spec)),
        "rows": [[int(i), {language: cells[language][int(i)] for language in LANGUAGES},
                  problems.get(int(i), [])] for i in first.index],
        "unknown_values": unknown_values(job, spec),  # the whole file's, for the value mapping
    }


def _cells(first: pd.DataFrame, parsed: pd.DataFrame, columns: list[registry.Column],
           bad_cells: set[tuple[int, str]], language: str) -> dict[int, list[str]]:
    """Row number → its cells as the reader of `language` sees them."""
    labels = {column.key: value_labels(column, language) for column in columns}
    rows: dict[int, list[str]] = {}
    for index in first.index:
        row = int(index)
        shown = []
        for column in columns:
            value = _text(parsed.at[index, column.key])
            if column.type == CID:  # never a full national ID on a screen, nor a wrong one
                shown.append(mask_national_id(value[-3:]) if value else "")
            elif (row, column.key) in bad_cells:
                shown.append(_text(first.at[index, column.key]))
            else:
                shown.append(value_text(column, value, language, labels[column.key]))
        rows[row] = shown
    return rows


def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def preview_in_language(preview: dict, language: str) -> dict:
    """The stored preview with every text in `language` (th, or en for English): headers, cells,
    problems, date format, and the header mapping as (file header, column name) pairs. A preview
    stored before the cells were kept in both languages shows its cells as they were."""
    language = "en" if (language or "").startswith("en") else "th"
    shown = dict(preview)
    shown["date_format"] = (preview.get("date_format") or {}).get(language, "")
    keys = list(preview.get("columns") or [])
    headers = (preview.get("labels") or {}).get(language) or keys
    shown["headers"] = headers
    words = dict(zip(keys, headers, strict=False))
    mapping = preview.get("mapping") or {}
    shown["mapping_shown"] = [(header, words.get(key, key)) for header, key in mapping.items()]
    shown["rows"] = [(number, cells.get(language, []) if isinstance(cells, dict) else cells,
                      [problem[language] for problem in problems])
                     for number, cells, problems in preview.get("rows", [])]
    return shown


def _in_both(message) -> dict[str, str]:
    result = {}
    for language in LANGUAGES:
        with translation.override(language):
            result[language] = str(message)
    return result


def _date_format(frame: pd.DataFrame, spec: registry.Dataset):
    dates = [normalise_text(frame[c.key]) for c in spec.columns if c.type == DATE]
    if not dates:
        return ""
    values = [v for s in dates for v in s if v]
    if not values:
        return ""
    years = [int(v[-4:]) for v in values if v[-4:].isdigit()]
    if any(v[:4].isdigit() and v[4:5] == "-" for v in values):
        return "yyyy-mm-dd"
    if years and all(y >= 2400 for y in years):
        return _("dd/mm/yyyy, Buddhist Era")
    if years:
        return _("dd/mm/yyyy, Christian year")
    return _("Thai month names or Excel dates")
