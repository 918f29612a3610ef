"""Searches that must not travel in a URL: a national ID or a person's name typed into a search box
ends up in the server's access log, the browser's history and every proxy's log once it is in a
query string. Such a form posts (with its CSRF token); the query is kept in the user's session
under a random key, and the result pages (a redirect after the POST, the page links) carry only
that key: `?s=<key>&page=2`.

The session is server-side (PostgreSQL), so the query stays there; a caller that can keep
something less revealing than the typed text keeps that instead (the national ID's keyed hash,
not the digits). A key is good for the session that made it and for one scope only, and for
SEARCH_MAX_AGE seconds; each session remembers its SEARCH_KEEP latest searches.
"""

import secrets
import time
from typing import Any

from django.http import HttpRequest

SESSION_KEY = "_searches"
SEARCH_KEEP = 10
SEARCH_MAX_AGE = 12 * 3600
# The key's alphabet (token_urlsafe); anything else in `?s=` is simply not found.
_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _fresh(saved: object, now: int) -> dict[str, dict[str, Any]]:
    if not isinstance(saved, dict):
        return {}
    return {key: entry for key, entry in saved.items()
            if isinstance(entry, dict) and now - int(entry.get("at", 0)) <= SEARCH_MAX_AGE}


def search_store(request: HttpRequest, *, scope: str, query: dict[str, Any]) -> str:
    """Keep `query` (JSON-serialisable) for this session and return the opaque key naming it."""
    now = int(time.time())
    saved = _fresh(request.session.get(SESSION_KEY), now)
    key = secrets.token_urlsafe(12)
    saved[key] = {"scope": scope, "query": query, "at": now}
    newest = sorted(saved.items(), key=lambda item: int(item[1]["at"]))[-SEARCH_KEEP:]
    request.session[SESSION_KEY] = dict(newest)
    return key


def search_load(request: HttpRequest, *, scope: str, key: str | None) -> dict[str, Any] | None:
    """The query kept under `key` for `scope` in this session, or None (unknown, expired, another
    scope's, or not a key at all)."""
    if not key or len(key) > 64 or not set(key) <= _KEY_CHARS:
        return None
    entry = _fresh(request.session.get(SESSION_KEY), int(time.time())).get(key)
    if entry is None or entry.get("scope") != scope or not isinstance(entry.get("query"), dict):
        return None
    return dict(entry["query"])
