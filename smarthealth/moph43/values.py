"""Reading the values of 43-file columns, a whole column at a time (no loop over rows).

Dates are `YYYYMMDD` and date-times `YYYYMMDDHHMMSS`, Christian era (§1). A year from 2400 on is
a Buddhist-Era year written by mistake (pitfall 9: the source systems store BE dates): it is
read as BE (minus 543) and the row carries a warning, not a rejection. Dates repeat a lot (a
town has few distinct days), so each distinct text is parsed once and the answer spread back.
"""

import re
from itertools import compress

import numpy as np
import pandas as pd

from imports.parsing import thai_id_valid

BE_FROM = 2400
_SEPARATOR = "\x00"
_SPACES = " \t\r\u00a0\ufeff"
_EDGE_SPACE = re.compile(f"[{_SPACES}]\x00|\x00[{_SPACES}]")
_AROUND_SEPARATOR = re.compile(f"[{_SPACES}]*\x00[{_SPACES}]*")


def strip(series: pd.Series) -> pd.Series:
    """Spaces (and a stray BOM) around every cell, removed in one pass over the joined column
    (exporters rarely pad: one C scan finds that out)."""
    values = series.tolist()
    if not values:
        return series
    text = _SEPARATOR.join(values)
    ends = text.strip(_SPACES)
    if ends == text and not _EDGE_SPACE.search(text):
        return series
    text = _AROUND_SEPARATOR.sub(_SEPARATOR, text).strip(_SPACES)
    return pd.Series(text.split(_SEPARATOR), index=series.index, dtype=object)


def _spread(series: pd.Series, parse) -> tuple[pd.Series, ...]:
    """parse(unique values as a Series) → Series aligned with them; spread back to every row."""
    codes, uniques = pd.factorize(series, sort=False)
    parts = parse(pd.Series(uniques, dtype=object))
    return tuple(pd.Series(part.to_numpy()[codes], index=series.index) for part in parts)


def plain_digits(series: pd.Series, length: int) -> pd.Series:
    """Which cells are exactly `length` ASCII digits: imports.parsing's check, with the cells of
    that length picked by itertools.compress (C) rather than a generator (a Python step per
    cell, the larger part of the check on a 100,000-row file)."""
    values = series.tolist()
    sized = np.fromiter(map(len, values), dtype=np.int64, count=len(values)) == length
    ok = np.zeros(len(values), dtype=bool)
    if sized.any():
        picked = list(compress(values, sized))
        text = "".join(picked)
        if text.isascii():
            matrix = np.frombuffer(text.encode("ascii"), dtype=np.uint8).reshape(-1, length)
            ok[sized] = ((matrix >= 48) & (matrix <= 57)).all(axis=1)
        else:  # another script's digits or letters: one by one
            ok[sized] = [value.isascii() and value.isdigit() for value in picked]
    return pd.Series(ok, index=series.index)


def _digit_fields(values: pd.Series, width: int) -> np.ndarray:
    """The (n, width) digit matrix of cells that are exactly `width` ASCII digits (others: -1),
    computed in numpy over the joined text, not cell by cell."""
    out = np.full((len(values), width), -1, dtype=np.int64)
    shaped = plain_digits(values, width).to_numpy()
    if shaped.any():
        text = "".join(compress(values.tolist(), shaped)).encode("ascii")
        out[shaped] = np.frombuffer(text, dtype=np.uint8).reshape(-1, width).astype(np.int64) - 48
    return out


def _number(matrix: np.ndarray, start: int, stop: int) -> np.ndarray:
    weights = 10 ** np.arange(stop - start - 1, -1, -1)
    number = (matrix[:, start:stop] * weights).sum(axis=1).astype(np.float64)
    return np.where((matrix[:, start:stop] < 0).any(axis=1), np.nan, number)


def _date_parts(values: pd.Series, *, with_time: bool):
    """(datetimes, Buddhist-Era mask) of distinct date texts. The usual cell, a plain CE date
    (or date-time where one is due), is read in C: its date by pandas' ISO parser, its time from
    the digits in numpy. The rest (a date-time where a date is due, dashes, a Buddhist-Era year,
    nonsense) is read digit by digit (_parts_by_digits)."""
    when = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    be = pd.Series(False, index=values.index)
    rest = np.ones(len(values), dtype=bool)
    for width in (8, 14) if with_time else (8,):
        plain = plain_digits(values, width).to_numpy()
        if not plain.any():
            continue
        text = "".join(compress(values.tolist(), plain)).encode("ascii")
        digits = np.frombuffer(text, dtype=np.uint8).reshape(-1, width)
        day = pd.to_datetime(np.ascontiguousarray(digits[:, :8]).view("S8").ravel().astype("U8"),
                             format="%Y%m%d", errors="coerce")
        read = day.to_numpy(dtype="datetime64[ns]")
        ok = ~np.isnat(read) & (day.year >= 1850) & (day.year <= 2200)
        if width == 14:
            hms = (digits[:, 8:14].astype(np.int64) - 48).reshape(-1, 3, 2) @ np.array([10, 1])
            ok &= (hms < np.array([24, 60, 60])).all(axis=1)
            read = read + (hms @ np.array([3600, 60, 1])).astype("timedelta64[s]")
        at = np.flatnonzero(plain)[ok]
        when.iloc[at] = read[ok]
        rest[at] = False
    if rest.any():
        slow, slow_be = _parts_by_digits(values[rest], with_time=with_time)
        when.iloc[rest], be.iloc[rest] = slow.to_numpy(), slow_be.to_numpy()
    return when, be


