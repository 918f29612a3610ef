"""The cache (kernel/cache.py) when Redis does not answer: callers get misses and the pages work,
the citizens' rate limits still hold (counted per process), one log line says so, and the cache
goes back to Redis when Redis answers again. Redis here is a real redis-server the test stops,
an address nothing listens on, or a socket that accepts and never answers."""

import logging
import socket
import subprocess
import time

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from django_tenants.utils import schema_context

from accounts.models import User
from accounts.tokens import api_token_create
from kernel import cache as degrading
from kernel.cache import DegradingRedisCache

from ..helpers import free_port, host_client, login


def _backend(url: str) -> DegradingRedisCache:
    return DegradingRedisCache(url, {**settings.CACHES["default"], "LOCATION": url})


def _dead_url() -> str:
    return f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there


@pytest.fixture
def quick_retry(monkeypatch):
    monkeypatch.setattr(degrading, "RETRY_SECONDS", 0.0)


@pytest.fixture
def own_redis():
    port = free_port()

    def start() -> subprocess.Popen:
        process = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                                    "--save", "", "--appendonly", "no"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                if redis.Redis(port=port, socket_connect_timeout=0.2).ping():
                    break
            except redis.ConnectionError:
                time.sleep(0.05)
        return process

    processes = [start()]
    yield f"redis://127.0.0.1:{port}/0", processes, start
    for process in processes:
        process.kill()
        process.wait()


def test_it_answers_like_an_empty_cache_when_nothing_listens(db):
    backend = _backend(_dead_url())

    assert backend.get("missing", "default") == "default"
    backend.set("key", "value", 60)  # kept in this process's memory, no error
    assert backend.get("key") == "value"
    assert backend.get_or_set("computed", lambda: 42, 60) == 42
    assert backend.add("lock", 1, 60) is True
    assert backend.add("lock", 1, 60) is False
    assert backend.incr("lock") == 2
    with pytest.raises(ValueError):
        backend.incr("never-set")  # as Django's caches answer a missing counter
    backend.delete("key")
    assert backend.get("key") is None
    assert backend.redis_unavailable


def test_it_logs_once_not_once_per_call(db, caplog, quick_retry):
    backend = _backend(_dead_url())
    with caplog.at_level(logging.WARNING, logger="kernel.cache"):
        for n in range(200):
            backend.get(f"key-{n}")
            backend.set(f"key-{n}", n)

    assert len(caplog.records) == 1
    assert "Redis is unreachable" in caplog.records[0].getMessage()


def test_a_hung_redis_is_tried_once_then_left_alone_for_a_while(db):
    hung = socket.socket()  # accepts connections (the backlog) and never answers
    hung.bind(("127.0.0.1", 0))
    hung.listen(50)
    try:
        backend = _backend(f"redis://127.0.0.1:{hung.getsockname()[1]}/0")
        for n in range(20):
            assert backend.get(f"key-{n}", "miss") == "miss"
        # One attempt waited for the socket timeout; the other 19 calls did not try Redis.
        assert backend._outage.failures == 1
    finally:
        hung.close()


def test_it_goes_back_to_redis_when_redis_answers_again(db, own_redis, caplog, quick_retry):
    url, processes, start = own_redis
    backend = _backend(url)
    backend.set("before", "in redis", 60)
    processes[0].kill()
    processes[0].wait()

    assert backend.get("before") is None  # another process's value is a miss now
    backend.set("during", "in memory", 60)
    processes.append(start())
    with caplog.at_level(logging.WARNING, logger="kernel.cache"):
        backend.set("after", "in redis again", 60)

    assert not backend.redis_unavailable
    assert backend.get("during") is None  # memory was forgotten, never served later
    raw = redis.Redis.from_url(url)
    assert raw.exists(backend.make_key("after")) == 1
    assert "answers again" in caplog.records[-1].getMessage()


@pytest.fixture
def redis_down(db, quick_retry):
    dead = {**settings.CACHES["default"], "LOCATION": _dead_url()}
    with override_settings(CACHES={"default": dead}):
        yield
    cache.clear()


def test_the_citizens_status_lookups_stay_limited_while_redis_is_down(kantang, redis_down, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "report-status": (3, 600)}
    citizen = host_client("kantang.localhost")
    for _i in range(3):
        assert citizen.get("/report/status/ZZZZ-9999/").status_code == 404

    assert citizen.get("/report/status/ZZZZ-9999/").status_code == 429


def test_staff_pages_and_the_api_work_while_redis_is_down(kantang, redis_down):
    with schema_context("kantang"):
        engineer = User.objects.get(username="engineer")
        secret = api_token_create(user=engineer, name="redis down")[1]
    staff = login(host_client("kantang.localhost"), "kantang", "executive")

    assert staff.get("/dashboard/").status_code == 200
    api = host_client("kantang.localhost")
    assert api.get("/api/v1/assets/", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
