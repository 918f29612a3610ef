"""Money in the reader's language: baht with thousands separators and two decimals."""

from django import template
from django.utils import formats

register = template.Library()


@register.filter(name="baht")
def baht(value):
    if value in (None, ""):
        return "–"
    return formats.number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)
