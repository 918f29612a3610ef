"""Synthetic MoPH "43 แฟ้ม" exports of a health centre (รพ.สต.), for tests, the benchmark and the
demo: realistic rows per `../shared/data/moph-43-files.md`, every file convention real exporters
use, bad rows on purpose, the month after, and the figures an import must produce.

Pure Python and the standard library (the kernel's check digit aside), no database, deterministic
by seed. Every person is invented (names from smarthealth/demo/names.py, random ID digits).

    export = build_export(SampleOptions(persons=2000, seed=3, bad_rows=True))
    write_zip(export, "F43.zip", Conventions(header=False, encoding="cp874"))
    export.truth.summary(today=dt.date.today())   # what GET /api/v1/health/summary/ must say
    february = next_month(export)                  # ~1 % of rows changed, deaths, a birth …
"""

from .bad import BAD_KINDS, KINDS_BY_FILE, REPAIRABLE
from .build import build_export
from .codes import CLOSED_TYPEDISCH, adl_group_for, condition_for_icd
from .excel import EXCEL_COLUMNS, excel_persons, excel_persons_csv
from .export import BadRow, Export, Key, MonthChanges, Row
from .layouts import HEADERS, LAYOUTS, USED_FILES, Layout, columns_for
from .monthly import next_month
from .options import SampleOptions
from .truth import PersonFacts, Screening, Truth
from .writer import VARIANTS, Conventions, file_bytes, file_name, write_zip, zip_bytes, zip_stem

__all__ = [
    "BAD_KINDS", "CLOSED_TYPEDISCH", "EXCEL_COLUMNS", "HEADERS", "KINDS_BY_FILE", "LAYOUTS", "REPAIRABLE",
    "USED_FILES", "VARIANTS", "BadRow", "Conventions", "Export", "Key", "Layout", "MonthChanges",
    "PersonFacts", "Row", "SampleOptions", "Screening", "Truth", "adl_group_for", "build_export",
    "columns_for", "condition_for_icd", "excel_persons", "excel_persons_csv", "file_bytes", "file_name",
    "next_month", "write_zip", "zip_bytes", "zip_stem",
]
