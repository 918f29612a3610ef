"""Choices that imports and forms read in Thai as well as English.

Labels are English msgids (translated in the catalogue); the Thai labels of CONTRACT §5 are also
kept here in code, so reading a Thai spreadsheet never depends on a compiled catalogue.
"""

from django.db import models
from django.utils import translation

from .text import spelling_key as _norm

_THAI_LABELS: dict[str, dict[str, str]] = {}


class ThaiLabelChoices(models.TextChoices):
    """TextChoices whose members can be found by value, English label or Thai label."""

    @classmethod
    def thai_labels(cls) -> dict[str, str]:
        return _THAI_LABELS.get(cls.__qualname__, {})

    @classmethod
    def display(cls, value: str) -> str:
        """The official Thai term (kept in code with the choices) when the language is Thai, else
        the translated label: citizens must read the same words as the municipality's paper forms.
        An unknown value is shown as it is."""
        from .thaidate import is_thai

        if value not in cls.values:
            return value
        if is_thai():
            return cls.thai_labels().get(value) or str(cls(value).label)
        return str(cls(value).label)

    @classmethod
    def from_label(cls, text: object) -> "ThaiLabelChoices | None":
        """The member named by `text` (value, English or Thai label; case and spaces ignored),
        or None."""
        key = _norm(text)
        if not key:
            return None
        thai = cls.thai_labels()
        with translation.override("en"):
            for member in cls:
                if key in (member.value, _norm(member.label), _norm(thai.get(member.value, ""))):
                    return member
        return None

    @classmethod
    def label_map(cls) -> dict[str, str]:
        """Every accepted spelling (normalised) → value, for bulk parsing."""
        mapping = {}
        with translation.override("en"):
            for member in cls:
                mapping[_norm(member.label)] = member.value
        for value, thai in cls.thai_labels().items():
            mapping[_norm(thai)] = value
        for member in cls:
            mapping[member.value] = member.value
        return mapping


def set_thai_labels(choices: type[ThaiLabelChoices], labels: dict[str, str]) -> None:
    missing = {member.value for member in choices} - set(labels)
    assert not missing, f"{choices.__name__} lacks Thai labels for {missing}"
    _THAI_LABELS[choices.__qualname__] = labels
