"""Error pages that render without the pages' layout: a request Django could not read (400), a bug
(500), what the request guard refuses or cannot serve (400, 413, 429, 503 while the database is
away), and a closed municipality's host (410, 503).

They speak the reader's language, read from the language cookie (kernel.i18n.chosen_language),
so they need no session and no database, and show the municipality's name and colours when they
are already known: the municipality the host serves (request.tenant, set by routing) and its
theme if this request already read it (tenants.context_processors keeps it on the request). This
module never queries for them, since it may be answering a database outage; a caller that can
afford the query passes them (the closed host's page, the 500 page).
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

from .i18n import chosen_language


def standalone_page(request: HttpRequest, template: str, context: dict[str, Any], *, status: int,
                    municipality: Any = None, theme: dict[str, Any] | None = None) -> HttpResponse:
    """`template` (which extends error_base.html) in the reader's language, answered with `status`.
    `municipality` and `theme` default to what the request already knows."""
    if municipality is None:
        tenant = getattr(request, "tenant", None)
        municipality = None if tenant is None or getattr(tenant, "is_platform", True) else tenant
        theme = theme if theme is not None else getattr(request, "_theme_context", None)
    language = chosen_language(request)
    with translation.override(language):
        html = render_to_string(template, {
            "language": language, "municipality": municipality, "theme": theme, **context})
    response = HttpResponse(html, status=status)
    response["Content-Language"] = language
    response["Cache-Control"] = "no-store"
    return response
