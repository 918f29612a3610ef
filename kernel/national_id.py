"""The Thai national ID (เลขประจำตัวประชาชน): 13 digits, the last a check digit of the first 12.

One definition for forms, imports, services, selectors and screens: how it is read from what
people type, checked, printed and masked.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .i18n import in_active_language
from .text import ascii_digits

# Excel shows a long number as 1.23457E+12 (the cell was numeric, not text).
SCIENTIFIC_RE = re.compile(r"^\s*[0-9.,]+\s*[eE]\s*[+-]?\s*\d+\s*$")
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015.]")
_MASK = "x"


def check_digit(first12: str) -> int:
    """The 13th digit for the first 12: (11 − Σ digitᵢ × (13 − i)) mod 11, last decimal digit."""
    total = sum(int(digit) * (13 - i) for i, digit in enumerate(first12))
    return (11 - total % 11) % 10


def national_id_is_valid(cid: str) -> bool:
    """13 ASCII digits whose last digit is the check digit of the first 12."""
    return (
        isinstance(cid, str) and len(cid) == 13 and cid.isascii() and cid.isdigit()
        and check_digit(cid[:12]) == int(cid[12])
    )


def normalise_national_id(value: object) -> str:
    """The 13 plain digits of a national ID typed or imported in any usual form.

    Dashes, spaces, dots and Thai digits are accepted; leading zeros are kept. Raises
    ValidationError (code "scientific", "format" or "checksum") with a Thai / English message.
    """
    if isinstance(value, float) or (isinstance(value, str) and SCIENTIFIC_RE.match(value)):
        # Excel keeps only 6 significant digits of such a number: the real ID cannot be
        # recovered, so say exactly that rather than "wrong checksum".
        raise ValidationError(
            in_active_language(_("The national ID was turned into a number by Excel (%(value)s) and "
                                 "its digits are lost; format the column as text and enter it again."),
                               {"value": str(value).strip()}),
            code="scientific",
        )
    text = "" if value is None else str(value)
    digits = _SEPARATORS.sub("", ascii_digits(text))
    if not (len(digits) == 13 and digits.isascii() and digits.isdigit()):
        raise ValidationError(_("A national ID has exactly 13 digits."), code="format")
    if not national_id_is_valid(digits):
        raise ValidationError(
            _("This national ID is not valid (its check digit does not match)."),
            code="checksum",
        )
    return digits


def format_national_id(cid: str) -> str:
    """`1234567890123` → `1-2345-67890-12-3` (the way it is printed on the card)."""
    return f"{cid[0]}-{cid[1:5]}-{cid[5:10]}-{cid[10:12]}-{cid[12]}"


def mask_national_id(last3: str) -> str:
    """Only the last three digits, for lists and screens: `x-xxxx-xxxxx-12-3`. Fewer than three
    known digits are padded with `x` on the left, so the known ones stay in their places."""
    last3 = (last3 or "")[-3:].rjust(3, _MASK)
    return f"{_MASK}-{_MASK * 4}-{_MASK * 5}-{last3[:2]}-{last3[2]}"
