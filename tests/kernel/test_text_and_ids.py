"""The kernel's Thai text and national-ID rules, at their edges."""

import pandas as pd
import pytest

from imports.parsing import normalise_text as normalise_column
from kernel.national_id import format_national_id, mask_national_id
from kernel.text import ascii_digits, normalise_text, parse_decimal_text, spelling_key


def test_thai_digits_become_ascii_and_nothing_else_changes():
    assert ascii_digits("บ้าน ๑๒/๓") == "บ้าน 12/3"


@pytest.mark.parametrize("typed, expected", [
    ("ก\u200bา\u200dร", "การ"),  # zero-width characters pasted from a web page
    ("\ufeffชื่อ", "ชื่อ"),  # a BOM at the start of a cell
    ("น\u0e4d\u0e32", "น\u0e33"),  # decomposed sara am (นํา) recomposed (นำ)
    ("๐๘๑", "081"),
    ("plain", "plain"),
])
def test_normalise_text_makes_two_spellings_one(typed, expected):
    assert normalise_text(typed) == expected


def test_the_import_engine_normalises_a_column_by_the_same_rule():
    cells = ["ก\u200bา\u200dร", " ๐๘๑ ", "น\u0e4d\u0e32", "plain"]
    assert normalise_column(pd.Series(cells)).tolist() == [normalise_text(c).strip() for c in cells]


def test_a_label_compares_without_case_spaces_or_invisible_characters():
    assert spelling_key(" ไฟฟ้า ส่อง\u200bสว่าง ") == spelling_key("ไฟฟ้าส่องสว่าง")
    assert spelling_key("Street Light") == "streetlight"


def test_a_typed_number_loses_thai_digits_and_thousands_commas():
    assert parse_decimal_text(" ๑,๒๐๐.๕ ") == "1200.5"
    assert parse_decimal_text(None) == ""


@pytest.mark.parametrize("known, expected", [
    ("123", "x-xxxx-xxxxx-12-3"),
    ("7", "x-xxxx-xxxxx-xx-7"),  # fewer digits known: the known ones keep their places
    ("", "x-xxxx-xxxxx-xx-x"),
    ("1234567890123", "x-xxxx-xxxxx-12-3"),  # given a whole ID, only its last three are shown
])
def test_the_mask_shows_at_most_the_last_three_digits(known, expected):
    assert mask_national_id(known) == expected


def test_the_printed_form_follows_the_card():
    assert format_national_id("1234567890121") == "1-2345-67890-12-1"


def test_bidirectional_controls_are_removed_from_typed_and_imported_text():
    spoofed = "สม\u202eศรี\u202c"  # a right-to-left override makes a name read backwards on screen
    assert normalise_text(spoofed) == "สมศรี"
    assert normalise_column(pd.Series([spoofed])).tolist() == ["สมศรี"]
