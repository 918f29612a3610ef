"""The interactive API docs (/api/v1/docs) in the reader's language.

The OpenAPI document (/api/v1/openapi.json) stays as it is, in English: programs and tools read it
(CONTRACT §6), and it must not change with a cookie. The docs page is for people: it opens with an
introduction in the reader's language (what the API is, how to get a token, the errors, every
operation with its summary), and Swagger UI below it is handed a copy of the document whose
operation summaries and descriptions, tag names and field descriptions are translated (each
English text is a msgid, marked in the routers with gettext_noop so the document itself is
untouched). A text not in the catalogue stays English.

Swagger UI's own buttons and headings ("Authorize", "Try it out", "Execute", "Responses") stay
English: Swagger UI has no way to translate its interface (no locale option or string table; its
texts are written into its React components), and rewriting its page after it draws would break
with each of its releases. The introduction says so to a Thai reader, and tells in Thai what each
of those buttons does.
"""

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from ninja.openapi.docs import Swagger

# The keys of the document whose text is for people; a schema's "title" is a class name.
_READ_KEYS = ("summary", "description")
_METHODS = ("get", "post", "put", "patch", "delete")


def _translated(text: str) -> str:
    return translation.gettext(text) if text else text


def _localise(node: Any) -> Any:
    """A copy of the document with every summary and description in the active language."""
    if isinstance(node, dict):
        copy = {}
        for key, value in node.items():
            if key in _READ_KEYS and isinstance(value, str):
                copy[key] = _translated(value)
            elif key == "tags" and isinstance(value, list) and all(isinstance(tag, str) for tag in value):
                copy[key] = [translation.pgettext("API tag", tag) for tag in value]
            else:
                copy[key] = _localise(value)
        return copy
    if isinstance(node, list):
        return [_localise(item) for item in node]
    return node


def localised_document(document: dict) -> dict:
    """The OpenAPI document as a reader of the active language reads it (titles of the API too)."""
    copy = _localise(json.loads(json.dumps(document)))
    info = copy.get("info", {})
    if info.get("title"):
        info["title"] = _translated(info["title"])
    return copy


def operations(document: dict) -> list[dict]:
    """Method, path and summary of every operation, in the document's order."""
    return [{"method": method.upper(), "path": path, "summary": operation.get("summary", ""),
             "tag": (operation.get("tags") or [""])[0]}
            for path, item in document.get("paths", {}).items()
            for method, operation in item.items() if method in _METHODS]


class CitySwagger(Swagger):
    """ninja's Swagger page with the introduction and the translated document (see above)."""

    template = "api/docs.html"

    def render_page(self, request: HttpRequest, api, **kwargs: Any) -> HttpResponse:
        openapi_url = self.get_openapi_url(api, kwargs)
        document = localised_document(api.get_openapi_schema(path_params=kwargs))
        # The translated copy goes in the page itself (a JSON data block, never run as script);
        # the address of the untouched document is linked in the introduction.
        settings = {**self.settings, "spec": document}
        settings.pop("url", None)
        data = json.dumps(settings, ensure_ascii=False)
        for character, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
            data = data.replace(character, escaped)  # as json_script does: no "</script>" inside
        return render(request, self.template, {
            "swagger_settings": data, "api": api, "title": document["info"]["title"],
            "openapi_url": openapi_url, "operations": operations(document),
            # A token in the Authorization header is no cookie: no CSRF token to send (as ninja
            # decides for an API whose authentication does not ask for one).
            "add_csrf": any(getattr(auth, "csrf", False) for auth in api.auth or ()),
        })
