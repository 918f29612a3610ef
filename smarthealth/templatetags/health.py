"""Template helpers of the smart-health pages."""

from django import template

from ..selectors import condition_names

register = template.Library()


@register.simple_tag(takes_context=True)
def condition_list(context, codes) -> str:
    """A person's chronic conditions by name in the reader's language (เบาหวาน, ความดันโลหิตสูง),
    "—" for none; the names are read once per page, not once per row."""
    names = context.render_context.get("condition_names")
    if names is None:
        names = context.render_context["condition_names"] = condition_names()
    return ", ".join(names.get(code, code) for code in codes or []) or "—"
