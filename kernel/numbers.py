"""Numbers as people read them: a count, baht or people with the thousands separator (1,234), in
Thai and English alike. Templates use `intcomma` / `floatformat:"0g"`; Python that builds text for
a page (a chart's tooltip, a table cell) uses `grouped`. Codes and years are not numbers to group:
pass them as text."""

from decimal import Decimal

from django.utils import formats


def grouped(value: int | float | Decimal | str | None) -> str:
    """`value` (an int, a Decimal, a float) with the active language's thousands separator; None
    and text as they are."""
    if value is None or isinstance(value, (str, bool)):
        return "" if value is None else str(value)
    return formats.number_format(Decimal(value) if isinstance(value, int) else value, use_l10n=True,
                                 force_grouping=True)
