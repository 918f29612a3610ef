"""The shared cache on Redis, which degrades instead of failing when Redis does not answer.

Nothing the cache holds is the only copy of anything: dashboard sections, open-data tables, an
import's live progress and rate-limit counts can all be recomputed or started again. So a Redis
outage must cost speed, never a page: every operation that finds Redis unreachable (refused,
reset, or slower than the socket timeouts in settings.CACHES) is served by a small cache in this
process's memory instead, and so is every operation for the next RETRY_SECONDS, so a dead or hung
Redis costs one failed attempt per process every few seconds rather than one per call.

What that means for the callers, while Redis is away:
- a value some other process stored is a miss (the caller recomputes it); one this process stored
  during the outage is served from its memory, never shared, and forgotten when Redis is back;
- rate limits (kernel.ratelimit) count per process: the limits still hold for each gunicorn
  process, so the citizens' report page stops a flood at (processes x limit) instead of the
  limit, and signed-in staff, whose limits are far above what a person does, are not stopped;
- cache.add() keeps its meaning within the process (a debounce key is taken once per process).

It logs once per LOG_SECONDS per process that Redis is unreachable, and once that it is back:
never a line per call (a busy site would write thousands a minute).
"""

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# Redis errors that mean "not reachable now"; any other error (a bad command, a wrong type) is a
# bug and propagates. BusyLoadingError (Redis still loading its data after a restart) is a
# ConnectionError.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
RETRY_SECONDS = 2.0
LOG_SECONDS = 60.0
FALLBACK_MAX_ENTRIES = 1000


@dataclass
class _Outage:
    since: float | None = None  # monotonic time of the first failure, None while Redis answers
    retry_at: float = 0.0  # until then, do not try Redis
    logged_at: float | None = None
    failures: int = 0


# Django builds one cache object per thread; the outage is the process's, shared by its threads.
_outages: dict[str, _Outage] = {}
_lock = threading.Lock()


def _outage_for(location: str) -> _Outage:
    with _lock:
        return _outages.setdefault(location, _Outage())


class DegradingRedisCache(RedisCache):
    """Django's RedisCache, with a process-local LocMemCache standing in while Redis is down."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._location = server if isinstance(server, str) else ",".join(server)
        self._outage = _outage_for(self._location)
        # Same key function, prefix and version as the Redis side, so keys keep their schema
        # prefix (one municipality never reads another's entry from memory either).
        fallback_params = {key: value for key, value in params.items()
                           if key in ("TIMEOUT", "KEY_PREFIX", "VERSION", "KEY_FUNCTION")}
        fallback_params["OPTIONS"] = {"MAX_ENTRIES": FALLBACK_MAX_ENTRIES}
        self._fallback = LocMemCache(f"redis-fallback:{self._location}", fallback_params)

    @property
    def redis_unavailable(self) -> bool:
        """Whether this process currently serves the cache from its memory."""
        return self._outage.since is not None

    def _call(self, operation: str, *args: Any, **kwargs: Any) -> Any:
        outage = self._outage
        if outage.since is not None and time.monotonic() < outage.retry_at:
            return getattr(self._fallback, operation)(*args, **kwargs)
        try:
            result = getattr(super(), operation)(*args, **kwargs)
        except UNREACHABLE as error:
            self._failed(error)
            return getattr(self._fallback, operation)(*args, **kwargs)
        if outage.since is not None:
            self._recovered()
        return result

    def _failed(self, error: Exception) -> None:
        outage = self._outage
        now = time.monotonic()
        with _lock:
            first = outage.since is None
            if first:
                outage.since = now
            outage.retry_at = now + RETRY_SECONDS
            outage.failures += 1
            due = outage.logged_at is None or now - outage.logged_at >= LOG_SECONDS
            if due:
                outage.logged_at = now
        if due:
            logger.warning(
                "cache: Redis is unreachable (%s: %s) for %.0f s; serving the cache from this "
                "process's memory and trying Redis again every %.0f s (logged once a minute)",
                type(error).__name__, error, now - (outage.since or now), RETRY_SECONDS)

    def _recovered(self) -> None:
        outage = self._outage
        with _lock:
            if outage.since is None:
                return
            down_for, failures = time.monotonic() - outage.since, outage.failures
            outage.since, outage.logged_at, outage.failures = None, None, 0
        # What this process stored meanwhile was never shared: drop it rather than serve it later.
        self._fallback.clear()
        logger.warning("cache: Redis answers again after %.1f s (%d failed attempts in this process)",
                       down_for, failures)

    # Every operation Django's cache API offers (get_or_set and decr build on these).
    def add(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("add", *args, **kwargs)

    def get(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("get", *args, **kwargs)

    def set(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("set", *args, **kwargs)

    def touch(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("touch", *args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("delete_many", *args, **kwargs)

    def clear(self) -> Any:
        return self._call("clear")
