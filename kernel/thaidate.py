"""Dates for people: the Buddhist Era (พ.ศ. = ค.ศ. + 543) with Thai month names when the active
language is Thai, the ordinary Gregorian form otherwise."""

import datetime as dt

from django.utils import timezone, translation
from django.utils.formats import date_format

BE_OFFSET = 543
ENGLISH_LONG, ENGLISH_SHORT = "j F Y", "d/m/Y"
THAI_MONTHS = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)
THAI_MONTHS_ABBR = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)

# A Thai month as people write it (full name, abbreviation, abbreviation without its dots) → 1–12.
MONTH_NUMBERS: dict[str, int] = {
    spelling: month
    for month, (name, abbr) in enumerate(zip(THAI_MONTHS, THAI_MONTHS_ABBR, strict=True), 1)
    for spelling in (name, abbr, abbr.replace(".", ""))
}


def is_thai() -> bool:
    """Whether the active language is Thai (the default when none is active)."""
    return (translation.get_language() or "th").split("-")[0] == "th"


def thai_date(value: dt.date | dt.datetime | None, *, short: bool = False) -> str:
    """`24 พฤศจิกายน 2569` (or `24 พ.ย. 2569` when short) in Thai; `24 November 2026` (or
    `24/11/2026`) in English — day first, as Thai readers of English expect, never US order."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    if not is_thai():
        return date_format(value, ENGLISH_SHORT if short else ENGLISH_LONG)
    months = THAI_MONTHS_ABBR if short else THAI_MONTHS
    return f"{value.day} {months[value.month - 1]} {value.year + BE_OFFSET}"


def thai_datetime(value: dt.datetime | None, *, short: bool = False) -> str:
    """The date as `thai_date`, then the local time as 24-hour `HH:MM` (with `น.` in Thai)."""
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    clock = local.strftime("%H:%M")
    if not is_thai():
        return f"{date_format(local, ENGLISH_SHORT if short else ENGLISH_LONG)} {clock}"
    return f"{thai_date(local, short=short)} {clock} น."


def export_date(value: dt.date | dt.datetime | None) -> str:
    """A date in a spreadsheet people read: `15/06/2567` (day/month/Buddhist year) in Thai,
    `15/06/2024` in English — day first in both, and what the imports read back."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    year = value.year + BE_OFFSET if is_thai() else value.year
    return f"{value.day:02d}/{value.month:02d}/{year}"


def export_datetime(value: dt.datetime | None) -> str:
    """A moment in a spreadsheet people read: `export_date`, then the local time `HH:MM`
    (`05/12/2569 14:30`) — what the imports read back."""
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{export_date(local)} {local:%H:%M}"

