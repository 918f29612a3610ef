"""Dates for people: the Buddhist Era (พ.ศ. = ค.ศ. + 543) with Thai month names when the active
language is Thai, the ordinary Gregorian form otherwise."""

import datetime as dt

from django.utils import timezone, translation
from django.utils.formats import date_format

BE_OFFSET = 543
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
    """`24 พฤศจิกายน 2569` (or `24 พ.ย. 2569` when short) in Thai; `Nov. 24, 2026` in English."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    if not is_thai():
        return date_format(value, "SHORT_DATE_FORMAT" if short else "DATE_FORMAT")
    months = THAI_MONTHS_ABBR if short else THAI_MONTHS
    return f"{value.day} {months[value.month - 1]} {value.year + BE_OFFSET}"


def thai_datetime(value: dt.datetime | None, *, short: bool = False) -> str:
    """The date as `thai_date`, then the local time as 24-hour `HH:MM` (with `น.` in Thai)."""
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    clock = local.strftime("%H:%M")
    if not is_thai():
        return f"{date_format(local, 'SHORT_DATE_FORMAT' if short else 'DATE_FORMAT')} {clock}"
    return f"{thai_date(local, short=short)} {clock} น."
