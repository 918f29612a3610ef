"""What the smart-health services share: the scope check, error collection."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.i18n import in_active_language

from ..models import Person
from ..selectors import person_is_visible_to


def require_person_in_scope(user, person: Person) -> None:
    """Volunteers act only on members of their assigned households (selectors' scope)."""
    if not person_is_visible_to(user, person):
        raise PermissionDenied


class Errors(dict):
    """field → list of messages (read in the active language); `raise_if_any()` raises one
    ValidationError for all."""

    def add(self, field: str, message, params: dict | None = None) -> None:
        self.setdefault(field, []).append(in_active_language(message, params))

    def merge(self, other: dict) -> None:
        for field, messages in other.items():
            self.setdefault(field, []).extend(messages)

    def raise_if_any(self) -> None:
        if self:
            raise ValidationError(dict(self))


def check_date(errors: Errors, field: str, value, *, person: Person | None = None,
               allow_future: bool = False) -> None:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        errors.add(field, _("Enter a valid date."))
        return
    if not allow_future and value > timezone.localdate():
        errors.add(field, _("The date cannot be in the future."))
    if person is not None and person.birth_date and value < person.birth_date:
        errors.add(field, _("The date cannot be before the person's birth date."))


def as_int(errors: Errors, field: str, value) -> int | None:
    """A whole number from an int, a digit string or an integral float; None when empty.
    120.5 mmHg is a typing slip, not something to round silently."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        errors.add(field, _("Enter a whole number."))
        return None
    if isinstance(value, str):
        value = value.strip()
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = None
    if number is None or not number.is_integer():
        errors.add(field, _("Enter a whole number."))
        return None
    return int(number)
