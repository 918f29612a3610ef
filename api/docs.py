"""The interactive API docs (/api/v1/docs) in the reader's language.

The OpenAPI document (/api/v1/openapi.json) stays as it is, in English: programs and tools read it
(CONTRACT §6), and it must not change with a cookie. The docs page is for people: it opens with an
introduction in the reader's language (what the API is, how to get a token, the errors, every
operation with its summary), and Swagger UI below it is handed a copy of the document whose
operation summaries and descriptions, tag names and field descriptions are translated (each
English text is a msgid, marked in the routers with gettext_noop so the document itself is
untouched). A text not in the catalogue stays English.

Swagger UI's own buttons and headings ("Authorize", "Try it out", "Execute", "Responses") have no
string table (its texts are written into its React components): the page hands it the reader's
words (SWAGGER_WORDS, from the catalogue) and static/js/swagger-words.js puts them in the text
nodes and labels it draws. Swagger UI is vendored with django-ninja, so its words change only
with an upgrade, which tests/browser/test_api_docs.py would catch.
"""

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import pgettext_lazy
from ninja.openapi.docs import Swagger

# The keys of the document whose text is for people; a schema's "title" is a class name.
_READ_KEYS = ("summary", "description")
_METHODS = ("get", "post", "put", "patch", "delete")


# Swagger UI's words as it writes them (trimmed), each a msgid in the "Swagger UI" context.
SWAGGER_WORDS = {english: pgettext_lazy("Swagger UI", english) for english in (
    "Try it out", "Cancel", "Execute", "Clear", "Parameters", "No parameters", "Name", "Description",
    "Request body", "Responses", "Code", "Links", "No links", "Server response", "Response body",
    "Response headers", "Request URL", "Details", "Example Value", "Example", "Examples", "Schema",
    "Schemas", "Media type", "Authorize", "Available authorizations", "Authorized", "Logout",
    "Close", "Value:", "Download", "Servers", "Copy to clipboard", "Send empty value", "Reset",
    "Edit Value", "Request duration", "Expand operation", "Collapse operation", "Filter by tag",
    "Parameter content type", "Response content type", "Undocumented", "Hide", "Show",
    "authorization button unlocked", "authorization button locked", "Warning: Deprecated",
    "Available values", "Default value", "Error:",
    # "Controls <code>Accept</code> header.": three text nodes, the middle one a header's name.
    "Controls", "header.",
)}
# Where a parameter goes, shown "(query)": translated only in that cell (api/… words elsewhere).
SWAGGER_PLACES = {english: pgettext_lazy("Swagger UI: parameter in", english)
                  for english in ("query", "path", "header", "cookie", "formData")}


def swagger_words() -> dict:
    """{"words": …, "places": …} for the active language: English → the reader's word, only the
    words that differ (none for an English reader)."""
    return {name: {english: str(word) for english, word in table.items() if str(word) != english}
            for name, table in (("words", SWAGGER_WORDS), ("places", SWAGGER_PLACES))}


def _json_block(value: Any) -> str:
    """JSON for a data block in the page: no "</script>" can end it early (as json_script does)."""
    data = json.dumps(value, ensure_ascii=False)
    for character, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        data = data.replace(character, escaped)
    return data


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
        return render(request, self.template, {
            "swagger_settings": _json_block(settings), "swagger_words": _json_block(swagger_words()),
            "api": api, "title": document["info"]["title"],
            "words": {key: SWAGGER_WORDS[english] for key, english in (
                ("authorize", "Authorize"), ("try", "Try it out"), ("execute", "Execute"),
                ("responses", "Responses"))},
            "openapi_url": openapi_url, "operations": operations(document),
            # A token in the Authorization header is no cookie: no CSRF token to send (as ninja
            # decides for an API whose authentication does not ask for one).
            "add_csrf": any(getattr(auth, "csrf", False) for auth in api.auth or ()),
        })
