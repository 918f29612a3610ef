"""Template filters for Buddhist-Era dates; a builtin library, so every template has them."""

from django import template

from kernel.thaidate import thai_date, thai_datetime

register = template.Library()


@register.filter(name="thaidate")
def thaidate_filter(value, style=""):
    return thai_date(value, short=style == "short")


@register.filter(name="thaidatetime")
def thaidatetime_filter(value, style=""):
    return thai_datetime(value, short=style == "short")
