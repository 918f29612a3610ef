"""The `moph43` dataset (CONTRACT §5): the health centre's 43-file export, registered with the
import engine like any other dataset, with its own runner (several files in one job) and its
own preview (what the upload holds, file by file: no personal data is shown before confirming).
Registered from SmarthealthConfig.ready()."""

from pathlib import Path
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from imports.errors import ImportFileError
from imports.registry import Dataset, register

from ..imports import PERMISSION, audit_import
from .bundle import open_bundle
from .reader import file_facts, read_file
from .run import in_file, run

LANGUAGES = ("th", "en")
PREVIEW_COLUMNS = (
    ("file", _("File")), ("name", _("Name in the upload")), ("rows", _("Rows")),
    ("encoding", _("Encoding")), ("header", _("Header row")), ("columns", _("Columns")),
)
DATE_FORMAT = _("YYYYMMDD, Christian era (a Buddhist-Era year is read as such, with a warning)")
NOT_USED = _("Not used by the platform: left as it is.")
WITH_HEADER, WITHOUT_HEADER = _("yes"), _("no (columns by position)")


def _both(message) -> dict[str, str]:
    out = {}
    for language in LANGUAGES:
        with translation.override(language):
            out[language] = str(message)
    return out


def preview(job) -> dict[str, Any]:
    """The files of the upload, each with its rows, encoding and layout; the files the import
    does not use, listed as such. ImportFileError when the upload cannot be read at all."""
    rows = []
    encodings = set()
    with open_bundle(Path(job.file.path), job.original_name) as bundle:
        for number, member in enumerate(bundle.used, start=1):
            try:
                facts = file_facts(member.path)
                facts, chunks = read_file(member.path, member.spec, chunk_rows=10, facts=facts)
                next(iter(chunks), None)  # reads the first line: is it a header?
                getattr(chunks, "close", lambda: None)()
            except ImportFileError as error:
                raise in_file(member.name, error) from None
            encoding = facts.encoding.replace("utf-8-sig", "utf-8")
            encodings.add(encoding)
            header = _both(WITH_HEADER if facts.header else WITHOUT_HEADER)
            cells = {language: [member.spec.name, member.name, f"{facts.records - facts.header:,}", encoding,
                                header[language], str(facts.fields)] for language in LANGUAGES}
            rows.append([number, cells, []])
        for number, entry in enumerate(bundle.not_used, start=len(rows) + 1):
            cells = {language: ["", entry, "", "", "", ""] for language in LANGUAGES}
            rows.append([number, cells, [_both(NOT_USED)]])
    labels = {language: [] for language in LANGUAGES}
    for _key, label in PREVIEW_COLUMNS:
        for language, text in _both(label).items():
            labels[language].append(text)
    return {
        "encoding": ", ".join(sorted(encodings)), "delimiter": "|", "mapping": {}, "ignored": [],
        "columns": [key for key, _label in PREVIEW_COLUMNS], "labels": labels,
        "date_format": _both(DATE_FORMAT),
        "rows": rows,
    }


MOPH43 = Dataset(
    key="moph43", label=_("Health centre's 43 files (43 แฟ้ม)"), columns=(), key_columns=(),
    permission=PERMISSION, stage_columns=(), upsert_sql="", personal=True, after_import=audit_import,
    formats=("zip", "txt"), list_url="smarthealth:person-list", runner=run, preview=preview,
)
register(MOPH43)
