"""What a file says that no choice recognises, for the preview: per CHOICE / CODES column, the
distinct unknown values of the WHOLE file with the number of rows of each, the remembered
spellings (ValueMapping) it uses, and the values a user may map an unknown one to. The user maps
each once on the job page (imports/_value_mapping.html); later files need no mapping.

Only CHOICE and CODES columns are read: never a name, an address or an ID. A value that looks
like an ID or a phone number (a long run of digits, e.g. a national ID in the wrong column) is
counted, never shown."""

import re
from pathlib import Path
from typing import Any

import pandas as pd
from django.utils import translation

from .models import ImportJob
from .parsing import _spelling, code_tokens, match_choices, normalise_text
from .reading import open_chunks
from .registry import CHOICE, CODES, Column, Dataset
from .selectors import value_mappings_by_column

LANGUAGES = ("th", "en")
MAX_DISTINCT = 200  # listed per column; the rest are counted together
MAX_TEXT = 80  # a value longer than this is shown cut
_ID_LIKE = re.compile(r"\d{6,}")
_THAI = re.compile("[\u0e01-\u0e5b]")


def choice_targets(column: Column) -> list[dict[str, Any]]:
    """The values a CHOICE / CODES column accepts, in the order its choices list them, each with
    the words people read it by in Thai and in English and its code, e.g.
    `{"value": "physical", "label": {"th": "ทางการเคลื่อนไหวหรือทางร่างกาย (physical)", …}}`:
    the column's `labels` where it has them, else its first Thai spelling (the dataset lists the
    official label first) in Thai and the code in English."""
    first_thai: dict[str, str] = {}
    for spelling, value in (column.choices or {}).items():
        if value not in first_thai or (not _THAI.search(first_thai[value]) and _THAI.search(spelling)):
            first_thai[value] = spelling
    named: dict[str, dict[str, str]] = {language: {} for language in LANGUAGES}
    if column.labels is not None:
        for language in LANGUAGES:
            with translation.override(language):
                named[language] = {value: str(label) for value, label in column.labels().items()}
    fallback = {"th": first_thai, "en": {}}
    targets = []
    for value in first_thai:
        label = {}
        for language in LANGUAGES:
            words = named[language].get(value) or fallback[language].get(value) or value
            label[language] = value if words == value else f"{words} ({value})"
        targets.append({"value": value, "label": label})
    return targets


class _Tally:
    def __init__(self) -> None:
        self.values: dict[str, list[Any]] = {}  # key → [text as first seen, rows]
        self.other_rows = 0
        self.other_keys: set[str] = set()
        self.hidden_rows = 0
        self.applied: dict[str, list[Any]] = {}  # remembered spelling key → [text, rows]

    def add(self, keys: pd.Series, texts: pd.Series) -> None:
        counts = keys.value_counts(sort=False)
        first_text = dict(zip(keys.tolist()[::-1], texts.tolist()[::-1], strict=True))
        for key, rows in counts.items():
            key, rows = str(key), int(rows)
            if key in self.values:
                self.values[key][1] += rows
            elif _ID_LIKE.search(key):
                self.hidden_rows += rows
            elif len(self.values) < MAX_DISTINCT:
                self.values[key] = [first_text[key][:MAX_TEXT], rows]
            else:
                self.other_rows += rows
                if len(self.other_keys) < 100_000:  # a bound on memory, not on the count shown
                    self.other_keys.add(key)


def _per_row(keys: pd.Series, texts: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A key counted once per row (a CODES cell may repeat a code)."""
    frame = pd.DataFrame({"row": keys.index, "key": keys.to_numpy(), "text": texts.to_numpy()})
    frame = frame.drop_duplicates(["row", "key"])
    return frame["key"], frame["text"]


def unknown_values(job: ImportJob, spec: Dataset) -> list[dict[str, Any]]:
    """The preview's `unknown_values`: one entry per CHOICE / CODES column that has unknown or
    remembered values. `spec` is resolved (Dataset.resolved: the remembered spellings in)."""
    columns = [column for column in spec.columns if column.type in (CHOICE, CODES)]
    if not columns:
        return []
    remembered = value_mappings_by_column(spec.key)
    tallies = {column.key: _Tally() for column in columns}
    _info, chunks = open_chunks(Path(job.file.path), job.original_name, spec)
    for chunk in chunks:
        for column in columns:
            text = normalise_text(chunk[column.key])
            pieces = code_tokens(text) if column.type == CODES else text[text != ""]
            keys = _spelling(pieces)
            values = match_choices(keys, column)
            tally = tallies[column.key]
            unknown = values == ""
            if unknown.any():
                tally.add(*_per_row(keys[unknown], pieces[unknown]))
            mapped = remembered.get(column.key)
            if mapped:
                known_keys, known_texts = _per_row(keys[~unknown], pieces[~unknown])
                used = known_keys.isin(mapped)
                firsts = dict(zip(known_keys[used].tolist()[::-1], known_texts[used].tolist()[::-1],
                                  strict=True))
                for key, rows in known_keys[used].value_counts(sort=False).items():
                    entry = tally.applied.setdefault(str(key), [firsts[key][:MAX_TEXT], 0])
                    entry[1] += int(rows)
    result = []
    for column in columns:
        tally = tallies[column.key]
        if not (tally.values or tally.other_rows or tally.hidden_rows or tally.applied):
            continue
        listed = sorted(tally.values.items(), key=lambda item: (-item[1][1], item[1][0]))
        result.append({
            "column": column.key, "label": column.label_th, "codes": column.type == CODES,
            "values": [{"key": key, "text": text, "count": rows} for key, (text, rows) in listed],
            "other_values": len(tally.other_keys), "other_rows": tally.other_rows,
            "hidden_rows": tally.hidden_rows,
            "applied": [{"key": key, "text": text, "target": remembered[column.key][key], "count": rows}
                        for key, (text, rows) in sorted(tally.applied.items())],
            "targets": choice_targets(column),
        })
    return result
