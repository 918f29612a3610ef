"""Responses that show personal data are never kept by a browser or a proxy (`Cache-Control:
no-store`): a shared computer in a health office, the browser's back button after signing out, a
caching proxy in front of the municipality. Two ways to say a view shows personal data:

- `@personal_data` on the view (it marks the view and sets the headers itself, so it works in a
  test without the middleware too);
- its module under one of the prefixes in settings.PERSONAL_DATA_VIEW_MODULES (every view of the
  smart-health app), which PersonalDataNoStoreMiddleware applies — also to the error pages those
  views answer with, and to any view added there later without remembering the decorator.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

MARKER = "personal_data"
View = Callable[..., HttpResponse]


def _no_store(response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private; Expires now
    return response


def personal_data(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return _no_store(view(request, *args, **kwargs))

    setattr(wrapped, MARKER, True)
    return wrapped


def is_personal_view(view: Callable[..., Any]) -> bool:
    if getattr(view, MARKER, False):
        return True
    module = getattr(view, "__module__", None) or ""
    prefixes = tuple(getattr(settings, "PERSONAL_DATA_VIEW_MODULES", ()))
    return bool(prefixes) and module.startswith(prefixes)


class PersonalDataNoStoreMiddleware:
    def __init__(self, get_response: View):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response: HttpResponse = self.get_response(request)
        if getattr(request, "personal_data_view", False):
            _no_store(response)
        return response

    def process_view(self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any,
                     view_kwargs: Any) -> None:
        request.personal_data_view = is_personal_view(view_func)  # type: ignore[attr-defined]
        return None