def _parts_by_digits(values: pd.Series, *, with_time: bool):
    # YYYYMMDD or YYYYMMDDHHMMSS (some exporters write a date-time where a date is due, and
    # the reverse); dashes of an ISO date are tolerated.
    values = values.where(~values.str.contains("-", regex=False), values.str.replace("-", "", regex=False))
    eight, fourteen = _digit_fields(values, 8), _digit_fields(values, 14)
    matrix = np.where((eight[:, :1] >= 0), np.pad(eight, ((0, 0), (0, 6)), constant_values=0), fourteen)
    year = pd.Series(_number(matrix, 0, 4), index=values.index)
    be = year >= BE_FROM
    year = year.where(~be, year - 543)
    parts = {"year": year, "month": pd.Series(_number(matrix, 4, 6), index=values.index),
             "day": pd.Series(_number(matrix, 6, 8), index=values.index)}
    if with_time:
        for name, start in (("hour", 8), ("minute", 10), ("second", 12)):
            parts[name] = pd.Series(_number(matrix, start, start + 2), index=values.index).fillna(0)
    when = pd.to_datetime(pd.DataFrame(parts), errors="coerce")
    when = when.where((year >= 1850) & (year <= 2200))
    return when, be & when.notna()


def _iso(when: pd.Series, unit: str) -> pd.Series:
    """Datetimes as ISO text ("" for NaT), by numpy in C: strftime formats one value at a time
    (seconds for a file's 100,000 distinct D_UPDATE stamps)."""
    text = np.datetime_as_string(when.to_numpy(dtype=f"datetime64[{unit}]"), unit=unit)
    if unit == "s":  # `YYYY-MM-DDTHH:MM:SS` → `YYYY-MM-DD HH:MM:SS`
        cells = text.astype("U19").view(np.uint32).reshape(len(text), 19)
        cells[:, 10] = ord(" ")
        text = cells.reshape(-1).view("U19")
    return pd.Series(text.astype(object), index=when.index).where(when.notna(), "")


def dates(series: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(ISO `YYYY-MM-DD` or "", invalid mask (filled but not a date), Buddhist-Era mask)."""
    def parse(values):
        when, be = _date_parts(values, with_time=False)
        return _iso(when, "D"), when.isna() & (values != ""), be

    if series.empty:
        empty = pd.Series(dtype=bool, index=series.index)
        return pd.Series(dtype=object, index=series.index), empty, empty
    return _spread(series, parse)  # type: ignore[return-value]


def timestamps(series: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """D_UPDATE: (`YYYY-MM-DD HH:MM:SS` local time or "", invalid mask, Buddhist-Era mask).
    A date without its time is read as midnight."""
    def parse(values):
        when, be = _date_parts(values, with_time=True)
        return _iso(when, "s"), when.isna() & (values != ""), be

    if series.empty:
        empty = pd.Series(dtype=bool, index=series.index)
        return pd.Series(dtype=object, index=series.index), empty, empty
    return _spread(series, parse)  # type: ignore[return-value]


def numbers(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(float or NaN, invalid mask: filled but not a number)."""
    values = pd.to_numeric(series.where(series != ""), errors="coerce")
    return values, values.isna() & (series != "")


def whole(values: pd.Series) -> pd.Series:
    """Which numbers are whole (12, 12.0, 12.00)."""
    return values.notna() & (values == np.floor(values))


def round_half_up(values: pd.Series) -> pd.Series:
    """Blood pressures and glucose are whole numbers: 120.5 → 121 (never round-half-to-even)."""
    return np.floor(values + 0.5)


def national_ids(series: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(valid, placeholder, other invalid) masks of CID cells. A placeholder is one repeated digit
    or eight zeros or ones in a row (HOSxP PCU's own export leaves those out, pitfall 7)."""
    shaped = plain_digits(series, 13)
    checked = thai_id_valid(series, shaped)
    placeholder = pd.Series(False, index=series.index)
    if shaped.any():
        matrix = np.frombuffer("".join(series[shaped]).encode("ascii"), dtype=np.uint8).reshape(-1, 13)
        repeated = (matrix == matrix[:, :1]).all(axis=1)
        placeholder[shaped] = repeated
        placeholder |= shaped & (series.str.contains("00000000", regex=False)
                                 | series.str.contains("11111111", regex=False))
    valid = checked & ~placeholder
    filled = series != ""
    return valid, filled & placeholder, filled & ~valid & ~placeholder


def digits_of(series: pd.Series, length: int) -> pd.Series:
    """Which cells are exactly `length` ASCII digits."""
    return plain_digits(series, length)
