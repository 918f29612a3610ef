"""Vectorised cleaning and parsing of string columns (pandas string operations, no per-row loops).

Each parser takes a Series of normalised text and returns (values, bad) where `bad` maps a reason
(lazy message) to a boolean mask of the rows it rejects. Empty cells are "" and never bad here:
`required` is checked by the engine.
"""

import re

import numpy as np
import pandas as pd
from django.utils.translation import gettext_lazy as _

from kernel import text as kernel_text
from kernel.thaidate import MONTH_NUMBERS
from kernel.vocab import Vocabulary

from .registry import CHOICE, CID, CODES, DATE, DECIMAL, DIGITS, INT, Column

# Joins a column's cells for the batch normalisation: NUL is not whitespace (so strip() and \s
# leave it alone), NFC keeps it, and a text file holding one is refused before parsing.
_SEPARATOR = "\x00"
_AROUND_SEPARATOR = re.compile(r"\s*\x00\s*")
_EDGE_SPACE_RE = re.compile(r"\s\x00|\x00\s")
_SPACE_RE = re.compile(r"\s")
_SCIENTIFIC = r"^[0-9.,]+[eE][+-]?\d+$"

# Month token without dots or spaces → month number (full names and abbreviations).
_MONTH_TOKENS = {spelling: month for spelling, month in MONTH_NUMBERS.items() if "." not in spelling}
EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def reason(message, **params) -> tuple:
    """A rejection reason kept translatable (message, params) so it can be shown in Thai and English."""
    return (message, tuple(sorted(params.items())))


def normalise_text(series: pd.Series) -> pd.Series:
    """kernel.text.normalise_text for every cell of a column, and outer spaces trimmed.

    The column is joined into one string and each step runs once over it in C (unicodedata, re,
    str.translate), then split again: pandas' per-element .str methods for these are Python
    loops (measured 5× slower on 100k rows, with or without pyarrow)."""
    values = series.astype(str).tolist()
    if not values:
        return series.astype(str)
    text = _SEPARATOR.join(values)
    if text.count(_SEPARATOR) != len(values) - 1:  # a workbook cell held a NUL: drop it first
        values = [value.replace(_SEPARATOR, "") for value in values]
        text = _SEPARATOR.join(values)
    text = kernel_text.normalise_text(text)
    if _SPACE_RE.search(text) and _EDGE_SPACE_RE.search(text):
        text = _AROUND_SEPARATOR.sub(_SEPARATOR, text)
    text = text.strip()
    return pd.Series(text.split(_SEPARATOR), index=series.index, dtype=str)


