"""The clinical and registry tables of smarthealth.rules, at their boundaries."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from kernel.forms import ThaiBirthDateField, ThaiDateField, ThaiDateInput, parse_thai_date
from kernel.national_id import (
    check_digit,
    format_national_id,
    mask_national_id,
    national_id_is_valid,
    normalise_national_id,
)
from smarthealth.rules import (
    BARTHEL_ITEMS,
    AdlGroup,
    NcdColour,
    adl_group,
    adl_score,
    ncd_colour,
    vitals_errors,
)

# Computed by hand with the checksum: sum(d[i] * (13 - i)) for i < 12, check (11 - sum % 11) % 10.
KNOWN_VALID = ["1101700207030", "3100600123450", "1234567890121"]


def test_it_knows_the_checksum_of_hand_computed_ids():
    # 1234567890121: 1·13+2·12+3·11+4·10+5·9+6·8+7·7+8·6+9·5+0·4+1·3+2·2 = 352; 352 % 11 = 0;
    # (11 − 0) % 10 = 1.
    assert check_digit("123456789012") == 1
    for cid in KNOWN_VALID:
        assert national_id_is_valid(cid), cid
    assert not national_id_is_valid("1234567890122")
    assert not national_id_is_valid("123456789012")
    assert not national_id_is_valid("12345678901a1")


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_twelve_digits_and_their_check_digit_are_valid(first12):
    assert national_id_is_valid(first12 + str(check_digit(first12)))


def _residue(first12: str) -> int:
    return sum(int(digit) * (13 - i) for i, digit in enumerate(first12)) % 11


@given(st.text(alphabet="0123456789", min_size=12, max_size=12), st.integers(0, 12),
       st.integers(1, 9))
def test_a_single_digit_change_is_caught_except_the_schemes_known_blind_spots(first12, position, delta):
    """The official checksum does NOT catch every single-digit change, and the test says so: the
    third digit has weight 11 (≡ 0 mod 11), and residues 0 and 10 both give check digit 1. Every
    other single-digit change, and any change of the check digit itself, is caught."""
    cid = first12 + str(check_digit(first12))
    changed = cid[:position] + str((int(cid[position]) + delta) % 10) + cid[position + 1:]
    if position == 12:
        assert not national_id_is_valid(changed)
        return
    blind = position == 2 or {_residue(cid[:12]), _residue(changed[:12])} == {0, 10}
    assert national_id_is_valid(changed) == blind


def test_it_normalises_dashes_spaces_and_thai_digits():
    assert normalise_national_id("1-2345-67890-12-1") == "1234567890121"
    assert normalise_national_id(" 1 2345 67890 12 1 ") == "1234567890121"
    assert normalise_national_id("๑๒๓๔๕๖๗๘๙๐๑๒๑") == "1234567890121"
    assert normalise_national_id("0-1234-56789-01-6") == "0123456789016"


@pytest.mark.parametrize("value", ["1.23457E+12", "1.23457e+12", 1.23457e12])
def test_it_rejects_a_number_excel_mangled_with_the_reason(value):
    with pytest.raises(ValidationError) as excinfo:
        normalise_national_id(value)
    assert excinfo.value.code == "scientific"
    assert "Excel" in excinfo.value.messages[0]


@pytest.mark.parametrize(("value", "code"), [
    ("123456789012", "format"), ("12345678901234", "format"), ("", "format"), (None, "format"),
    ("abcdefghijklm", "format"), ("1234567890122", "checksum"),
])
def test_it_rejects_malformed_ids(value, code):
    with pytest.raises(ValidationError) as excinfo:
        normalise_national_id(value)
    assert excinfo.value.code == code


def test_it_formats_and_masks_ids():
    assert format_national_id("1234567890123") == "1-2345-67890-12-3"
    assert mask_national_id("123") == "x-xxxx-xxxxx-12-3"


# --- ADL ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("score", "group"), [
    (0, AdlGroup.BEDBOUND), (4, AdlGroup.BEDBOUND), (5, AdlGroup.HOMEBOUND),
    (11, AdlGroup.HOMEBOUND), (12, AdlGroup.SOCIAL), (20, AdlGroup.SOCIAL),
])
def test_adl_groups_at_their_boundaries(score, group):
    assert adl_group(score) == group


@pytest.mark.parametrize("score", [-1, 21, 4.5, None, True])
def test_adl_scores_outside_0_to_20_are_rejected(score):
    with pytest.raises(ValueError):
        adl_group(score)


def test_the_barthel_items_add_up_to_20():
    assert len(BARTHEL_ITEMS) == 10
    assert sum(item.max_score for item in BARTHEL_ITEMS) == 20
    full = {item.code: item.max_score for item in BARTHEL_ITEMS}
    assert adl_score(full) == 20
    with pytest.raises(ValidationError):
        adl_score({**full, "transfer": 4})
    with pytest.raises(ValidationError):
        adl_score({k: v for k, v in full.items() if k != "bathing"})


# --- NCD 7 colours ------------------------------------------------------------------------------
def colour(sbp=None, dbp=None, fbs=None, *, diagnosed=False, complication=False):
    return ncd_colour(sbp=sbp, dbp=dbp, fbs=fbs, diagnosed=diagnosed, complication=complication)


@pytest.mark.parametrize(("sbp", "dbp", "expected"), [
    (119, 79, NcdColour.WHITE), (120, 70, NcdColour.LIGHT_GREEN), (110, 80, NcdColour.LIGHT_GREEN),
    (139, 89, NcdColour.LIGHT_GREEN), (140, 80, NcdColour.YELLOW), (130, 90, NcdColour.YELLOW),
    (159, 99, NcdColour.YELLOW), (160, 90, NcdColour.ORANGE), (150, 100, NcdColour.ORANGE),
    (179, 109, NcdColour.ORANGE), (180, 90, NcdColour.RED), (150, 110, NcdColour.RED),
])
def test_blood_pressure_of_people_not_diagnosed(sbp, dbp, expected):
    assert colour(sbp, dbp) == expected


@pytest.mark.parametrize(("fbs", "expected"), [
    (99, NcdColour.WHITE), (100, NcdColour.LIGHT_GREEN), (125, NcdColour.LIGHT_GREEN),
    (126, NcdColour.YELLOW), (154, NcdColour.YELLOW), (155, NcdColour.ORANGE),
    (182, NcdColour.ORANGE), (183, NcdColour.RED),
])
def test_glucose_of_people_not_diagnosed(fbs, expected):
    assert colour(fbs=fbs) == expected


@pytest.mark.parametrize(("sbp", "dbp", "fbs", "expected"), [
    (139, 89, 125, NcdColour.DARK_GREEN), (100, 60, 90, NcdColour.DARK_GREEN),
    (140, 80, 100, NcdColour.YELLOW), (130, 90, None, NcdColour.YELLOW),
    (None, None, 126, NcdColour.YELLOW), (159, 99, 154, NcdColour.YELLOW),
    (160, 80, None, NcdColour.ORANGE), (120, 100, None, NcdColour.ORANGE),
    (None, None, 155, NcdColour.ORANGE), (179, 109, 182, NcdColour.ORANGE),
    (180, 80, None, NcdColour.RED), (120, 110, None, NcdColour.RED), (None, None, 183, NcdColour.RED),
])
def test_people_diagnosed_with_dm_or_ht(sbp, dbp, fbs, expected):
    assert colour(sbp, dbp, fbs, diagnosed=True) == expected


def test_a_complication_is_black_and_the_worst_value_wins():
    assert colour(120, 70, 90, diagnosed=True, complication=True) == NcdColour.BLACK
    assert colour(120, 70, 190, diagnosed=True) == NcdColour.RED
    assert colour(185, 70, 90) == NcdColour.RED
    with pytest.raises(ValueError):
        colour()


SEVERITY = list(NcdColour)


@given(st.integers(50, 300), st.integers(30, 200), st.integers(20, 700), st.booleans())
def test_higher_values_never_give_a_milder_colour(sbp, dbp, fbs, diagnosed):
    base = colour(sbp, dbp, fbs, diagnosed=diagnosed)
    higher = colour(sbp + 1, dbp + 1, fbs + 1, diagnosed=diagnosed)
    assert SEVERITY.index(higher) >= SEVERITY.index(base)
    if diagnosed:
        assert base not in (NcdColour.WHITE, NcdColour.LIGHT_GREEN)
    else:
        assert base != NcdColour.DARK_GREEN


# --- physical ranges ----------------------------------------------------------------------------
def test_systolic_must_exceed_diastolic():
    assert "sbp" in vitals_errors(sbp=80, dbp=80)
    assert "sbp" in vitals_errors(sbp=70, dbp=80)
    assert vitals_errors(sbp=81, dbp=80) == {}
    assert vitals_errors(sbp=120) != {}


@pytest.mark.parametrize(("fbs", "ok"), [(19, False), (20, True), (700, True), (701, False)])
def test_glucose_range(fbs, ok):
    assert ("fbs" not in vitals_errors(fbs=fbs)) == ok


def test_weight_and_pressure_ranges():
    assert "weight_kg" in vitals_errors(weight_kg=0)
    assert "weight_kg" in vitals_errors(weight_kg=301)
    assert "sbp" in vitals_errors(sbp=301, dbp=80)
    assert "dbp" in vitals_errors(sbp=120, dbp=29)


# --- Buddhist-Era dates -------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("05/01/2510", dt.date(1967, 1, 5)), ("5/1/1967", dt.date(1967, 1, 5)),
    ("1967-01-05", dt.date(1967, 1, 5)), ("๐๕/๐๑/๒๕๑๐", dt.date(1967, 1, 5)),
    ("5 ม.ค. 2510", dt.date(1967, 1, 5)), ("5 มกราคม 2510", dt.date(1967, 1, 5)),
    ("2510-01-05", dt.date(1967, 1, 5)), ("29/02/2567", dt.date(2024, 2, 29)),
])
def test_dates_are_read_in_the_buddhist_era_or_ce(text, expected):
    assert parse_thai_date(text) == expected


@pytest.mark.parametrize("text", ["31/02/2510", "05/01/67", "hello", "05/13/2510", "01/01/2300"])
def test_unreadable_dates_are_rejected(text):
    with pytest.raises(ValidationError):
        parse_thai_date(text)


def test_a_birth_date_field_rejects_the_future_and_shows_the_buddhist_year():
    with pytest.raises(ValidationError):
        ThaiBirthDateField().clean(f"01/01/{dt.date.today().year + 544}")
    assert ThaiBirthDateField().clean("05/01/2510") == dt.date(1967, 1, 5)
    assert ThaiDateField().clean(f"01/01/{dt.date.today().year + 544}").year == dt.date.today().year + 1
    from django.utils import translation

    with translation.override("th"):
        assert ThaiDateInput().format_value(dt.date(1967, 1, 5)) == "05/01/2510"
    with translation.override("en"):
        assert ThaiDateInput().format_value(dt.date(1967, 1, 5)) == "05/01/1967"
