"""The engine's fast paths give exactly what the plain ones give."""

import pandas as pd
import pytest
from django.db import connection

from imports.engine import copy_text
from imports.parsing import parse_column, parse_column_cells, plain_digits
from imports.registry import CHOICE, CID, CODES, DATE, DIGITS, INT, TEXT, Column

COLUMNS = [
    Column("d", "d", DATE),
    Column("c", "c", CHOICE, choices={"ชาย": "M", "หญิง": "F", "M": "M"}),
    Column("k", "k", CODES, choices={"DM": "DM", "HT": "HT", "เบาหวาน": "DM"}),
    Column("n", "n", INT, min_value=0, max_value=20),
    Column("h", "h", DIGITS, digits=11),
    Column("i", "i", CID),
    Column("t", "t", TEXT, max_length=5),
]
CELLS = {
    "d": ["05/01/2510", "31/02/2567", "2024-02-29", "5 ม.ค. 2510", "45000", "", "xx", "01/13/2560"],
    "c": ["ชาย", "หญิง", "m", "", "ไม่ทราบ", "M", "หญิง", "ชาย"],
    "k": ["DM, HT", "", "เบาหวาน", "XX", "HT;DM", "DM", "", "HT"],
    "n": ["1", "1,000", "4.0", "", "-1", "x", "20", "21"],
    "h": ["92020100001", "9202-0100001", "9.2E+10", "", "1234", "92020100001", "abcdefghijk", "92020100002"],
    "i": ["1101700203451", "1-1017-00203-45-1", "1.10170E+12", "", "1101700203452", "110170020345",
          "1101700203451", "๑๑๐๑๗๐๐๒๐๓๔๕๑"],
    "t": ["ok", "toolong", "", "ห้า", "abcde", "x", "y", "z"],
}


@pytest.mark.parametrize("column", COLUMNS, ids=lambda c: c.type)
def test_parsing_distinct_values_only_gives_what_parsing_every_cell_gives(column):
    # 8 distinct cells repeated 40 times: the distinct-value path is taken (≥ 64 rows, ≤ 1/4 unique).
    from imports.parsing import normalise_text

    cells = normalise_text(pd.Series(CELLS[column.key] * 40, dtype=str))
    fast_values, fast_bad = parse_column(cells, column)
    slow_values, slow_bad = parse_column_cells(cells, column)
    assert fast_values.astype(str).tolist() == slow_values.astype(str).tolist()
    assert set(fast_bad) == set(slow_bad)
    def rows(mask):
        return mask.fillna(False).astype(bool).tolist()

    for reason_, mask in slow_bad.items():
        assert rows(fast_bad[reason_]) == rows(mask)


def test_plain_digits_accepts_only_exact_ascii_digit_strings():
    cells = pd.Series(["12345", "1234", "123456", "12a45", "", "๑๒๓๔๕", " 1234"], dtype=str)
    assert plain_digits(cells, 5).tolist() == [True, False, False, False, False, False, False]


@pytest.mark.django_db
def test_copy_text_survives_a_real_copy_with_tabs_newlines_backslashes_and_nulls():
    frame = pd.DataFrame({
        "a": ["tab\there", "new\nline", "back\\slash", "cr\rhere", "ไทย", None],
        "b": ["\\N", "", "x", "\\t", "๑๒", "end"],
    }, index=range(10, 16))
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE _copy_check (_row integer, a text, b text)")
        with cursor.cursor.copy("COPY _copy_check FROM STDIN") as copy:
            copy.write(copy_text(frame, ("a", "b")))
        cursor.execute("SELECT _row, a, b FROM _copy_check ORDER BY _row")
        rows = cursor.fetchall()
    expected = frame.astype(object).where(frame.notna(), None)
    assert rows == [(i, a, b) for i, a, b in zip(frame.index, expected["a"], expected["b"], strict=True)]
