"""Thai text as people type it and as files carry it, made comparable.

What differs between two spellings of the same thing in Thai offices: Thai digits (๐–๙), zero-width
characters pasted from web pages and LINE, a byte-order mark at the start of a cell, the decomposed
sara am (nikhahit + sara aa, U+0E4D U+0E32) that some keyboards and fonts produce, and spaces.
"""

import re
import unicodedata

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
THAI_DIGIT_RE = re.compile("[๐-๙]")
# Zero-width space / non-joiner / joiner, word joiner and the BOM (a zero-width no-break space).
ZERO_WIDTH_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_SARA_AM_DECOMPOSED = "\u0e4d\u0e32"
_SARA_AM = "\u0e33"


def ascii_digits(text: str) -> str:
    """Thai digits made ASCII: `๑๒๓` → `123`; everything else unchanged."""
    return text.translate(THAI_DIGITS)


def normalise_text(value: object) -> str:
    """NFC, the decomposed sara am recomposed, zero-width and bidirectional control characters
    removed (a right-to-left override can make a name read backwards on screen), Thai digits made
    ASCII. Spaces are left as they are (see `spelling_key` to compare labels).

    Each step first looks (a C scan) and rewrites only when it must: the import engine runs this
    over a whole column joined into one string, and most columns need none of it."""
    text = "" if value is None else str(value)
    if text.isascii():
        return text
    text = unicodedata.normalize("NFC", text).replace(_SARA_AM_DECOMPOSED, _SARA_AM)
    if ZERO_WIDTH_RE.search(text):
        text = ZERO_WIDTH_RE.sub("", text)
    if BIDI_CONTROL_RE.search(text):
        text = BIDI_CONTROL_RE.sub("", text)
    if THAI_DIGIT_RE.search(text):
        text = text.translate(THAI_DIGITS)
    return text


def parse_decimal_text(value: object) -> str:
    """A number as staff type it, ready for Decimal/float: Thai digits, thousands commas and outer
    spaces removed (`๑,๒๐๐.๕` → `1200.5`). The caller decides what is a valid number."""
    return ascii_digits("" if value is None else str(value)).replace(",", "").strip()


def spelling_key(value: object) -> str:
    """`normalise_text` with every space removed and lower-cased: how a header or a choice label
    typed by staff is compared (Thai puts no spaces between words, so staff put them anywhere:
    `ไฟฟ้า ส่องสว่าง` and `ไฟฟ้าส่องสว่าง` are one label)."""
    return "".join(normalise_text(value).split()).lower()


# Bidirectional formatting characters: LRE, RLE, PDF, LRO, RLO (U+202A–U+202E), the isolates
# LRI, RLI, FSI, PDI (U+2066–U+2069), the LRM / RLM marks (U+200E, U+200F) and the Arabic letter
# mark (U+061C). Neither Thai nor English names need them; in a name they make a list, an export
# or an audit trail show text in another order than it was typed (a "right-to-left override"
# spoof, e.g. a name that renders as someone else's, or a file name whose extension is hidden).
BIDI_CONTROL_RE = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def strip_bidi_controls(value: object) -> str:
    """`value` as text without bidirectional formatting characters (BIDI_CONTROL_RE); everything
    else, spaces included, unchanged. For names and other short labels people type or import."""
    text = "" if value is None else str(value)
    if text.isascii():
        return text
    return BIDI_CONTROL_RE.sub("", text)
