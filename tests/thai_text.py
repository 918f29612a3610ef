"""What a Thai reader sees of a page, and the Latin letters in it that are not on the allow-list.

A Thai page may show Latin letters only where Thai readers expect them: proper names, codes a
person typed or will type, addresses, and the few abbreviations Thai uses as they are (README,
"คำศัพท์ที่ใช้ร่วมกัน"). Everything else on a Thai page is a missing translation, an English unit
or a machine code that should have been a label.
"""

import re
from html.parser import HTMLParser

from django_tenants.utils import schema_context

# Attributes a person reads: tooltips, what a screen reader says, a field's hint, an image's
# text, a table cell's label on a phone (CSS shows data-label), and the messages scripts show
# (data-msg-*). Every other attribute value is for the machine.
READ_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "data-label"}
READ_ATTRIBUTE_PREFIXES = ("data-msg-",)
# <input type=submit value="…"> shows its value as the button's text (a <button>'s value does not).
BUTTON_INPUT_TYPES = {"submit", "button", "reset"}
# Not text of the interface: scripts and styles; what a field holds (the person's own input);
# computer code to copy as it is (<code>, <kbd>, <samp>); and an element marked translate="no",
# HTML's own mark for content that stays as it is in any language (a file's literal content, such
# as the open-data preview of a published CSV).
SKIPPED_ELEMENTS = {"script", "style", "textarea", "code", "kbd", "samp"}
# <head> links and metadata are not shown, whatever their title says.
UNSHOWN_ELEMENTS = {"link", "meta"}
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
                 "track", "wbr"}

# Words a Thai page may show in Latin letters, each for a reason a Thai reader would accept.
ALLOWED_WORDS = {
    # The language switch names each language in itself, so an English reader finds the way out.
    "English": "the language switch",
    # Names of things Thai users call by their Latin name.
    "LINE": "the messaging app, named as Thai users name it",
    "PDPA": "พ.ร.บ. คุ้มครองข้อมูลส่วนบุคคล, known by this abbreviation",
    "GPS": "the phone's location, as Thai users call it",
    "QR": "QR code, as Thai users call it (คิวอาร์โค้ด is rarer than QR)",
    "ADL": "the Barthel ADL index, as Thai health staff name it (glossary)",
    "NCD": "non-communicable diseases, as Thai health staff and MOPH forms name them (glossary)",
    "ICD-10": "the WHO classification's name; its codes are typed as they are",
    "CHRONIC": "the name of a file of the MOPH 43 files, as health IT staff name it",
    "VILLAGE": "the name of a file of the MOPH 43 files, as health IT staff name it",
    "ARV": "the platform team's company name",
    "API": "the programming interface, as Thai IT staff name it",
    "Open311": "the standard's name (the citizen-report interface)",
    "QGIS": "a program's name", "JavaScript": "a programming language's name",
    "DCAT": "an open-data standard's name", "CKAN": "an open-data catalogue program's name",
    "JSON-LD": "an open-data format's name",
    # Long-term care (issue 23): the scheme's terms as the NHSO and the Department of Health write
    # them in Thai forms (กองทุน LTC, CM, CG, the TAI instrument and its codes, 3C's Care Plan).
    "LTC": "the NHSO long-term care scheme, as its Thai forms name it",
    "CM": "care manager, as the Department of Health's 3C names it", "CG": "caregiver, as 3C names it",
    "TAI": "the Typology of Aged with Illustration, by its name on 3C's form",
    **{code: "a TAI code on 3C's form" for code in ("B3", "C2", "C3", "C4", "I3", "I2", "I1")},
    "Care": "Care Plan, the title 3C prints on the plan", "Plan": "Care Plan, the title 3C prints",
    "3C": "the Department of Health's LTC system, by its name",
}
# File types and sizes, as a computer names them to its user (the file's extension, the size a
# file manager shows): Thai users say "ไฟล์ PDF", "10 MB".
FILE_WORDS = {
    "CSV", "Excel", "GeoJSON", "WKT", "Shapefile", "PNG", "JPEG", "WebP", "SVG", "ICO", "PDF", "XLSX",
    "DOCX", "TXT", "ZIP", "UTF-8", "TIS-620", "UTF-16", "MB", "KB",
    # The shapes a GeoJSON boundary file may hold, by their names in the file.
    "Polygon", "MultiPolygon",
}
_FILE_WORDS_UPPER = {word.upper() for word in FILE_WORDS}  # utf-8 and .csv as well as UTF-8 and CSV
# Proper names of more than one word.
ALLOWED_NAMES = ("Project Open Data", "GD Catalog", "Open Data Common", "WGS 84")

