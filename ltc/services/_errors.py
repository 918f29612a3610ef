"""Collecting a service's field errors into one ValidationError."""

from django.core.exceptions import ValidationError

from kernel.i18n import in_active_language


class Errors(dict):
    def add(self, field: str, message, params: dict | None = None) -> None:
        self.setdefault(field, []).append(in_active_language(message, params))

    def raise_if_any(self) -> None:
        if self:
            raise ValidationError(dict(self))
