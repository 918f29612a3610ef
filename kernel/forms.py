"""Form fields every module shares.

ThaiDateField: people in Thai offices type dates as dd/mm/yyyy in the Buddhist Era (พ.ศ.).
"""

import datetime as dt
import re
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .text import ascii_digits
from .thaidate import BE_OFFSET, MONTH_NUMBERS, is_thai

# A year from 2400 up is Buddhist Era (2400 BE = 1857 CE; no CE year we handle is that late).
BE_THRESHOLD = 2400
MIN_YEAR, MAX_YEAR = 1850, 2200  # CE, after conversion: anything else is a typing slip

_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_THAI_MONTH = re.compile(r"^(\d{1,2})\s*([ก-๙.]+)\s*(\d{4})$")


def _to_ce(year: int) -> int:
    return year - BE_OFFSET if year >= BE_THRESHOLD else year


def parse_thai_date(value: object) -> dt.date:
    """A date from `dd/mm/yyyy` (BE ≥ 2400 or CE), ISO `yyyy-mm-dd`, Thai digits or a Thai
    month name (`5 ม.ค. 2510`). 2510 is always BE (1967). ValidationError when unreadable."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = ascii_digits(str(value or "").strip())
    parts: tuple[int, ...] | None = None
    if match := _DMY.match(text):
        day, month, year = (int(g) for g in match.groups())
        parts = (year, month, day)
    elif match := _ISO.match(text):
        parts = tuple(int(g) for g in match.groups())
    elif (match := _THAI_MONTH.match(text)) and match.group(2) in MONTH_NUMBERS:
        parts = (int(match.group(3)), MONTH_NUMBERS[match.group(2)], int(match.group(1)))
    if parts is not None:
        year, month, day = parts
        year = _to_ce(year)
        if MIN_YEAR <= year <= MAX_YEAR:
            try:
                return dt.date(year, month, day)
            except ValueError:
                pass
    raise ValidationError(
        _("Enter a date as day/month/year, e.g. 05/01/2510 (Buddhist Era) or 05/01/1967."),
        code="invalid",
    )


class ThaiDateInput(forms.TextInput):
    """Shows a date as dd/mm/yyyy with the Buddhist-Era year in Thai, the CE year otherwise."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        # Lazy: the widget is made once with its form class, the hint is read in the reader's language.
        super().__init__({"inputmode": "numeric", "placeholder": _("dd/mm/yyyy"), **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, dt.date):
            year = value.year + BE_OFFSET if is_thai() else value.year
            return f"{value.day:02d}/{value.month:02d}/{year}"
        return cast(str | None, super().format_value(value))


class ThaiDateField(forms.DateField):
    """A date field that reads the ways Thai staff write dates (see parse_thai_date).

    `past_only=True` (birth dates) rejects dates after today.
    """

    widget = ThaiDateInput

    def __init__(self, *, past_only: bool = False, **kwargs: Any) -> None:
        self.past_only = past_only
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> dt.date | None:
        if value in self.empty_values:
            return None
        return parse_thai_date(value)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if self.past_only and value and value > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."), code="future")


class ThaiBirthDateField(ThaiDateField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("past_only", True)
        super().__init__(**kwargs)


def form_add_service_errors(form: forms.Form, error: ValidationError, *,
                            aliases: dict[str, str] | None = None,
                            non_field: frozenset[str] | set[str] = frozenset(),
                            unnamed: str | None = None) -> None:
    """Show a service's ValidationError on the form that fed it.

    Each error goes next to the field it names (`aliases` maps a service's field name to the
    form's, e.g. `{"location": "lat"}`); a field the form does not have, a name in `non_field`,
    or an error with no field goes to the top of the form (or to the field `unnamed`), so no
    message is ever lost."""
    aliases = aliases or {}
    if not hasattr(error, "error_dict"):
        form.add_error(unnamed if unnamed in form.fields else None, error)
        return
    for name, errors in error.error_dict.items():
        field = aliases.get(name, name)
        form.add_error(field if field in form.fields and name not in non_field else None, errors)