# Codes that stay as they are: addresses (web, e-mail, a page's path, a file's name), a colour as
# the theme editor takes it, a national ID masked to its last digits, an ICD-10 code, a request's
# tracking code (and the example of one), a change request's number, an SPDX licence code.
_KEPT = re.compile("|".join((
    r"(?:https?://|www\.)\S+",
    r"\b[\w-]+(?:\.[\w-]+)+(?::\d+)?/\S*",
    r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b",
    r"(?<![\w/])/(?:[\w.-]+/)+(?:[\w.-]+\.\w+)?",
    r"\b[\w-]+(?:\.[\w-]+)*\.(?:csv|xlsx|xls|zip|txt|geojson|json|jsonld|pdf|png|jpe?g|docx)\b",
    r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b",
    r"\bx-xxxx-xxxxx-\d\d-\d\b",
    r"\b[A-Z]\d\d(?:\.?\d{1,2})?\b",
    r"\b[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}\b",
    r"\bCR-\d{5}\b",
    r"\bCC(?:0|-BY(?:-SA)?)-\d\.\d\b",
)))
# A placeholder a script fills in ({n}, %(count)s): not text anyone reads.
_PLACEHOLDER = re.compile(r"\{\w+\}|%\(\w+\)[sd]")
# A word: Latin letters and digits, joined by - . _ / (so RD-0001 and ICD-10 are one word each).
_LATIN = "A-Za-z\u00c0-\u024f"
_WORD = re.compile(rf"[{_LATIN}0-9]+(?:[-_./][{_LATIN}0-9]+)*")
_HAS_LATIN = re.compile(rf"[{_LATIN}]")


class _VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipped: list[str] = []  # the open elements whose content is skipped

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if self._skipped:
            if tag == self._skipped[0] and tag not in VOID_ELEMENTS:
                self._skipped.append(tag)  # the same element nested: its end is not the end
            return
        if tag in SKIPPED_ELEMENTS or attributes.get("translate") == "no":
            if tag not in VOID_ELEMENTS:
                self._skipped.append(tag)
            return
        if tag in UNSHOWN_ELEMENTS:
            return
        for name, value in attrs:
            if value and (name in READ_ATTRIBUTES or name.startswith(READ_ATTRIBUTE_PREFIXES)):
                self.parts.append(value)
        if tag == "input" and (attributes.get("type") or "").lower() in BUTTON_INPUT_TYPES:
            self.parts.append(attributes.get("value") or "")

    def handle_startendtag(self, tag, attrs):
        if tag not in VOID_ELEMENTS:
            return  # <div/> opens nothing in HTML, but say nothing of it either
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if self._skipped and tag == self._skipped[-1]:
            self._skipped.pop()

    def handle_data(self, data):
        if not self._skipped and data.strip():
            self.parts.append(data)


