"""The preview of an uploaded file: what a user checks before confirming (encoding, header mapping,
date format, the first rows as they will be stored, with their problems). Computed by a task from
the kept file and stored on the job as JSON; every translated text is kept in Thai and English,
so the page shows it in the reader's language (ImportJob.preview_in)."""

from pathlib import Path
from typing import Any

import pandas as pd
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from kernel.national_id import mask_national_id

from . import engine, registry
from .models import ImportJob
from .parsing import normalise_text
from .reading import ImportFileError, open_chunks
from .registry import CID, DATE

PREVIEW_ROWS = 10
LANGUAGES = ("th", "en")


def preview_compute(job: ImportJob) -> dict[str, Any]:
    """ImportFileError when the file cannot be imported at all."""
    spec = registry.get(job.dataset)
    if spec is None:  # a dataset no app registers any more (e.g. its app was removed)
        raise ImportFileError(_("Unknown dataset."))
    info, chunks = open_chunks(Path(job.file.path), job.original_name, spec, chunk_rows=PREVIEW_ROWS)
    first = next(chunks)
    spec = spec.resolved()
    parsed, reject = engine.validate(first, spec)
    # What will be stored (Thai digits converted, dates in ISO, choices as codes); a rejected row
    # keeps what the file says, with the reasons beside it.
    problems: dict[int, list[dict[str, str]]] = {}
    for index, column, reason in reject.items:
        text = {language: f"{column}: {engine.render(reason, language)}" for language in LANGUAGES}
        for row in index:
            problems.setdefault(int(row), []).append(text)
    keys = [c.key for c in spec.columns]
    shown = parsed[keys].astype(object)
    shown.loc[reject.bad, keys] = first.loc[reject.bad, keys].astype(object)
    for spec_column in spec.columns:
        if spec_column.type == CID:  # never a full national ID on a screen
            shown[spec_column.key] = parsed[spec_column.key].map(
                lambda v: mask_national_id(v[-3:]) if v else ""
            )
    keys = [key for key in keys if key in info.mapping.values()]
    return {
        "encoding": info.encoding, "delimiter": info.delimiter, "mapping": info.mapping,
        "ignored": info.ignored, "columns": keys, "date_format": _in_both(_date_format(first, spec)),
        "rows": [[int(i), [_text(shown.at[i, k]) for k in keys], problems.get(int(i), [])]
                 for i in shown.index],
    }


def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


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
