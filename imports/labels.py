"""The words a person reads for a dataset's columns and stored values, in Thai or English: the
preview and the error report name a column by its Thai header (its English key only for a reader
who chose English), a choice by its label (ชาย, not `M`), codes as a list of names, dates in the
Buddhist Era."""

import datetime as dt
import re

from django.utils import translation

from kernel.thaidate import thai_date

from .registry import CHOICE, CODES, DATE, Column, Dataset

_THAI = re.compile("[\u0e01-\u0e5b]")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def dataset_column(dataset: Dataset, key: str) -> Column | None:
    """The column `key` names: a file column, or the one a staged column is made from (`cid_hash`
    and `cid_last3` from `cid`), so a rejection found in SQL names the cell the user wrote."""
    for column in dataset.columns:
        if column.key == key:
            return column
    for column in dataset.columns:
        if key.startswith(column.key + "_"):
            return column
    return None


def column_label(dataset: Dataset, key: str, language: str) -> str:
    column = dataset_column(dataset, key)
    if column is None:
        return key
    return column.label_th if language == "th" else column.key


def value_labels(column: Column, language: str) -> dict[str, str]:
    """Stored value → what a reader sees, for a CHOICE / CODES column (empty for others)."""
    if column.type not in (CHOICE, CODES):
        return {}
    if column.labels is not None:
        with translation.override(language):
            return dict(column.labels())
    if language != "th":
        return {}
    first_thai: dict[str, str] = {}
    for spelling, value in (column.choices or {}).items():
        if value not in first_thai and _THAI.search(spelling):
            first_thai[value] = spelling
    return first_thai


def value_text(column: Column, value: str, language: str, labels: dict[str, str]) -> str:
    """A parsed (stored) value as a reader sees it. `labels` is value_labels(column, language)."""
    if not value:
        return ""
    if column.type == CHOICE:
        return labels.get(value, value)
    if column.type == CODES:
        codes = [code for code in value.strip("{}").split(",") if code]
        return ", ".join(labels.get(code, code) for code in codes)
    if column.type == DATE and _ISO_DATE.match(value):
        with translation.override(language):
            # Short in Thai (5 ม.ค. 2510, as clerks write it); English months in full, since
            # Django's short English date (m/d/Y) reads backwards to a Thai eye.
            return thai_date(dt.date.fromisoformat(value), short=language == "th")
    return value
