"""Django's error handlers (handler400/403/404/500 in both URL confs) and the CSRF failure page:
friendly, in the reader's language, in the municipality's look, with a way back.

The language is the reader's choice (kernel.i18n.chosen_language) also when the error comes
before the locale middleware ran: an unknown host's 404, a host Django refuses (400). 400 and 500
render without the database (kernel.error_pages); 403 and 404 are the full layout (base.html).
"""

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token

from kernel.error_pages import standalone_page
from kernel.i18n import chosen_language
from tenants.context_processors import theme_context


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return standalone_page(request, "400.html", {}, status=400)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    with translation.override(chosen_language(request)):
        return defaults.permission_denied(request, exception)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    with translation.override(chosen_language(request)):
        return defaults.page_not_found(request, exception)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    return standalone_page(request, "500.html", {}, status=500, **_look(request))


def _look(request: HttpRequest) -> dict:
    """The municipality and its theme for the 500 page. A database outage never reaches here
    (the request guard answers it with 503), but the bug may have left the connection unusable:
    then the page keeps the platform's colours rather than fail in turn."""
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.is_platform or hasattr(request, "_theme_context"):
        return {}
    try:
        theme = theme_context(tenant)
    except DatabaseError:
        return {}
    return {"municipality": tenant, "theme": theme}


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent after its page went stale (signed out meanwhile, opened in another tab), or
    with cookies blocked: say what to do, not Django's "CSRF verification failed"."""
    return render(request, "403_csrf.html", status=403)
