"""Liveness of the services the platform needs (CONTRACT §2: GET /healthz)."""

import logging

import redis
from django.conf import settings
from django.db import connection

_TIMEOUT_SECONDS = 1.0
logger = logging.getLogger(__name__)


def check_database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any failure means "not healthy"; the reason goes to the server log
        logger.exception("health check: database unreachable")
        return False


def check_redis() -> bool:
    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=_TIMEOUT_SECONDS,
        socket_timeout=_TIMEOUT_SECONDS,
    )
    try:
        return bool(client.ping())
    except redis.RedisError:
        logger.warning("health check: redis unreachable")
        return False
    finally:
        client.close()


def health_report() -> tuple[bool, dict[str, str]]:
    results = {"database": check_database(), "redis": check_redis()}
    healthy = all(results.values())
    report = {name: "ok" if ok else "unavailable" for name, ok in results.items()}
    report["status"] = "ok" if healthy else "degraded"
    return healthy, report
