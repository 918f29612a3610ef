"""GET /healthz (CONTRACT §2): 200 with each service "ok" when up, 503 when one is down."""

import subprocess
import time

import pytest
from django.test import override_settings

from ..helpers import free_port, host_client


@pytest.fixture
def own_redis():
    """A real Redis server of the test's own, so the test can stop it."""
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        if subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True).returncode == 0:
            break
        time.sleep(0.05)
    yield process, f"redis://127.0.0.1:{port}/0"
    process.kill()
    process.wait()


@pytest.mark.parametrize("host", ["localhost", "kantang.localhost", "nueaklong.localhost"])
def test_it_answers_ok_on_every_host_when_services_are_up(host, db):
    response = host_client(host).get("/healthz")

    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["redis"] == "ok"


def test_it_answers_503_when_redis_goes_down(own_redis, db):
    process, url = own_redis
    client = host_client("kantang.localhost")
    with override_settings(REDIS_URL=url):
        before = client.get("/healthz")
        process.terminate()
        process.wait()
        after = client.get("/healthz")

    assert before.status_code == 200
    assert after.status_code == 503
    assert after.json()["redis"] == "unavailable"
    assert after.json()["database"] == "ok"
