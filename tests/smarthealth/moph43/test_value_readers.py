"""The fast readers of dates and date-times (pandas' ISO parser, the time from the digits in
numpy) give exactly what the digit-by-digit reader gives, Buddhist-Era years and nonsense
included; and a file's group is applied again when one of its kept lines is missing or twice."""

import random

import numpy as np
import pandas as pd
import pytest

from smarthealth.moph43 import values
from smarthealth.moph43.fingerprints import Fingerprints, Kept, among

ODD = ["20240101", "25670101", "20240230", "2024-01-05", "20240101120000", "25670101120000", "20241301", "",
       "abc", "18490101", "22010101", "22000101", "24000101", "0", "2024010", "202401011200",
       "20240101240000", "20240101235960", "๒๕๖๗๐๑๐๑", "20240101000000", "2024-01-01 10:00:00", "17000101",
       "23000101"]


def _cells() -> pd.Series:
    rng = random.Random(15)
    cells = list(ODD)
    for _ in range(2000):
        cells.append("".join(rng.choice("0123456789") for _ in range(rng.choice([8, 14]))))
        time = f"{rng.randint(0, 25):02d}{rng.randint(0, 61):02d}{rng.randint(0, 61):02d}"
        cells.append(f"{rng.randint(1800, 2600)}{rng.randint(0, 13):02d}{rng.randint(0, 32):02d}"
                     + (time if rng.random() < 0.5 else ""))
    return pd.Series(cells, dtype=object)


@pytest.mark.parametrize("with_time", [False, True])
def test_it_reads_dates_as_the_digit_by_digit_reader_does(with_time):
    cells = _cells()
    when, be = values._date_parts(cells, with_time=with_time)
    expected_when, expected_be = values._parts_by_digits(cells, with_time=with_time)
    same = (when.isna() & expected_when.isna()) | (when == expected_when)
    assert same.all(), cells[~same].tolist()[:5]
    assert (be == expected_be).all()
    assert be.any() and when.notna().any() and when.isna().any()


def test_it_applies_a_group_again_when_a_kept_line_is_missing_or_twice():
    prints = Fingerprints.__new__(Fingerprints)
    prints.kept = Kept(line=np.array([10, 20, 30, 40, 50], dtype=np.uint64),
                       group=np.array([1, 1, 2, 3, 3], dtype=np.uint64),
                       note=np.zeros(5, dtype=np.uint16), notes=[])
    # 20 (group 1) is missing, 40 (group 3) is there twice, 30 (group 2) once, 99 is new.
    plan = prints.plan(np.array([10, 30, 40, 40, 99], dtype=np.uint64))
    assert plan.found.tolist() == [True, True, True, True, False]
    assert plan.mismatched.tolist() == [1, 3]
    groups = np.array([1, 2, 3, 4], dtype=np.uint64)
    assert among(groups, plan.mismatched).tolist() == [True, False, True, False]
