"""Liveness of the services the platform needs (CONTRACT §2: GET /healthz)."""

import logging
import threading
import time

import redis
from django.conf import settings
from django.db import connection

_TIMEOUT_SECONDS = 1.0
# A monitor polls every few seconds: say that a service is down once a minute, not every poll.
LOG_SECONDS = 60.0
logger = logging.getLogger(__name__)
_last_logged: dict[str, float] = {}
_lock = threading.Lock()


def _log_due(service: str) -> bool:
    """Whether to log that `service` is down now: the first time, then once a minute."""
    now = time.monotonic()
    with _lock:
        if now - _last_logged.get(service, -LOG_SECONDS) < LOG_SECONDS:
            return False
        _last_logged[service] = now
        return True


def check_database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            ok = cursor.fetchone() == (1,)
    except Exception:  # any failure means "not healthy"; the reason goes to the server log
        if _log_due("database"):
            logger.exception("health check: database unreachable (logged once a minute)")
        return False
    _last_logged.pop("database", None)  # the next outage is logged at once
    return ok


def check_redis() -> bool:
    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=_TIMEOUT_SECONDS,
        socket_timeout=_TIMEOUT_SECONDS,
    )
    try:
        ok = bool(client.ping())
    except redis.RedisError as error:
        if _log_due("redis"):
            logger.warning("health check: redis unreachable (%s; logged once a minute)", error)
        return False
    finally:
        client.close()
    _last_logged.pop("redis", None)
    return ok


def health_report() -> tuple[bool, dict[str, str]]:
    results = {"database": check_database(), "redis": check_redis()}
    healthy = all(results.values())
    report = {name: "ok" if ok else "unavailable" for name, ok in results.items()}
    report["status"] = "ok" if healthy else "degraded"
    return healthy, report