def visible_text(html: str) -> list[str]:
    """The pieces of text a reader sees or hears, in page order."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return [" ".join(part.split()) for part in parser.parts]


def latin_words(texts: list[str], *, allowed: set[str] = frozenset()) -> list[tuple[str, str]]:
    """(word, the text around it) for every word with Latin letters that is neither on
    ALLOWED_WORDS, FILE_WORDS, ALLOWED_NAMES nor in `allowed` (the data of the page: codes,
    user names, proper names); addresses and codes (_KEPT) are never reported."""
    found = []
    for text in texts:
        plain = _KEPT.sub(" ", _PLACEHOLDER.sub(" ", text))
        for name in ALLOWED_NAMES:
            plain = plain.replace(name, " ")
        for match in _WORD.finditer(plain):
            word = match.group()
            if (not _HAS_LATIN.search(word) or word in ALLOWED_WORDS or word.upper() in _FILE_WORDS_UPPER
                    or word in allowed):
                continue
            if plain.startswith("…", match.end()) and any(known.startswith(word) for known in allowed):
                continue  # an allowed word cut short by truncatechars
            start, end = max(match.start() - 30, 0), match.end() + 30
            found.append((word, plain[start:end]))
    return found


# A number of 1,000 or more a person reads (a count, baht, people), written without its thousands
# separator: its digits, not glued to a Latin word, a code's dash, a path, a time or another number
# (RD-0001, 10:30, 05/01/2567, 1,234 are not). Thai letters may touch it: Thai is written without
# spaces. A decimal part is allowed (1234.50 บาท is unformatted too); a file name (1234.csv) is not.
_NUMBER = re.compile(r"(?<![A-Za-z0-9.,/:#+_-])(\d{4,})(?:\.\d+)?(?![A-Za-z0-9,/:_-]|\.[A-Za-z0-9])")
# Four digits that read as a year, in the Buddhist Era (พ.ศ. 2567) or CE (the English view, a
# source's date): the Thai year is written without a separator.
_YEARS = (range(1900, 2101), range(2400, 2701))


def unformatted_numbers(texts: list[str], *, allowed: set[str] = frozenset()) -> list[tuple[str, str]]:
    """(number, the text around it) for every number ≥ 1000 a reader sees without its thousands
    separator. Not reported: years, codes and phone numbers that start with 0 (0812345678, 04 codes),
    addresses and codes (_KEPT), and `allowed` (the page's identifiers: house IDs, subdistrict codes)."""
    found = []
    for text in texts:
        plain = _KEPT.sub(" ", _PLACEHOLDER.sub(" ", text))
        for match in _NUMBER.finditer(plain):
            digits = match.group(1)
            if (digits.startswith("0") or digits in allowed
                    or (len(digits) == 4 and any(int(digits) in years for years in _YEARS))):
                continue
            start, end = max(match.start() - 30, 0), match.end() + 30
            found.append((match.group(), plain[start:end]))
    return found


def identifiers() -> set[str]:
    """The numbers that name something rather than count it, shown as they are written: the
    government's province, district and subdistrict codes and postcodes, house IDs (รหัสบ้าน)."""
    from smarthealth.models import Household
    from tenants.models import District, Municipality, Subdistrict

    codes: set[str] = set()
    for row in Municipality.objects.values_list("province_code", "district_code", "subdistrict_code"):
        codes.update(code for code in row if code)
    codes.update(District.objects.values_list("code", flat=True))
    for code, zip_code in Subdistrict.objects.values_list("code", "zip_code"):
        codes.update(value for value in (code, zip_code) if value)
    for municipality in Municipality.objects.exclude(schema_name="public"):
        with schema_context(municipality.schema_name):
            codes.update(Household.objects.values_list("house_id", flat=True))
            codes.update(Household.objects.values_list("subdistrict_code", flat=True))
    codes.discard("")
    codes.discard(None)  # type: ignore[arg-type]
    return codes


def typed_words() -> set[str]:
    """What people typed or chose as names, shown as they are in any language: user names, asset
    codes, the municipalities' own English names, their schema and host names."""
    from accounts.models import User
    from infrastructure.models import Asset
    from tenants.models import Domain, Municipality, Theme

    words: set[str] = set()
    municipalities = list(Municipality.objects.all())
    names = [m.name_en for m in municipalities]
    names += Theme.objects.values_list("display_name_en", flat=True)
    words.update(word for name in names if name for word in re.findall(r"[\w.-]+", name))
    words.update(m.schema_name for m in municipalities)
    words.update(Domain.objects.values_list("domain", flat=True))
    words.update(User.objects.values_list("username", flat=True))
    for municipality in municipalities:
        if municipality.is_platform:
            continue
        with schema_context(municipality.schema_name):
            words.update(User.objects.values_list("username", flat=True))
            words.update(Asset.objects.values_list("code", flat=True))
    return words
