"""Template filters for Buddhist-Era dates, the platform's stored notes and the map libraries'
words in the reader's language; a builtin library, so every template has them."""

from django import template

from kernel.stored_text import stored_text
from kernel.thaidate import thai_date, thai_datetime

from ..map_words import map_words

register = template.Library()


@register.filter(name="thaidate")
def thaidate_filter(value, style=""):
    return thai_date(value, short=style == "short")


@register.filter(name="thaidatetime")
def thaidatetime_filter(value, style=""):
    return thai_datetime(value, short=style == "short")


@register.filter(name="stored_text")
def stored_text_filter(value):
    """A note the platform wrote among people's notes, in the reader's language (kernel.stored_text)."""
    return stored_text(value) if value else value


@register.simple_tag(name="map_words")
def map_words_tag() -> dict:
    return map_words()
