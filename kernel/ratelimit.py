"""Fixed-window rate limits per client address (or per key such as an API token), counted in the
shared cache (Redis).

Used by the citizens' pages (no login, so the address is all we have), Open311 and the API. A
fixed window is crude at its edges (up to twice the limit across a boundary) but costs one Redis
INCR and needs no cleanup; that is enough to keep a script from flooding the municipality's queue.

The cache key function of the project prefixes every key with the schema, so each municipality
counts separately.

Settings:
- RATE_LIMITS: {scope: (max_hits, window_seconds)}, one entry per scope (cityplatform/settings.py
  lists them with the reason for each number). An unknown scope is a programming error: KeyError.
- RATE_LIMIT_TRUSTED_PROXIES: how many reverse proxies in front of the app append to
  X-Forwarded-For (0 = use REMOTE_ADDR). Behind one TLS proxy set it to 1, otherwise every
  citizen shares the proxy's address. Never set it higher than the real number of proxies: the
  left part of the header is whatever the client wrote.
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from kernel.http import client_ip as _client_ip


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    count: int
    limit: int
    retry_after: int  # seconds until the window ends


def limit_for(scope: str) -> tuple[int, int]:
    max_hits, window = settings.RATE_LIMITS[scope]
    return int(max_hits), max(1, int(window))


def client_ip(request: HttpRequest) -> str:
    return _client_ip(request) or "unknown"


def _key(scope: str, who: str, window_no: int) -> str:
    return f"ratelimit:{scope}:{who}:{window_no}"


def _window(scope: str, limit: tuple[int, int] | None = None) -> tuple[int, int, int, int]:
    max_hits, window = limit or limit_for(scope)
    now = int(time.time())
    return max_hits, window, now // window, window - now % window


def rate_peek(request: HttpRequest, scope: str, *, who: str | None = None) -> Verdict:
    """Whether one more hit would still be allowed, without counting it. `who`: count for this
    key (e.g. an API token) instead of the client's address."""
    max_hits, _window_s, window_no, retry_after = _window(scope)
    count = cache.get(_key(scope, who or client_ip(request), window_no)) or 0
    return Verdict(count < max_hits, count, max_hits, retry_after)


def rate_hit(request: HttpRequest, scope: str, *, who: str | None = None,
             limit: tuple[int, int] | None = None) -> Verdict:
    """Count one hit for the client (or `who`) in the current window; `allowed` is False over
    the limit (`limit`: (hits, seconds) instead of the scope's setting)."""
    max_hits, window, window_no, retry_after = _window(scope, limit)
    key = _key(scope, who or client_ip(request), window_no)
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr: a new window
        cache.set(key, 1, timeout=window + 5)
        count = 1
    return Verdict(count <= max_hits, count, max_hits, retry_after)


def rate_refund(request: HttpRequest, scope: str, *, who: str | None = None,
                limit: tuple[int, int] | None = None) -> None:
    """Take back one hit counted by `rate_hit` in the current window: the platform's own failure
    (a 5xx) must not use up the client's quota."""
    _max_hits, _window_s, window_no, _retry_after = _window(scope, limit)
    key = _key(scope, who or client_ip(request), window_no)
    try:
        if (cache.get(key) or 0) > 0:
            cache.decr(key)
    except ValueError:  # the window ended meanwhile: nothing left to take back
        pass


def refund_on_server_error(request: HttpRequest, scope: str, *, who: str | None = None,
                           limit: tuple[int, int] | None = None) -> None:
    """Ask the request guard (cityplatform.request_guard) to refund this hit if the answer turns
    out to be a server error."""
    refunds = getattr(request, "rate_limit_refunds", None)
    if refunds is None:
        refunds = []
        setattr(request, "rate_limit_refunds", refunds)  # noqa: B010
    refunds.append((scope, who, limit))


def refund_all(request: HttpRequest) -> None:
    for scope, who, limit in getattr(request, "rate_limit_refunds", ()):
        rate_refund(request, scope, who=who, limit=limit)
