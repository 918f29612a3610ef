"""Next month's few changed lines are split in Python (Source.parse_few) rather than by pandas'
reader: the same rows and cells as Source.parse, whatever the file's conventions; and their
groups, guessed from the bytes, are those of the parsed rows."""

import numpy as np
import pytest

from smarthealth.moph43.bundle import Member
from smarthealth.moph43.context import keys
from smarthealth.moph43.fingerprints import group_prints
from smarthealth.moph43.layouts import PERSON
from smarthealth.moph43.load import _line_groups
from smarthealth.moph43.source import source_read

from .conftest import HEADERS, HOSPCODE

ROWS = [
    {"PID": "1", "NAME": "สมชาย", "LNAME": "ใจดี", "SEX": "1"},
    {"PID": " 2 ", "NAME": "\u00a0สมหญิง\t", "LNAME": "ดี ", "SEX": "2"},  # padded cells
    {},  # a blank line of the used columns (HOSPCODE emptied below)
    {"PID": "4", "NAME": "   ", "LNAME": "x"},  # only spaces: kept, emptied
    {"PID": "0005", "NAME": "A|B"},  # a pipe in a value: one more column, as the reader splits it
]


def _text(*, header: bool, short: bool) -> str:
    lines = ["|".join(HEADERS["PERSON"])] if header else []
    for cells in ROWS:
        values = {"HOSPCODE": HOSPCODE if cells else "", **cells}
        row = [values.get(column, "") for column in HEADERS["PERSON"]]
        lines.append("|".join(row[:31] if short else row))
    lines.append("")  # an empty line between rows
    last = {"HOSPCODE": HOSPCODE, "PID": "9"}
    lines.append("|".join(last.get(column, "") for column in HEADERS["PERSON"]))
    return "\r\n".join(lines)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp874"])
@pytest.mark.parametrize("header", [True, False])
@pytest.mark.parametrize("short", [True, False])
def test_it_reads_a_few_lines_as_pandas_does(encoding, header, short):
    data = _text(header=header, short=short).encode(encoding)
    source = source_read(Member(spec=PERSON, name="PERSON.txt", path=None, size=len(data)), data)
    which = np.arange(len(source.lines))
    for chosen in (which, which[::2], which[1:2], which[:0]):
        slow, fast = source.parse(chosen), source.parse_few(chosen)
        assert list(fast.columns) == list(slow.columns)
        assert fast.index.tolist() == slow.index.tolist()
        assert fast.to_numpy().tolist() == slow.to_numpy().tolist()
        if len(slow):
            guessed = _line_groups(source, chosen, ("HOSPCODE", "PID"))
            parsed = np.unique(group_prints(keys(slow["HOSPCODE"], slow["PID"])))
            assert set(parsed.tolist()) <= set(guessed.tolist())