def parse_dates(s: pd.Series) -> tuple[pd.Series, dict]:
    """dd/mm/yyyy (BE ≥ 2400 or CE), ISO yyyy-mm-dd, Excel serials, `5 ม.ค. 2510`. Returns ISO
    text; "" for empty cells."""
    year = pd.Series(np.nan, index=s.index)
    month = year.copy()
    day = year.copy()

    def fill(mask, y, m, d):
        if mask.any():
            rows = mask.index[mask]
            year[rows], month[rows], day[rows] = y[rows], m[rows], d[rows]

    # Each pattern runs only over the cells the previous ones left (most files use one format).
    rest = s[s != ""]
    dmy = rest.str.extract(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$").astype(float)
    fill(dmy[2].notna().reindex(s.index, fill_value=False), dmy[2], dmy[1], dmy[0])
    rest = rest[dmy[2].isna()]
    if len(rest):
        iso = rest.str.extract(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$").astype(float)
        fill(iso[0].notna().reindex(s.index, fill_value=False), iso[0], iso[1], iso[2])
        rest = rest[iso[0].isna()]
    if len(rest):
        thai = rest.str.extract(r"^(\d{1,2})\s*([\u0e01-\u0e4e.\s]+?)\s*(\d{4})$")
        thai_month = thai[1].fillna("").str.replace(r"[.\s]", "", regex=True).map(_MONTH_TOKENS)
        found = (thai[0].notna() & thai_month.notna()).reindex(s.index, fill_value=False)
        fill(found, thai[2].astype(float), thai_month.astype(float), thai[0].astype(float))
    year = year.where(year < 2400, year - 543)

    unmatched = year.isna() & (s != "")
    serial = pd.Series(np.nan, index=s.index)
    if unmatched.any():
        candidates = s[unmatched]
        serial[unmatched] = pd.to_numeric(candidates.where(candidates.str.fullmatch(r"\d{4,5}(\.0+)?")),
                                          errors="coerce")
    as_serial = serial.notna() & year.isna()
    parsed = pd.to_datetime(
        pd.DataFrame({"year": year, "month": month, "day": day}), errors="coerce"
    )
    parsed = parsed.where(~as_serial, EXCEL_EPOCH + pd.to_timedelta(serial.where(as_serial), unit="D"))
    filled = s != ""
    matched = year.notna() | as_serial
    impossible = filled & matched & parsed.isna()
    out_of_range = filled & parsed.notna() & ((parsed.dt.year < 1850) | (parsed.dt.year > 2200))
    unknown = filled & ~matched
    text = parsed.dt.strftime("%Y-%m-%d").fillna("").where(~(impossible | out_of_range | unknown), "")
    return text, {
        reason(_("This date does not exist (e.g. 31/02).")): impossible,
        reason(_("The year is out of range.")): out_of_range,
        reason(_("Unknown date format: use dd/mm/yyyy (Buddhist Era or Christian year), yyyy-mm-dd or "
          "“5 ม.ค. 2510”.")): unknown,
    }


def thai_id_valid(digits: pd.Series, shaped: pd.Series | None = None) -> pd.Series:
    """The checksum of 13-digit strings, vectorised: one matrix product for the whole chunk."""
    ok = pd.Series(False, index=digits.index)
    if shaped is None:
        shaped = plain_digits(digits, 13)
    if shaped.any():
        raw = np.frombuffer("".join(digits[shaped]).encode("ascii"), dtype=np.uint8)
        matrix = raw.reshape(-1, 13).astype(np.int64) - 48
        weights = np.arange(13, 1, -1)
        check = (11 - (matrix[:, :12] @ weights) % 11) % 10
        ok[shaped] = check == matrix[:, 12]
    return ok


def plain_digits(s: pd.Series, length: int) -> pd.Series:
    """Which cells are exactly `length` ASCII digits, for the whole column in numpy (the usual
    case, checked without a regex per cell)."""
    values = s.tolist()
    sized = np.fromiter(map(len, values), dtype=np.int64, count=len(values)) == length
    ok = np.zeros(len(values), dtype=bool)
    if sized.any():
        text = "".join(v for v, keep in zip(values, sized, strict=True) if keep)
        if text.isascii():
            matrix = np.frombuffer(text.encode("ascii"), dtype=np.uint8).reshape(-1, length)
            ok[sized] = ((matrix >= 48) & (matrix <= 57)).all(axis=1)
        else:  # Thai digits are already ASCII here; something else is not: check one by one
            ok[sized] = [v.isascii() and v.isdigit() for v, keep in zip(values, sized, strict=True) if keep]
    return pd.Series(ok, index=s.index)


def parse_cid(s: pd.Series) -> tuple[pd.Series, dict]:
    plain = plain_digits(s, 13)
    rest = s[~plain]
    scientific = rest.str.fullmatch(_SCIENTIFIC).reindex(s.index, fill_value=False)
    digits = s.where(plain, rest.str.replace(r"[\s\-\u2010-\u2015.]", "", regex=True))
    shaped = plain | plain_digits(digits.where(~plain, ""), 13)
    valid = thai_id_valid(digits, shaped)
    filled = s != ""
    return digits.where(valid, ""), {
        reason(_("The national ID was turned into a number by Excel (like 1.23457E+12) and its digits are "
          "lost: format the column as text and enter it again.")): filled & scientific,
        reason(_("A national ID has exactly 13 digits.")): filled & ~scientific & ~shaped,
        reason(_("This national ID is not valid (its check digit does not match).")):
            filled & shaped & ~valid,
    }


def _numbers(s: pd.Series, column: Column, pattern: str) -> tuple[pd.Series, dict]:
    plain = s.str.replace(r"(?<=\d),(?=\d{3})", "", regex=True)  # thousands separators
    shaped = plain.str.fullmatch(pattern)
    values = pd.to_numeric(plain.where(shaped), errors="coerce")
    filled = s != ""
    low = -np.inf if column.min_value is None else column.min_value
    high = np.inf if column.max_value is None else column.max_value
    outside = filled & shaped & ((values < low) | (values > high))
    text = plain.where(shaped & ~outside, "").str.replace(r"\.0+$", "", regex=True)  # Excel's 4.0 → 4
    bad = {reason(_("Not a number.")): filled & ~shaped}
    if column.min_value is not None or column.max_value is not None:
        bad[reason(_("Must be between %(low)s and %(high)s."), low=_fmt(low), high=_fmt(high))] = outside
    return text, bad


def _fmt(value):
    return int(value) if float(value).is_integer() else value


def _spelling(s: pd.Series) -> pd.Series:
    """registry.spelling() for a whole column (its cells are already normalise_text-ed)."""
    return s.str.replace(r"\s+", "", regex=True).str.lower()


def code_tokens(s: pd.Series) -> pd.Series:
    """The codes of a CODES column one per entry (`DM, HT` → `DM`, `HT`), indexed by row; empty
    cells and empty pieces left out."""
    exploded = s.str.split(r"\s*[,;/]\s*", regex=True).explode()
    return exploded[exploded.fillna("") != ""].astype(str)


def match_choices(keys: pd.Series, column: Column) -> pd.Series:
    """Spelling keys of a CHOICE or CODES column → stored values ("" when unknown). The accepted
    spellings first (one dict lookup a cell), then the forms staff write (kernel.vocab) for the
    few distinct keys left: `พิการทางการเคลื่อนไหว`, `ร่างกาย`, `03`…"""
    values = keys.map(column.choice_map())
    missing = values.isna() & (keys != "")
    if missing.any():
        vocabulary = Vocabulary(column.choices or {})
        found = {key: vocabulary.match_key(key) for key in keys[missing].unique()}
        values = values.where(~missing, keys.map(found))
    return values.astype(object).fillna("")


def parse_column(s: pd.Series, column: Column) -> tuple[pd.Series, dict]:
    """Parse a column; when it repeats itself (sexes, codes, dates, villages) only its distinct
    values are parsed and the answers spread back over the rows: every parser is per cell."""
    if len(s) >= 64:
        positions, uniques = pd.factorize(s, sort=False)
        if len(uniques) * 4 <= len(s):
            values, bad = parse_column_cells(pd.Series(uniques, dtype=object), column)
            spread = pd.Series(values.to_numpy()[positions], index=s.index)
            return spread, {reason_: pd.Series(mask.to_numpy()[positions], index=s.index)
                            for reason_, mask in bad.items()}
    return parse_column_cells(s, column)


def parse_column_cells(s: pd.Series, column: Column) -> tuple[pd.Series, dict]:
    """Parse every cell of a column on its own: parse_column's answer without its shortcut."""
    if column.type == DATE:
        return parse_dates(s)
    if column.type == CID:
        return parse_cid(s)
    if column.type == INT:
        return _numbers(s, column, r"-?\d+(\.0+)?")
    if column.type == DECIMAL:
        return _numbers(s, column, r"-?\d+(\.\d+)?")
    if column.type == DIGITS:
        plain = plain_digits(s, column.digits)
        rest = s[~plain]
        scientific = rest.str.fullmatch(_SCIENTIFIC).reindex(s.index, fill_value=False)
        digits = s.where(plain, rest.str.replace(r"[\s\-]", "", regex=True))
        shaped = plain | digits.str.fullmatch(rf"\d{{{column.digits}}}")
        filled = s != ""
        return digits.where(shaped, ""), {
            reason(_("Excel turned this value into a number (like 1.23457E+12): format the column as text.")):
                filled & scientific,
            reason(_("Must be exactly %(n)s digits."), n=column.digits): filled & ~scientific & ~shaped,
        }
    if column.type == CHOICE:
        values = match_choices(_spelling(s), column)
        accepted = ", ".join(sorted(set(column.choices.values())))
        return values, {reason(_("Unknown value; accepted: %(values)s."), values=accepted):
                        (s != "") & (values == "")}
    if column.type == CODES:
        codes = match_choices(_spelling(code_tokens(s)), column)
        unknown = codes.eq("").groupby(level=0).any().reindex(s.index, fill_value=False)
        # Build "{DM,HT}" column-wise: one pass per known code (a handful), none per row.
        text = pd.Series("", index=s.index, dtype=object)
        for code in sorted(set(column.choices.values())):
            present = codes.eq(code).groupby(level=0).any().reindex(s.index, fill_value=False)
            text = text + np.where(present, code + ",", "")
        text = "{" + text.str.rstrip(",") + "}"
        accepted = ", ".join(sorted(set(column.choices.values())))
        return text.where(~unknown, ""), {reason(_("Unknown code; accepted: %(values)s."), values=accepted):
                                          unknown}
    # TEXT
    if column.max_length:
        lengths = np.fromiter(map(len, s.tolist()), dtype=np.int64, count=len(s))
        too_long = pd.Series(lengths > column.max_length, index=s.index)
    else:
        too_long = pd.Series(False, index=s.index)
    return s, {reason(_("Too long (at most %(n)s characters)."), n=column.max_length): too_long}
